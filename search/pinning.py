"""Curated best bets (corpus/best_bets.tsv): the services a head query pins above the ranked
results, whether or not they match it, and never as weak matches."""

from __future__ import annotations

import numpy as np

from search.generation import LoadedGeneration
from search.understanding import Plan


def pinned(plan: Plan, gen: LoadedGeneration) -> list[int]:
    """Docnums the plan's query pins, in the curated order."""
    if plan.empty:
        return []
    return [gen.by_id[i] for i in gen.best_bets.lookup(plan.terms) if i in gen.by_id]


def admit(pins: list[int], matched: np.ndarray, coverage: np.ndarray | None) -> None:
    """Count pinned cards as matched (in place): a best bet is found, and never weak."""
    if not pins:
        return  # most queries pin nothing: no vector is indexed by an empty list
    if coverage is not None:
        coverage[pins] = np.where(matched[pins], coverage[pins], 1.0)
    matched[pins] = True


def first(pins: list[int], in_all: np.ndarray, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The ranked list with the pins the filters let through on top, at the best score."""
    shown = [d for d in pins if in_all[d]]
    top = ranked[0][1] if ranked else 1.0
    return [(d, top) for d in shown] + [r for r in ranked if r[0] not in shown]
