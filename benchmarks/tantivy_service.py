"""A tantivy-py implementation of GET /api/v1/search: a measuring instrument, not a product.

    python -m benchmarks.tantivy_service build CORPUS --index DIR
    python -m benchmarks.tantivy_service serve --index DIR [--port P] [--workers 2]

The index holds the same cards with the same fields as dargah's (title, keywords, agency, cluster,
description, body = documents + steps), analysed by tantivy's default tokenizer (a baseline of
speed, not of relevance: no Persian folds, stemming or synonyms). A search is tantivy's query
parser in its default mode (any word may match, BM25, field boosts like dargah's), top 10 with
id/title/agency/cluster/score/snippet, and the cluster and agency facet counts over every match,
computed with tantivy's terms aggregation on fast (raw) fields. Like dargah, it serves 2 worker
processes on one port with SO_REUSEPORT and answers /readyz once its index is open. Unlike dargah
it has no response cache and searches on the event loop (a search takes well under a millisecond
at these sizes, so a thread hop would only add cost).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import orjson
import tantivy
from aiohttp import web

from benchmarks.prefork import instrument_app, serve

BOOSTS = {"title": 6.0, "keywords": 3.5, "agency": 2.0, "cluster": 1.2, "description": 1.0, "body": 0.5}
SEARCH_FIELDS = list(BOOSTS)
FACETS = ("cluster", "agency")
FACET_LIMIT = 50
SNIPPET_CHARS = 200
SNIPPET_WORDS = 36
MAX_Q = 200


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True)
    sb.add_text_field("keywords")
    sb.add_text_field("agency", stored=True)
    sb.add_text_field("cluster", stored=True)
    sb.add_text_field("description", stored=True)
    sb.add_text_field("body")
    # Facet columns: the whole value as one term, in a fast field, for the terms aggregation.
    sb.add_text_field("agency_facet", fast=True, tokenizer_name="raw")
    sb.add_text_field("cluster_facet", fast=True, tokenizer_name="raw")
    sb.add_integer_field("popularity", fast=True)
    return sb.build()


def read_cards(path: Path) -> list[dict]:
    files = sorted((path / "services").glob("*.jsonl")) if path.is_dir() else [path]
    cards = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            cards += [json.loads(line) for line in fh if line.strip()]
    return cards


def build(corpus: Path, index_dir: Path) -> int:
    cards = read_cards(corpus)
    index_dir.mkdir(parents=True, exist_ok=False)
    started = time.monotonic()
    ix = tantivy.Index(schema(), path=str(index_dir))
    writer = ix.writer(heap_size=256_000_000)
    for c in cards:
        writer.add_document(
            tantivy.Document(
                id=c["id"],
                title=c["title"],
                keywords=" ، ".join(c.get("keywords") or []),
                agency=c["agency"],
                cluster=c["cluster"],
                description=c.get("description") or "",
                body=" . ".join([*(c.get("documents") or []), *(c.get("steps") or [])]),
                agency_facet=c["agency"],
                cluster_facet=c["cluster"],
                popularity=int(c.get("popularity") or 0),
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    print(f"tantivy: {len(cards)} cards into {index_dir} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


# -- serving --------------------------------------------------------------------------------------

INDEX = web.AppKey("index", object)


def _opening(description: str) -> str:
    words = description.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


def search(ix: tantivy.Index, q: str, size: int) -> dict:
    started = time.perf_counter()
    searcher = ix.searcher()
    if q:
        query, _errors = ix.parse_query_lenient(q, SEARCH_FIELDS, field_boosts=BOOSTS)
        result = searcher.search(query, size)
    else:
        query = tantivy.Query.all_query()
        result = searcher.search(query, size, order_by_field="popularity")
    aggs = searcher.aggregate(query, {f: {"terms": {"field": f"{f}_facet", "size": FACET_LIMIT}} for f in FACETS})
    snippets = tantivy.SnippetGenerator.create(searcher, query, ix.schema, "description") if q else None
    if snippets is not None:
        snippets.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for score, address in result.hits:
        doc = searcher.doc(address)
        fragment = snippets.snippet_from_doc(doc).to_html() if snippets is not None else ""
        hits.append(
            {
                "id": doc.get_first("id"),
                "title": doc.get_first("title"),
                "agency": doc.get_first("agency"),
                "cluster": doc.get_first("cluster"),
                "score": round(float(score), 4) if q else 0.0,
                "snippet": fragment or _opening(doc.get_first("description") or ""),
            }
        )
    return {
        "query": {"q": q},
        "total": result.count,
        "size": size,
        "hits": hits,
        "facets": {
            f: [{"value": b["key"], "count": b["doc_count"]} for b in aggs.get(f, {}).get("buckets", [])]
            for f in FACETS
        },
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _problem(status: int, detail: str) -> web.Response:
    body = orjson.dumps({"type": "about:blank", "title": detail, "status": status, "detail": detail})
    return web.Response(status=status, body=body, content_type="application/problem+json")


async def search_handler(request: web.Request) -> web.Response:
    q = request.rel_url.query.get("q", "").strip()
    raw = request.rel_url.query.get("size", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        return _problem(400, "size must be a whole number from 1 to 50")
    if len(q) > MAX_Q:
        return _problem(400, f"q must be at most {MAX_Q} characters")
    body = orjson.dumps(search(request.app[INDEX], q, int(raw)))
    return web.Response(body=body, content_type="application/json", charset="utf-8")


def make_app(index_dir: str):
    def open_index(app: web.Application) -> None:
        ix = tantivy.Index.open(index_dir)
        ix.config_reader(reload_policy="manual")
        app[INDEX] = ix

    return instrument_app(search_handler, open_index)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.tantivy_service")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("corpus")
    b.add_argument("--index", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--index", required=True)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8091)
    s.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    if args.command == "build":
        return build(Path(args.corpus), Path(args.index))
    return serve(make_app(args.index), args.host, args.port, args.workers, "tantivy-service")


if __name__ == "__main__":
    sys.exit(main())
