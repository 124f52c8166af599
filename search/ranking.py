"""Ranking signals applied on top of BM25F, each a small function with its own switch (Signals).

BM25F (Whoosh, field weights from query.py) orders the candidates; the best of them are then
re-scored by multiplying in: a phrase boost (query words adjacent in the title, in order), an
exact-title boost, and a bounded log-scaled popularity prior. Best bets are pinned first.
"""

from __future__ import annotations

import functools
import heapq
import math
import operator

import analyzers
from search.signals import Signals
from search.understanding.plan import Plan

RERANK_DEPTH = 100  # candidates re-scored; past this BM25F order stands
PHRASE_BOOST = 0.3
EXACT_TITLE_BOOST = 0.6
DEFAULT_ACTION_BOOST = 0.25
AGENCY_BOOST = 0.2  # people name the agency to pick its service among look-alikes of others
# Titles name the action, then the thing: صدور کارت ..., تمدید کارت ..., المثنی کارت .... A query
# that names only the thing wants the first-time service, as a portal's users mean it; these are
# the words titles use for it.
DEFAULT_ACTIONS = "صدور دریافت درخواست ثبت‌نام ثبت اخذ"
POPULARITY_WEIGHT = 0.35  # at most +35% for the most demanded service
# No candidate's score is multiplied by more than this (every signal at its most, a little slack
# for rounding): a candidate whose BM25F score times this cannot reach the results is not scored.
MAX_TEXT_BOOST = (1 + PHRASE_BOOST + max(EXACT_TITLE_BOOST, DEFAULT_ACTION_BOOST) + AGENCY_BOOST) * (1 + 1e-9)
MAX_BOOST = MAX_TEXT_BOOST * (1 + POPULARITY_WEIGHT)


def _alternative_terms(plan: Plan) -> list[set[str]]:
    """For each slot, every single term that satisfies it (multi-word alternatives count whole)."""
    out = []
    for slot in plan.slots:
        terms: set[str] = set()
        for alt in slot.alternatives:
            terms.update(alt.terms)
        out.append(terms)
    return out


def phrase_score(title: tuple[str, ...], slot_terms: list[set[str]]) -> float:
    """Longest run of consecutive slots matched by consecutive title words, as a share of the query."""
    if len(slot_terms) < 2 or not title:
        return 0.0
    best = 0
    for start in range(len(title)):
        run = 0
        for allowed in slot_terms:
            if start + run < len(title) and title[start + run] in allowed:
                run += 1
            elif run:
                break
        best = max(best, run)
    return best / len(slot_terms) if best >= 2 else 0.0


def exact_title(title: tuple[str, ...], slot_terms: list[set[str]]) -> bool:
    """Every title word answers a query slot and every slot finds a title word."""
    if not title or not slot_terms:
        return False
    words = set(title)
    return all(any(w in allowed for allowed in slot_terms) for w in words) and all(
        words & allowed for allowed in slot_terms
    )


@functools.cache
def _default_actions() -> frozenset[str]:
    return frozenset(analyzers.terms(DEFAULT_ACTIONS))


def default_action(title: tuple[str, ...], answered: set[str]) -> bool:
    """The query answers every title word but one, and that one is the default action."""
    left = [w for w in title if w not in answered]
    return len(left) == 1 and left[0] in _default_actions()


def popularity_prior(popularity: float, max_popularity: float) -> float:
    return 1.0 + POPULARITY_WEIGHT * math.log1p(max(popularity, 0)) / math.log1p(max(max_popularity, 1))


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
    titles, agency_terms = gen.title_terms, gen.agency_terms
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
        elif action and left == 1 and default_action(title, answered):
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
