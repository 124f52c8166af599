"""Catalogue views: clusters and the national e-readiness ranking of agencies.

A service's e-readiness is the share of its four delivery stages (information, application,
processing, delivery) that are electronic; an agency's is the mean over its services. Agencies are
ranked by it, highest first (ties share a rank; more services break the tie in the listing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from store.report import rank_rows


def clusters(names: Iterable[str]) -> list[dict]:
    """Each cluster with its number of services (one name per service), largest first."""
    counts: dict[str, int] = defaultdict(int)
    for name in names:
        counts[name] += 1
    return [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def agencies(services: Iterable[tuple[str, float]]) -> list[dict]:
    """The national ranking from each service's (agency, e-readiness)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for agency, readiness in services:
        scores[agency].append(readiness)
    return rank_rows(
        [{"value": a, "count": len(s), "e_readiness": round(sum(s) / len(s), 4)} for a, s in scores.items()]
    )
