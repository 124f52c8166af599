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
            for raw in reader.lexicon(name):
                term = raw.decode("utf-8")
                known.add(term)
                if name in MAIN_FIELDS:
                    df[term] = df.get(term, 0) + reader.doc_frequency(name, term)
        self.known = frozenset(known)
        self.vocab = Vocabulary(df)
