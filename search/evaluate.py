"""`make eval`: relevance on the judged queries, side by side with a naive baseline and with each
ranking and query-understanding signal switched off, all in one run.

    python -m search.evaluate --index var/index [--queries corpus/judgments/queries.tsv]

Metrics: nDCG@10 (gain 2^grade − 1), MRR, success@1 (the top hit is graded 2), recall@10, the
zero-result rate over answerable queries, and on the nonsense category the false-hit rate (share of
nonsense queries that return a hit not marked weak) and the any-hit rate.

The queries judged with the catalogue at the portal's scale (issue 20) carry the qid prefix `g`; for
one release the headline is also given per judged set, so the earlier set's numbers stay comparable.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import orjson

from search import Engine, SearchRequest, variants_eval
from search.baseline import Baseline
from search.signals import DEFAULT, Signals

K = 10
# Queries added later, reported apart as well: for the catalogue at the portal's scale (issue 20),
# and situations, long questions and variants written by someone who had never seen the engine's
# answers, judged by reading the cards (issue 14's fresh set).
LATER_SETS = {"g": "scale(g)", "h": "fresh(h)"}


def judged_set(qid: str) -> str:
    return LATER_SETS.get(qid[:1], "earlier")


@dataclass
class Judged:
    qid: str
    category: str
    query: str
    grades: dict[str, int]


def load_queries(path: Path) -> list[Judged]:
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines()):
        if n == 0 or not line.strip() or line.startswith("#"):
            continue
        qid, category, query, relevant = line.split("\t")
        grades = {}
        if relevant.strip() != "-":
            for item in relevant.split():
                sid, g = item.rsplit(":", 1)
                grades[sid] = int(g)
        out.append(Judged(qid, category, query, grades))
    return out


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:K]))
    ideal = sorted(grades.values(), reverse=True)[:K]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def score_query(j: Judged, ranked: list[str], weak: bool) -> dict:
    if not j.grades:
        return {"answerable": False, "false_hit": bool(ranked) and not weak, "any_hit": bool(ranked)}
    rr = next((1 / (i + 1) for i, d in enumerate(ranked[:K]) if j.grades.get(d, 0) > 0), 0.0)
    best = max(j.grades.values())
    relevant = [d for d, g in j.grades.items() if g > 0]
    return {
        "answerable": True,
        "ndcg": ndcg(ranked, j.grades),
        "mrr": rr,
        "success1": 1.0 if ranked and j.grades.get(ranked[0], 0) == best else 0.0,
        "recall": len(set(ranked[:K]) & set(relevant)) / len(relevant),
        "zero": 1.0 if not ranked else 0.0,
    }


def summarise(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    un = [r for r in rows if not r["answerable"]]

    def mean(key: str, rs: list[dict]) -> float:
        return sum(r[key] for r in rs) / len(rs) if rs else float("nan")

    return {
        "n": len(rows),
        "ndcg": mean("ndcg", ans),
        "mrr": mean("mrr", ans),
        "success1": mean("success1", ans),
        "recall": mean("recall", ans),
        "zero": mean("zero", ans),
        "false_hit": mean("false_hit", un),
        "any_hit": mean("any_hit", un),
    }


def run_engine(engine: Engine, queries: list[Judged]) -> tuple[list[dict], list[float]]:
    rows, times = [], []
    for j in queries:
        t = time.perf_counter()
        result = engine.search(SearchRequest(q=j.query, size=K))
        times.append((time.perf_counter() - t) * 1000)
        ranked = [h.id for h in result.hits]
        weak = bool(result.hits) and all(h.weak for h in result.hits)
        rows.append(score_query(j, ranked, weak) | {"category": j.category})
    return rows, times


def by_category(rows: list[dict]) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["category"]].append(r)
    return {c: summarise(rs) for c, rs in sorted(groups.items())}


def fmt(x: float) -> str:
    return "  -  " if x != x else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.evaluate")
    p.add_argument("--index", required=True)
    p.add_argument(
        "--queries", default=str(Path(__file__).resolve().parent.parent / "corpus" / "judgments" / "queries.tsv")
    )
    p.add_argument("--ablations", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--variants", default=str(variants_eval.DEFAULT_PATH), help="spelling variants; '' to skip")
    p.add_argument("--json", metavar="FILE", help="also write every number to FILE")
    args = p.parse_args(argv)

    queries = load_queries(Path(args.queries))
    engine = Engine(args.index)
    gen = engine.load()
    cards = list(gen.cards())

    variants: dict[str, list[dict]] = {}
    timings: dict[str, list[float]] = {}
    variants["dargah"], timings["dargah"] = run_engine(engine, queries)

    with tempfile.TemporaryDirectory() as tmp:
        base = Baseline(Path(tmp) / "baseline", cards)
        rows = []
        for j in queries:
            ranked = base.search(j.query)
            rows.append(score_query(j, ranked, False) | {"category": j.category})
        variants["baseline"] = rows
        variant_scores = variants_eval.measure_both(args.variants, engine, base)

    out = sys.stdout
    header = f"{'variant':<16}{'nDCG@10':>9}{'MRR':>8}{'S@1':>8}{'R@10':>8}{'zero':>8}{'false':>8}{'anyhit':>8}\n"

    def row(name: str, s: dict) -> str:
        return (
            f"{name:<16}{fmt(s['ndcg']):>9}{fmt(s['mrr']):>8}{fmt(s['success1']):>8}{fmt(s['recall']):>8}"
            f"{fmt(s['zero']):>8}{fmt(s['false_hit']):>8}{fmt(s['any_hit']):>8}\n"
        )

    summary = {name: summarise(rows) for name, rows in variants.items()}
    cats_full = by_category(variants["dargah"])
    cats_base = by_category(variants["baseline"])
    out.write(f"{len(queries)} judged queries, {len(cards)} cards, generation {gen.name}\n\n")
    out.write(f"{'category':<14}{'n':>4}{'nDCG':>8}{'base':>8}{'MRR':>8}{'S@1':>8}{'zero':>8}{'false':>8}\n")
    for cat, s_ in cats_full.items():
        b = cats_base.get(cat, {})
        out.write(
            f"{cat:<14}{s_['n']:>4}{fmt(s_['ndcg']):>8}{fmt(b.get('ndcg', float('nan'))):>8}{fmt(s_['mrr']):>8}"
            f"{fmt(s_['success1']):>8}{fmt(s_['zero']):>8}{fmt(s_['false_hit']):>8}\n"
        )
    variants_eval.write_section(out, variant_scores)
    lat = sorted(timings["dargah"])
    p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1]
    out.write(f"\nengine latency over the judged queries: p50 {p50:.1f} ms, p99 {p99:.1f} ms\n")
    out.write(f"nDCG@10 over the baseline: {summary['dargah']['ndcg'] - summary['baseline']['ndcg']:+.3f}\n\n")
    out.write(header + row("dargah", summary["dargah"]) + row("baseline", summary["baseline"]))
    by_set = {}
    for name in ("dargah", "baseline"):
        groups: dict[str, list[dict]] = defaultdict(list)
        for j, r in zip(queries, variants[name], strict=True):
            groups[judged_set(j.qid)].append(r)
        by_set[name] = {s_: summarise(rs) for s_, rs in sorted(groups.items())}
    out.write("\nby judged set:\n")
    for s_, numbers in by_set["dargah"].items():
        out.write(row(f"{s_} n={numbers['n']}", numbers))
    out.write("\n")
    out.flush()  # the headline first: the ablations below take most of the run

    if args.ablations:
        for name in Signals.names():
            engine.signals = DEFAULT.without(name)
            variants[f"-{name}"], _ = run_engine(engine, queries)
            summary[f"-{name}"] = summarise(variants[f"-{name}"])
            out.write(row(f"-{name}", summary[f"-{name}"]))
            out.flush()
        engine.signals = DEFAULT
    if args.json:
        Path(args.json).write_bytes(
            orjson.dumps(
                {
                    "summary": summary,
                    "sets": by_set,
                    "categories": cats_full,
                    "baseline_categories": cats_base,
                    "variants": {name: s_.as_json() for name, s_ in variant_scores.items()},
                },
                option=orjson.OPT_INDENT_2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
