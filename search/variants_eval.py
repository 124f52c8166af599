"""Spelling and inflection variants in `make eval`: what a citizen sees when they type a word another
way (`corpus/judgments/variants.tsv`, written without looking at the engine's answers).

Each row is `kind<TAB>query<TAB>base<TAB>note`:
- `same`: the query is a variant of the base query (a half-space left out, Arabic letters, a plural,
  a typo, the English keyboard layout …). It passes when its top hit is the base's top hit; the softer
  measure is the base's top hit anywhere in the query's top 3.
- `apart`: two queries a naive stemmer or fuzzy matcher would take for one (ارث/ارز, کتاب/کتابخانه)
  but which name different services. It passes when both find something and their top hits differ:
  a side that finds nothing is a failure too, since the citizen is shown nothing.

The note names the kind of variant before an optional colon (`typo: letters swapped`), so failures
can be counted per kind and the numbers say where the engine is weak.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "corpus" / "judgments" / "variants.tsv"
KINDS = ("same", "apart")
TOP = 3  # the softer `same` measure: the base's service among the first three hits
_VARIANT_NAME = re.compile(r"^[a-z][a-z_]*$")

SearchFn = Callable[[str], Sequence[str]]  # a query → ranked service ids


class VariantFileError(ValueError):
    """A row of the variants file that cannot be measured; the message names the line."""


@dataclass(frozen=True)
class VariantRow:
    kind: str  # `same` or `apart`
    query: str
    base: str
    note: str
    line: int

    @property
    def variant(self) -> str:
        """The kind of variant the note names: `typo` in `typo: letters swapped`."""
        return self.note.split(":", 1)[0].strip()


def parse_variants(text: str) -> list[VariantRow]:
    rows = []
    header_seen = False
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells == ["kind", "query", "base", "note"]:
                continue
        if len(cells) != 4:
            raise VariantFileError(f"line {n}: {len(cells)} tab-separated cells, expected 4")
        kind, query, base, note = (c.strip() for c in cells)
        row = VariantRow(kind, query, base, note, n)
        if kind not in KINDS:
            raise VariantFileError(f"line {n}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if not query or not base:
            raise VariantFileError(f"line {n}: empty query or base")
        if query == base:
            raise VariantFileError(f"line {n}: the query is its own base")
        if not _VARIANT_NAME.match(row.variant):
            raise VariantFileError(f"line {n}: the note must start with the variant's kind (`typo: …`)")
        rows.append(row)
    return rows


def load_variants(path: Path | str = DEFAULT_PATH) -> list[VariantRow]:
    return parse_variants(Path(path).read_text("utf-8"))


@dataclass(frozen=True)
class Outcome:
    row: VariantRow
    query_top: tuple[str, ...]
    base_top: tuple[str, ...]

    @property
    def passed(self) -> bool:
        if not self.base_top or not self.query_top:
            return False
        same_top = self.query_top[0] == self.base_top[0]
        return same_top if self.row.kind == "same" else not same_top

    @property
    def in_top(self) -> bool:
        """`same` rows only: the base's top hit is among the query's first TOP hits."""
        return bool(self.base_top) and self.base_top[0] in self.query_top[:TOP]

    @property
    def reason(self) -> str:
        if self.passed:
            return ""
        if not self.base_top or not self.query_top:
            return "nothing found"
        return "another service first" if self.row.kind == "same" else "same service first"


@dataclass
class VariantScores:
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.row.kind == kind]

    @staticmethod
    def _share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else float("nan")

    @property
    def same_top1(self) -> float:
        return self._share([o.passed for o in self.of("same")])

    @property
    def same_top3(self) -> float:
        return self._share([o.in_top for o in self.of("same")])

    @property
    def apart_kept(self) -> float:
        return self._share([o.passed for o in self.of("apart")])

    def failures(self, kind: str) -> Counter[str]:
        """Failing rows of one kind, counted per kind of variant."""
        return Counter(o.row.variant for o in self.of(kind) if not o.passed)

    def as_json(self) -> dict:
        return {
            "same_n": len(self.of("same")),
            "same_top1": self.same_top1,
            "same_top3": self.same_top3,
            "apart_n": len(self.of("apart")),
            "apart_kept": self.apart_kept,
            "failures": {kind: dict(sorted(self.failures(kind).items())) for kind in KINDS},
            "failing_rows": [
                {
                    "line": o.row.line,
                    "kind": o.row.kind,
                    "variant": o.row.variant,
                    "query": o.row.query,
                    "base": o.row.base,
                    "reason": o.reason,
                    "query_top": list(o.query_top),
                    "base_top": list(o.base_top),
                }
                for o in self.outcomes
                if not o.passed
            ],
        }


def measure(rows: Sequence[VariantRow], search: SearchFn) -> VariantScores:
    """Run every row's two queries through `search` (each distinct query once)."""
    answers: dict[str, tuple[str, ...]] = {}

    def top(q: str) -> tuple[str, ...]:
        if q not in answers:
            answers[q] = tuple(search(q))[:TOP]
        return answers[q]

    return VariantScores([Outcome(r, top(r.query), top(r.base)) for r in rows])


