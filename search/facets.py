"""Facet filters and counts over per-document value pairs (no Whoosh `groupedby`: see generation.py).

Counts follow what multi-select facet interfaces need: a facet's counts apply every filter except
its own, so ticking one agency does not hide the others; selected values are always listed.
Sets of cards are bool vectors by docnum.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from search.generation import LoadedGeneration


def allowed_by(gen: LoadedGeneration, facet: str, selected: Iterable[str]) -> np.ndarray:
    """Cards having any of the selected values of one facet (OR within a facet)."""
    column = gen.facets[facet]
    chosen = set(selected)
    wanted = [i for i, v in enumerate(column.values) if v in chosen]
    mask = np.zeros(gen.size, bool)
    mask[column.pair_doc[np.isin(column.pair_ord, wanted)]] = True
    return mask


def count(gen: LoadedGeneration, facet: str, docs: np.ndarray, selected: list[str], limit: int | None = None) -> list[dict]:
    """Value counts over the cards of the bool vector `docs`, most frequent first."""
    column = gen.facets[facet]
    counts = np.bincount(column.pair_ord[docs[column.pair_doc]], minlength=len(column.values))
    return _listing(column, counts, selected, limit)


def count_all(gen: LoadedGeneration, docs: dict[str, np.ndarray], selected: dict[str, list[str]], limit: int | None = None) -> dict[str, list[dict]]:
    """`count` for every facet, each over its own vector. Facets counted over the same vector
    (all of them when nothing is filtered) share one gather and one bincount."""
    out: dict[str, list[dict]] = {}
    groups: dict[int, list[str]] = {}
    for f, d in docs.items():
        groups.setdefault(id(d), []).append(f)
    pairs = gen.facet_pairs
    for together in groups.values():
        if len(together) == 1:
            f = together[0]
            out[f] = count(gen, f, docs[f], selected.get(f, []), limit)
            continue
        counts = np.bincount(pairs.ord[docs[together[0]][pairs.doc]], minlength=pairs.values)
        for f in together:
            lo, hi = pairs.ranges[f]
            out[f] = _listing(gen.facets[f], counts[lo:hi], selected.get(f, []), limit)
    return {f: out[f] for f in docs}


def _listing(column, counts: np.ndarray, selected: list[str], limit: int | None) -> list[dict]:
    present = np.flatnonzero(counts)
    if limit is not None and len(present) > limit:
        # Only values that can make the list: everything counting at least the limit-th count
        # (ties at the edge are then ordered by value like the rest).
        edge = np.partition(counts[present], len(present) - limit)[len(present) - limit]
        present = present[counts[present] >= edge]
    every = sorted(((column.values[o], int(counts[o])) for o in present), key=lambda v: (-v[1], v[0]))
    out = [{"value": v, "count": n} for v, n in (every[:limit] if limit is not None else every)]
    listed = {v["value"] for v in out}
    values = column.index
    out.extend({"value": s, "count": int(counts[values[s]]) if s in values else 0} for s in selected if s not in listed)
    for v in out:
        v["selected"] = v["value"] in selected
    return out
