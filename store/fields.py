"""A generation's index fields: what each is made of, how Whoosh stores it, how much a match in
it weighs.

Fields hold terms the analyzer already produced (indexer/documents.py), space-separated; Whoosh
only splits them on spaces, so the index on disk does not depend on our code to be opened.
"""

from __future__ import annotations

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema

# Text field → the card properties it is made of.
TEXT_SOURCES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "keywords": ("keywords",),
    "agency": ("agency", "parent_agency"),
    "cluster": ("cluster", "life_events"),
    "description": ("description",),
    "body": ("documents", "steps", "inquiries"),
}
MAIN_FIELDS = tuple(TEXT_SOURCES)  # the fields of the texts the cards write

# The low-weight fields the analyzer feeds from every text field (made from the texts, not
# written in them): compound parts, neighbouring words written together, and the lemmas of
# inflected words the lexicon lists whole (فرزندان → فرزند).
PARTS = "parts"
JOINED = "joined"
LEMMA = "lemma"
DERIVED_FIELDS = (PARTS, JOINED, LEMMA)
DERIVED_BY_KIND = {"part": PARTS, "joined": JOINED, "lemma": LEMMA}  # analyzer token kind → its field

SEARCH_FIELDS = (*MAIN_FIELDS, *DERIVED_FIELDS)
ID_FIELD = "id"
PHRASE_FIELDS = ("title", "keywords")  # positions kept
STORED_TERMS_FIELD = "title"  # its analysed terms are stored: ranking compares them with the query's

# BM25F field weights: title > keywords > agency > description > documents and steps.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 6.0,
    "keywords": 3.5,
    "agency": 2.0,
    "cluster": 1.2,
    "description": 1.0,
    "body": 0.5,
}
PARTS_WEIGHT = 0.6  # a part of a compound: گواهی in گواهی‌نامه
JOINED_WEIGHT = 0.9  # two words of the card written together match one query word
LEMMA_WEIGHT = 0.9  # the card writes an inflection (مدارک) of the query's word (مدرک)


def schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    fields = {
        name: TEXT(analyzer=terms, phrase=name in PHRASE_FIELDS, stored=name == STORED_TERMS_FIELD)
        for name in SEARCH_FIELDS
    }
    return Schema(**{ID_FIELD: ID(stored=True, unique=True)}, **fields)
