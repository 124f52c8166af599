"""Writing a generation's Whoosh index (the schema: store/fields.py), and reading back its
vocabulary for the stored words. Fields hold pre-analysed terms (documents.py)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from store.fields import MAIN_FIELDS, schema

# Postings held in memory before they are sorted to disk in runs (Whoosh's estimate of their
# size). A 10,000-card catalogue's two million postings fit: written out and merged back, they
# doubled the writer's work. A larger catalogue still writes runs, which bounds a build's memory.
POSTINGS_MB = 512


class _LengthsReadOnce:
    """The new segment's field lengths as Whoosh's commit asks for them (once per posting, each
    a seek and read in the lengths file), read once per field and then served from a list."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._lengths[fieldname] = [read(d, fieldname) for d in range(self._reader.doc_count_all())]
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()


class _SegmentWriter(SegmentWriter):
    def _flush_segment(self):  # SegmentWriter's (whoosh-reloaded 2.7.5), with the lengths read once
        self.perdocwriter.close()
        lengths = _LengthsReadOnce(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()


class Writer:
    """A new Whoosh index in an empty directory, given each card's id and field_terms in order."""

    def __init__(self, directory: Path):
        self._writer = _SegmentWriter(whoosh_index.create_in(str(directory), schema()), limitmb=POSTINGS_MB)

    def add(self, card_id: str, fields: dict[str, str]) -> None:
        self._writer.add_document(id=card_id, **fields)

    def commit(self) -> None:
        self._writer.commit(optimize=True)

    def cancel(self) -> None:
        self._writer.cancel()


class IndexedTerms:
    """`vocabulary`'s terms, looked up in an open index one at a time rather than listed: a
    single-card change asks about the few words of one card."""

    def __init__(self, reader):
        self._reader = reader

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and any((name, term) in self._reader for name in MAIN_FIELDS)


def vocabulary(directory: Path) -> frozenset[str]:
    """Every term the cards of the index in `directory` write as one word (the fields of their
    texts, not the derived ones: "joined" holds every pair of neighbours run together)."""
    ix = whoosh_index.open_dir(str(directory))
    with ix.reader() as reader:
        return frozenset(raw.decode("utf-8") for name in MAIN_FIELDS for raw in reader.lexicon(name))
