"""Agency signal: people name the agency to pick its service among look-alikes of others
(تعزیرات گرانفروشی, مالیاتی). Only words that name few agencies count: سازمان or ملی begin many
agencies' names and name none of them."""

from __future__ import annotations

from collections.abc import Iterable

import analyzers

AGENCY_BOOST = 0.2
MAX_AGENCIES_SHARING = 2  # a word in more agencies' names than this names none of them


def distinctive_terms(agencies: Iterable[str]) -> dict[str, frozenset[str]]:
    """Agency name → the analysed words of it that few agencies' names share."""
    terms = {name: frozenset(analyzers.terms(name)) for name in set(agencies)}
    spread: dict[str, int] = {}
    for ts in terms.values():
        for t in ts:
            spread[t] = spread.get(t, 0) + 1
    return {name: frozenset(t for t in ts if spread[t] <= MAX_AGENCIES_SHARING) for name, ts in terms.items()}
