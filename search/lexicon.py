"""What one generation's index knows: every term in any field, and the vocabulary of the main
fields with document frequencies (for typo correction and transliteration)."""

from __future__ import annotations

from search.vocabulary import Vocabulary

MAIN_FIELDS = ("title", "keywords", "agency", "cluster", "description", "body")


class Lexicon:
    def __init__(self, reader, fields: tuple[str, ...]):
        df: dict[str, int] = {}
        known: set[str] = set()
        for name in fields:
            main = name in MAIN_FIELDS
            # iter_field walks the term index once, with each term's statistics at hand.
            for raw, info in reader.iter_field(name):
                term = raw.decode("utf-8")
                known.add(term)
                if main:
                    df[term] = df.get(term, 0) + info.doc_frequency()
        self.known = frozenset(known)
        self.vocab = Vocabulary(df)
