"""The signals combined: candidates ordered by BM25F (times their coverage for weak matches), the
best `RERANK_DEPTH` re-scored by every signal that is switched on, full matches before weak ones."""

from __future__ import annotations

import heapq
import operator

import numpy as np

from search.ranking.agency import AGENCY_BOOST
from search.ranking.default_action import DEFAULT_ACTION_BOOST, default_action
from search.ranking.exact_title import EXACT_TITLE_BOOST, exact_title
from search.ranking.phrase import PHRASE_BOOST, phrase_score
from search.ranking.popularity import POPULARITY_WEIGHT
from search.signals import Signals
from search.understanding.plan import Plan

RERANK_DEPTH = 100  # candidates re-scored; past this BM25F order stands
# No candidate's score is multiplied by more than this (every signal at its most, a little slack
# for rounding): a candidate whose BM25F score times this cannot reach the results is not scored.
MAX_TEXT_BOOST = (1 + PHRASE_BOOST + max(EXACT_TITLE_BOOST, DEFAULT_ACTION_BOOST) + AGENCY_BOOST) * (1 + 1e-9)
MAX_BOOST = MAX_TEXT_BOOST * (1 + POPULARITY_WEIGHT)


def rank(
    gen,
    plan: Plan,
    sort: str,
    docs: np.ndarray,
    limit: int,
    coverage: np.ndarray | None,
    scores: np.ndarray | None,
    signals: Signals,
) -> list[tuple[int, float]]:
    """The best `limit` of the cards in `docs` (bool by docnum), re-scored by the ranking signals,
    full matches before weak ones; by popularity or title when asked, or when nothing scores."""
    if not docs.any():
        return []
    if scores is None or sort != "relevance":
        order = gen.title_order if sort == "title" else gen.popularity_order
        return [(int(d), 0.0) for d in order[docs[order]][:limit]]
    candidates = np.flatnonzero(docs)
    sc = scores[candidates]
    if coverage is not None:
        # A weak match ranks by how much of the query it answers before how well it answers it.
        sc = sc * coverage[candidates] ** 2
    depth = max(limit, RERANK_DEPTH)
    if len(candidates) > depth:
        # Everything scoring at least the depth-th best, so ties at the edge are kept whole.
        edge = np.partition(sc, len(sc) - depth)[len(sc) - depth]
        keep = sc >= edge
        candidates, sc = candidates[keep], sc[keep]
    order = np.lexsort((candidates, -sc))
    best = candidates[order[:depth]]
    scored = list(zip(best.tolist(), sc[order[:depth]].tolist(), strict=True))
    if coverage is None:
        top = rerank(scored[:RERANK_DEPTH], plan, gen, signals, limit if limit <= RERANK_DEPTH else None)
        top += scored[RERANK_DEPTH:]
    elif limit <= RERANK_DEPTH:
        # Cards with every word of the query come before those with most of them, so each group
        # is re-scored on its own, and the weak ones only when the full ones leave room.
        weak = (coverage[best] < 1.0).tolist()
        top = rerank([x for x, w in zip(scored, weak, strict=True) if not w], plan, gen, signals, limit)
        if len(top) < limit:
            rest = [x for x, w in zip(scored, weak, strict=True) if w]
            top += rerank(rest, plan, gen, signals, limit - len(top))
    else:
        top = rerank(scored[:RERANK_DEPTH], plan, gen, signals) + scored[RERANK_DEPTH:]
        top.sort(key=lambda x: coverage[x[0]] < 1.0)  # full matches first, as above
    return [(d, round(sc, 4)) for d, sc in top[:limit]]


def _alternative_terms(plan: Plan) -> list[set[str]]:
    """For each slot, every single term that satisfies it (multi-word alternatives count whole)."""
    out = []
    for slot in plan.slots:
        terms: set[str] = set()
        for alt in slot.alternatives:
            terms.update(alt.terms)
        out.append(terms)
    return out


def rerank(
    scored: list[tuple[int, float]], plan: Plan, gen, signals: Signals, need: int | None = None
) -> list[tuple[int, float]]:
    """`scored` (best BM25F first) re-scored by the signals, best first. With `need`, only the
    best `need` are asked for: scoring stops at the first candidate that could not reach them
    even with every signal, and the list ends there; a candidate that could not reach them even
    with every signal but its own popularity's is left out."""
    slot_terms = _alternative_terms(plan)
    answered = set().union(*slot_terms) if slot_terms else set()
    prior = gen.popularity_prior if signals.popularity else None
    out = []
    best: list[float] = []  # a heap of the `need` best re-scored so far
    titles, agency_terms, subjects = gen.title_terms, gen.agency_terms, gen.title_subjects
    phrase, exact, action, agency = signals.phrase, signals.exact_title, signals.default_action, signals.agency
    for docnum, score in scored:
        if need and len(best) == need:
            if score * MAX_BOOST < best[0]:
                break
            # This card's own popularity bounds it tighter: past it, but a later one may reach.
            if prior is not None and score * MAX_TEXT_BOOST * prior[docnum] < best[0]:
                continue
        title = titles[docnum]
        hits = list(map(answered.__contains__, title))
        answering = sum(hits)
        boost = 1.0
        # Each signal needs title words that answer the query; most candidates have few.
        if phrase and answering >= 2 and any(map(operator.and_, hits, hits[1:])):
            boost += PHRASE_BOOST * phrase_score(title, slot_terms)
        left = len(hits) - answering
        if exact and left == 0 and exact_title(title, slot_terms):
            boost += EXACT_TITLE_BOOST
        elif action and left and answered.issuperset(subjects[docnum]) and default_action(title, answered):
            boost += DEFAULT_ACTION_BOOST
        if agency and not answered.isdisjoint(agency_terms[docnum]):
            boost += AGENCY_BOOST
        if prior is not None:
            boost *= prior[docnum]
        out.append((docnum, score * boost))
        if need:
            (heapq.heappush if len(best) < need else heapq.heappushpop)(best, score * boost)
    out.sort(key=lambda x: (-x[1], x[0]))
    return out
