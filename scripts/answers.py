"""Every public answer for the judged queries, as JSON lines, to compare two versions of the code.

    python scripts/answers.py --index var/index -o before.jsonl      # on the old code
    python scripts/answers.py --index var/index -o after.jsonl       # on the new code
    python scripts/answers.py --compare before.jsonl after.jsonl     # exit 1 on any difference

The answers come over real HTTP from the application on loopback: for each judged query the
search (page 1, a second page of five, the first hit's cluster as a filter, sorted by title, only
electronic services), suggestions for its first letters, its analysis and the service view of
every relevant card, plus the catalogue views. `took_ms` and the generation's name (a time
stamp) are left out: everything else must be byte-identical when a change claims to change no
answer.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from urllib.parse import urlencode

import orjson

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "corpus" / "judgments" / "queries.tsv"


def _judged() -> list[tuple[str, list[str]]]:
    rows = QUERIES.read_text("utf-8").splitlines()[1:]
    out = []
    for row in rows:
        _qid, _category, query, relevant = (row.split("\t") + [""] * 4)[:4]
        out.append((query, [r.split(":")[0] for r in relevant.split() if r]))
    return out


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("took_ms", "generation")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


async def _collect(index: Path, out: Path) -> int:
    from aiohttp.test_utils import TestClient, TestServer

    sys.path.insert(0, str(ROOT))
    from api.app import Settings, create_app

    app = create_app(settings=Settings(index, log_queries=False, analytics_dir=out.parent / ".answers-analytics"))
    lines = 0
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:

        async def get(path: str, **query) -> bytes:
            nonlocal lines
            url = path + ("?" + urlencode(query, doseq=True) if query else "")
            r = await client.get(url)
            body = await r.read()
            lines += 1
            parsed = orjson.loads(body) if body else None
            return orjson.dumps({"url": url, "status": r.status, "body": _strip(parsed)}, option=orjson.OPT_SORT_KEYS)

        with out.open("wb") as f:
            for path in ("/api/v1/clusters", "/api/v1/agencies", "/api/v1/search"):
                f.write(await get(path) + b"\n")
            services: set[str] = set()
            for query, relevant in _judged():
                first = await client.get("/api/v1/search?" + urlencode({"q": query}))
                hits = (await first.json()).get("hits") or []
                f.write(await get("/api/v1/search", q=query) + b"\n")
                f.write(await get("/api/v1/search", q=query, page=2, size=5) + b"\n")
                if hits:
                    f.write(await get("/api/v1/search", q=query, cluster=hits[0]["cluster"]) + b"\n")
                f.write(await get("/api/v1/search", q=query, sort="title", electronic="true") + b"\n")
                f.write(await get("/api/v1/suggest", q=query[:3]) + b"\n")
                f.write(await get("/api/v1/analyze", text=query) + b"\n")
                services.update(relevant)
            for sid in sorted(services):
                f.write(await get(f"/api/v1/services/{sid}") + b"\n")
    return lines


def _compare(before: Path, after: Path) -> int:
    old, new = before.read_bytes().splitlines(), after.read_bytes().splitlines()
    differ = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
    for a, b in differ[:5]:
        print("before:", a.decode()[:400], "\nafter: ", b.decode()[:400], "\n")
    if len(old) != len(new):
        print(f"{len(old)} answers before, {len(new)} after")
    print(f"{len(old)} answers compared, {len(differ)} differ")
    return 1 if differ or len(old) != len(new) else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, help="the index directory to answer from")
    p.add_argument("-o", "--output", type=Path, help="where to write the answers (JSON lines)")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = p.parse_args(argv)
    if args.compare:
        return _compare(*args.compare)
    if not (args.index and args.output):
        p.error("--index and -o, or --compare")
    print(f"{asyncio.run(_collect(args.index, args.output))} answers written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
