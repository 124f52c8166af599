"""Facet filters and counts over per-document ordinals (no Whoosh `groupedby`: see generation.py).

Counts follow what multi-select facet interfaces need: a facet's counts apply every filter except
its own, so ticking one agency does not hide the others; selected values are always listed.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from search.generation import LoadedGeneration


def allowed_by(gen: LoadedGeneration, facet: str, selected: Iterable[str]) -> set[int]:
    """Docnums having any of the selected values of one facet (OR within a facet)."""
    column = gen.facets[facet]
    wanted = {i for i, v in enumerate(column.values) if v in set(selected)}
    return {d for d, ords in enumerate(column.docs) if wanted.intersection(ords)}


def count(gen: LoadedGeneration, facet: str, docnums: Iterable[int], selected: list[str], limit: int | None = None) -> list[dict]:
    column = gen.facets[facet]
    counts: Counter[int] = Counter()
    docs = column.docs
    for d in docnums:
        counts.update(docs[d])
    every = sorted(({"value": column.values[o], "count": n} for o, n in counts.items()), key=lambda v: (-v["count"], v["value"]))
    out = every[:limit] if limit is not None else every
    listed = {v["value"] for v in out}
    by_value = {v["value"]: v["count"] for v in every}
    out.extend({"value": s, "count": by_value.get(s, 0)} for s in selected if s not in listed)
    for v in out:
        v["selected"] = v["value"] in selected
    return out
