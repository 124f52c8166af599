"""Writing a generation's Whoosh index (the schema: store/fields.py), and reading back its
vocabulary for the stored words. Fields hold pre-analysed terms (documents.py)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from store.fields import MAIN_FIELDS, schema


class Writer:
    """A new Whoosh index in an empty directory, given each card's id and field_terms in order."""

    def __init__(self, directory: Path):
        self._writer = whoosh_index.create_in(str(directory), schema()).writer(limitmb=256)

    def add(self, card_id: str, fields: dict[str, str]) -> None:
        self._writer.add_document(id=card_id, **fields)

    def commit(self) -> None:
        self._writer.commit(optimize=True)

    def cancel(self) -> None:
        self._writer.cancel()


def vocabulary(directory: Path) -> frozenset[str]:
    """Every term the cards of the index in `directory` write as one word (the fields of their
    texts, not the derived ones: "joined" holds every pair of neighbours run together)."""
    ix = whoosh_index.open_dir(str(directory))
    with ix.reader() as reader:
        return frozenset(raw.decode("utf-8") for name in MAIN_FIELDS for raw in reader.lexicon(name))