def engine_search(engine) -> SearchFn:
    """What the citizen sees first: the engine's hits as ranked, weak ones included."""
    from search.engine import SearchRequest

    return lambda q: [h.id for h in engine.search(SearchRequest(q=q, size=TOP)).hits]


def measure_both(path: Path | str, engine, baseline) -> dict[str, VariantScores]:
    """Dargah and the naive baseline on the same rows; nothing when no file is given."""
    if not path:
        return {}
    rows = load_variants(path)
    return {
        "dargah": measure(rows, engine_search(engine)),
        "baseline": measure(rows, lambda q: baseline.search(q, limit=TOP)),
    }


def _fmt(x: float) -> str:
    return "  -  " if x != x else f"{x:.3f}"


def write_section(out: TextIO, scores: dict[str, VariantScores]) -> None:
    """The share of variants that keep their base's service first, of look-alikes kept apart, and
    the failures per kind of variant (kinds where Dargah never fails are named on one line)."""
    if not scores:
        return
    names = list(scores)
    first = scores[names[0]]
    out.write(f"\nspelling and inflection variants ({len(first.of('same'))} same, {len(first.of('apart'))} apart):\n")
    out.write(f"{'':<30}" + "".join(f"{n:>10}" for n in names) + "\n")
    for label, attr in (
        ("same: top hit kept", "same_top1"),
        (f"same: in top {TOP}", "same_top3"),
        ("apart: kept apart", "apart_kept"),
    ):
        out.write(f"{label:<30}" + "".join(f"{_fmt(getattr(scores[n], attr)):>10}" for n in names) + "\n")
    out.write(f"failures per kind of variant (of n):\n{'':<26}{'n':>4}" + "".join(f"{n:>10}" for n in names) + "\n")
    for kind in KINDS:
        sizes = Counter(o.row.variant for o in first.of(kind))
        failing = [v for v in sorted(sizes) if first.failures(kind)[v]]
        for v in failing:
            counts = "".join(f"{scores[n].failures(kind)[v]:>10}" for n in names)
            out.write(f"  {kind + ' ' + v:<24}{sizes[v]:>4}{counts}\n")
        clean = [f"{v} {sizes[v]}" for v in sorted(sizes) if v not in failing]
        if clean:
            out.write(
                textwrap.fill(
                    ", ".join(clean), 100, initial_indent=f"  {kind}, no {names[0]} failure: ", subsequent_indent="    "
                )
                + "\n"
            )


def write_failures(out: TextIO, scores: VariantScores) -> None:
    for o in scores.outcomes:
        if not o.passed:
            out.write(
                f"{o.row.line:>4} {o.row.kind:<5} {o.row.variant:<16} {o.row.query} → {o.row.base}: {o.reason}"
                f" (query: {' '.join(o.query_top) or '-'}; base: {' '.join(o.base_top) or '-'})\n"
            )


def main(argv: list[str] | None = None) -> int:
    """`python -m search.variants_eval --index var/index`: the section and every failing row."""
    import argparse
    import tempfile

    from search.baseline import Baseline
    from search.engine import Engine

    p = argparse.ArgumentParser(prog="python -m search.variants_eval")
    p.add_argument("--index", required=True)
    p.add_argument("--variants", default=str(DEFAULT_PATH))
    args = p.parse_args(argv)
    engine = Engine(args.index)
    cards = list(engine.load().cards())
    with tempfile.TemporaryDirectory() as tmp:
        scores = measure_both(args.variants, engine, Baseline(Path(tmp) / "baseline", cards))
    write_section(sys.stdout, scores)
    sys.stdout.write("\nfailing rows (dargah):\n")
    write_failures(sys.stdout, scores["dargah"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
