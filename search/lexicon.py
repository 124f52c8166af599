"""What one generation's index knows: every term in any field (and which fields), and the
vocabulary of the main fields with document frequencies (for typo correction and
transliteration)."""

from __future__ import annotations

import functools

from search.vocabulary import Vocabulary

MAIN_FIELDS = ("title", "keywords", "agency", "cluster", "description", "body")
DERIVED_FIELDS = ("parts", "joined")  # made by the analyzer from the texts, not written in them


class Lexicon:
    def __init__(self, reader, fields: tuple[str, ...]):
        df: dict[str, int] = {}
        known: dict[str, int] = {}
        self.field_bits = {name: 1 << i for i, name in enumerate(fields)}
        for name in fields:
            bit = self.field_bits[name]
            main = name in MAIN_FIELDS
            # iter_field walks the term index once, with each term's statistics at hand.
            for raw, info in reader.iter_field(name):
                term = raw.decode("utf-8")
                known[term] = known.get(term, 0) | bit
                if main:
                    df[term] = df.get(term, 0) + info.doc_frequency()
        # Term → the fields it occurs in, one bit each (field_bits): a term's postings are read
        # only from those, never looked up in the others.
        self.known = known
        self.vocab = Vocabulary(df)

    @functools.cached_property
    def written(self) -> WrittenTerms:
        """The terms the cards write as one word (in a field of their texts)."""
        mask = sum(bit for name, bit in self.field_bits.items() if name not in DERIVED_FIELDS)
        return WrittenTerms(self.known, mask)


class WrittenTerms:
    """A view of Lexicon.known: `term in view` when some card writes the term as one word."""

    __slots__ = ("_known", "_mask")

    def __init__(self, known: dict[str, int], mask: int):
        self._known, self._mask = known, mask

    def __contains__(self, term: object) -> bool:
        return bool(self._known.get(term, 0) & self._mask)
