"""Facet filters and counts over per-document value pairs (no Whoosh `groupedby`: see generation.py).

Counts follow what multi-select facet interfaces need: a facet's counts apply every filter except
its own, so ticking one agency does not hide the others; selected values are always listed.
Sets of cards are bool vectors by docnum.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def count_all(
    gen: LoadedGeneration, docs: dict[str, np.ndarray], selected: dict[str, list[str]], limit: int | None = None
) -> dict[str, list[dict]]:
    """Value counts of every facet over its own bool vector of cards, most frequent first.

    Facets counted over the same vector (all of them when nothing is filtered; four of five when
    one facet is) share one count: the matched cards' rows of the facet table, one bincount."""
    table = gen.facet_table
    out: dict[str, list[dict]] = {}
    groups: dict[int, list[str]] = {}
    for f, d in docs.items():
        groups.setdefault(id(d), []).append(f)
    for together in groups.values():
        rows = table.rows[np.flatnonzero(docs[together[0]])]
        counts = np.bincount(rows.ravel(), minlength=table.values + 1)
        for f in together:
            lo, hi = table.ranges[f]
            out[f] = _listing(gen.facets[f], counts[lo:hi], selected.get(f, []), limit)
    return {f: out[f] for f in docs}


def _listing(column, counts: np.ndarray, selected: list[str], limit: int | None) -> list[dict]:
    present = np.flatnonzero(counts)
    # Most frequent first, ties by value: ordered in numpy by (count, the value's rank).
    present = present[np.lexsort((column.rank[present], -counts[present]))]
    if limit is not None:
        present = present[:limit]
    values = column.values
    chosen = set(selected)
    # Python ints from numpy once (indexing a list with numpy integers costs more than the list).
    out = [
        {"value": values[o], "count": c, "selected": values[o] in chosen}
        for o, c in zip(present.tolist(), counts[present].tolist(), strict=False)
    ]
    listed = {v["value"] for v in out}
    index = column.index
    out.extend(
        {"value": s, "count": int(counts[index[s]]) if s in index else 0, "selected": True}
        for s in selected
        if s not in listed
    )
    return out
