"""Exact-title signal: the query says exactly what the title says, in any order."""

from __future__ import annotations

EXACT_TITLE_BOOST = 0.6


def exact_title(title: tuple[str, ...], slot_terms: list[set[str]]) -> bool:
    """Every title word answers a query slot and every slot finds a title word."""
    if not title or not slot_terms:
        return False
    words = set(title)
    return all(any(w in allowed for allowed in slot_terms) for w in words) and all(
        words & allowed for allowed in slot_terms
    )
