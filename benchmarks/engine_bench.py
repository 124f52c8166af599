"""Per-query latency of `search.Engine.search(SearchRequest(q=..., size=10))`, in its own process.

    python -m benchmarks.engine_bench --index DIR --queries FILE.json [--budget SECONDS] [--engine tantivy]

FILE.json holds {"warmup": [...], "judged": [...], "distinct": [...]}. The warm-up queries run
first and are not measured; then every judged query once, then the distinct queries, each set in
its order until it is done or `--budget` seconds have passed on it (both lists come shuffled, so a
time-bounded prefix is a fair sample; the count actually measured is reported). Prints one JSON
object on stdout. The parent measures this process's peak memory (VmHWM).

With `--engine tantivy`, the same is measured for the tantivy instrument's search function
(benchmarks/tantivy_service.py, top 10 + snippets + facet aggregations), for comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402 (after the checkout is put on the path: run as a script)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))  # ceil(p/100 * n) - 1
    return s[k]


def summary(lat_ms: list[float], sizes: list[int], zero: int, planned: int, seconds: float) -> dict:
    return {
        "n": len(lat_ms),
        "planned": planned,
        "p50_ms": round(percentile(lat_ms, 50) or 0, 2),
        "p90_ms": round(percentile(lat_ms, 90) or 0, 2),
        "p99_ms": round(percentile(lat_ms, 99) or 0, 2),
        "max_ms": round(max(lat_ms), 2) if lat_ms else 0,
        "mean_ms": round(sum(lat_ms) / len(lat_ms), 2) if lat_ms else 0,
        "zero_hit_share": round(zero / len(lat_ms), 3) if lat_ms else 0,
        "mean_body_bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "seconds": round(seconds, 1),
    }


def run(search, queries: list[str], budget: float | None) -> dict:
    lat, sizes, zero = [], [], 0
    started = time.monotonic()
    for q in queries:
        if budget is not None and time.monotonic() - started >= budget:
            break
        t = time.perf_counter()
        result = search(q)
        lat.append((time.perf_counter() - t) * 1000)
        sizes.append(len(orjson.dumps(result)))
        zero += result["total"] == 0
    return summary(lat, sizes, zero, len(queries), time.monotonic() - started)


def vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.engine_bench")
    p.add_argument("--index", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--budget", type=float, default=None, help="seconds for each measured set (default: no limit)")
    p.add_argument("--engine", choices=("dargah", "tantivy"), default="dargah")
    args = p.parse_args(argv)
    sets = json.loads(Path(args.queries).read_text("utf-8"))
    t = time.perf_counter()
    if args.engine == "dargah":
        from api.presenters import search_json
        from search import Engine, SearchRequest

        engine = Engine(args.index)
        engine.load()
        cards = engine.card_count()

        def search(q: str) -> dict:
            return search_json(engine.search(SearchRequest(q=q, size=10)))
    else:
        import tantivy

        from benchmarks import tantivy_service

        ix = tantivy.Index.open(args.index)
        cards = ix.searcher().num_docs

        def search(q: str) -> dict:
            return tantivy_service.search(ix, q, 10)

    load_s = time.perf_counter() - t
    out = {
        "engine": args.engine,
        "load_s": round(load_s, 2),
        "cards": cards,
        "rss_after_load_mb": round(vm_rss_mb(), 1),
    }
    run(search, sets.get("warmup", []), None)
    out["judged"] = run(search, sets["judged"], args.budget)
    out["distinct"] = run(search, sets["distinct"], args.budget)
    out["rss_end_mb"] = round(vm_rss_mb(), 1)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
