"""The Whoosh schema and writer. Fields hold pre-analysed terms (see documents.py)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema

from indexer.documents import DERIVED_FIELDS, TEXT_SOURCES, field_terms

SEARCH_FIELDS = (*TEXT_SOURCES, *DERIVED_FIELDS.values())


def schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    # The title's analysed terms are stored too: ranking compares them with the query's.
    fields = {
        name: TEXT(analyzer=terms, phrase=name in ("title", "keywords"), stored=name == "title")
        for name in SEARCH_FIELDS
    }
    return Schema(id=ID(stored=True, unique=True), **fields)


def write(directory: Path, cards: list[dict], progress=None) -> None:
    """Create a Whoosh index of `cards` in `directory` (which must be empty)."""
    ix = whoosh_index.create_in(str(directory), schema())
    writer = ix.writer(limitmb=256)
    try:
        for n, card in enumerate(cards, start=1):
            writer.add_document(id=card["id"], **field_terms(card))
            if progress:
                progress(n)
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise


def vocabulary(directory: Path) -> frozenset[str]:
    """Every term the cards of the index in `directory` write as one word (the fields of their
    texts, not the derived ones: "joined" holds every pair of neighbours run together)."""
    ix = whoosh_index.open_dir(str(directory))
    with ix.reader() as reader:
        return frozenset(raw.decode("utf-8") for name in TEXT_SOURCES for raw in reader.lexicon(name))
