"""Writing a generation's Whoosh index (the schema: store/fields.py), and reading back its
vocabulary for the stored words. Fields hold pre-analysed terms (documents.py)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from indexer.documents import field_terms
from store.fields import MAIN_FIELDS, schema


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
        return frozenset(raw.decode("utf-8") for name in MAIN_FIELDS for raw in reader.lexicon(name))
