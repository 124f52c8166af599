"""The naive baseline `make eval` compares against: Whoosh's StandardAnalyzer over the same fields,
BM25F with default weights, all words required (falling back to any word), no Persian handling.
It lives here only as a measuring instrument."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema

FIELDS = {
    "title": ("title",),
    "keywords": ("keywords",),
    "agency": ("agency", "parent_agency"),
    "description": ("description",),
    "body": ("documents", "steps"),
}


def _text(card: dict, props) -> str:
    out = []
    for p in props:
        v = card.get(p)
        if isinstance(v, list):
            out.extend(x for x in v if isinstance(x, str))
        elif isinstance(v, str):
            out.append(v)
    return "\n".join(out)


class Baseline:
    def __init__(self, directory: Path, cards: list[dict]):
        directory.mkdir(parents=True, exist_ok=True)
        analyzer = StandardAnalyzer()
        schema = Schema(id=ID(stored=True, unique=True), **{f: TEXT(analyzer=analyzer) for f in FIELDS})
        ix = whoosh_index.create_in(str(directory), schema)
        with ix.writer() as w:
            for c in cards:
                w.add_document(id=c["id"], **{f: _text(c, props) for f, props in FIELDS.items()})
        self.ix = ix
        self.searcher = ix.searcher()
        self.and_parser = qparser.MultifieldParser(list(FIELDS), ix.schema, group=qparser.AndGroup)
        self.or_parser = qparser.MultifieldParser(list(FIELDS), ix.schema, group=qparser.OrGroup)

    def search(self, q: str, limit: int = 10) -> list[str]:
        for parser in (self.and_parser, self.or_parser):
            try:
                query = parser.parse(q)
            except Exception:
                return []
            hits = self.searcher.search(query, limit=limit)
            if len(hits):
                return [h["id"] for h in hits]
        return []
