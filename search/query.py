"""A plan (see search/understanding/) as the Whoosh query it means, term by term.

Searches run on numpy (matching.py computes what these queries would find and score, faster);
the Whoosh queries stay as the reference semantics that tests hold matching.py to. Either way the
citizen's text never reaches a query parser: `field:value`, `*`, `~` or `^` are just characters
that the analyzer already dropped.
"""

from __future__ import annotations

from whoosh import query as wq

from search.understanding.plan import Alternative, Plan, Slot
from store.fields import FIELD_WEIGHTS, JOINED, JOINED_WEIGHT, LEMMA, LEMMA_WEIGHT, PARTS, PARTS_WEIGHT

FLAT_WEIGHTS = {f: 1.0 for f in FIELD_WEIGHTS}


def field_boosts(weights: dict[str, float]) -> list[tuple[str, float]]:
    """Every field one query term can match in, with its weight."""
    return [*weights.items(), (PARTS, PARTS_WEIGHT), (JOINED, JOINED_WEIGHT), (LEMMA, LEMMA_WEIGHT)]


def term_clause(term: str, weights: dict[str, float]) -> wq.Query:
    """Everything that lets one query term match a card."""
    return wq.Or([wq.Term(f, term, boost=w) for f, w in field_boosts(weights)])


def alternative_clause(alt: Alternative, weights: dict[str, float]) -> wq.Query:
    clauses = [term_clause(t, weights) for t in alt.terms]
    q = clauses[0] if len(clauses) == 1 else wq.And(clauses)
    if alt.weight != 1.0:
        q = q.with_boost(alt.weight)  # type: ignore[attr-defined]
    return q


def slot_clause(slot: Slot, weights: dict[str, float]) -> wq.Query:
    clauses = [alternative_clause(a, weights) for a in slot.alternatives]
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


def build(slots: list[Slot], weights: dict[str, float], *, require_all: bool) -> wq.Query:
    clauses = [slot_clause(s, weights) for s in slots]
    if len(clauses) == 1:
        return clauses[0]
    return wq.And(clauses) if require_all else wq.Or(clauses)


__all__ = ["FIELD_WEIGHTS", "FLAT_WEIGHTS", "Plan", "build", "slot_clause"]
