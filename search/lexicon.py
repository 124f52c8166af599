"""What one generation's index knows: every term in any field (and which fields), and the
vocabulary of the main fields with document frequencies (for typo correction and
transliteration)."""

from __future__ import annotations

from search.vocabulary import Vocabulary
from store.fields import MAIN_FIELDS


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
