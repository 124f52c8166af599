"""The signals combined: candidates ordered by BM25F (times their coverage for weak matches), the
best `RERANK_DEPTH` re-scored by every signal that is switched on, full matches before weak ones.

Only the candidates that can reach the page are scored, so that the page and its scores are those
of scoring every candidate. Each scores at least its BM25F times its prior and at most that times
every text signal at its most: those whose most cannot reach the page are left at once. A few
left are scored one by one. More are re-scored together from per-card columns (columns.py): most
of them have no title words a title signal (phrase, exact title, default action) could reward,
and their score is the agency signal and the prior, read from arrays; the others are bounded by
the same arrays (each title signal at the most the title's answered words allow) and scored one by
one, highest bound first, while a bound can still reach the page."""

from __future__ import annotations

import functools
import heapq
import operator
from typing import NamedTuple

import numpy as np

from search.ranking.agency import AGENCY_BOOST
from search.ranking.columns import TITLE_WIDTH, Columns
from search.ranking.default_action import DEFAULT_ACTION_BOOST, default_action
from search.ranking.exact_title import EXACT_TITLE_BOOST, exact_title
from search.ranking.phrase import PHRASE_BOOST, phrase_score
from search.signals import Signals
from search.understanding.plan import Plan

RERANK_DEPTH = 100  # candidates re-scored; past this BM25F order stands
FEW = 32  # candidates scored each on its own, with no arrays: these cost more than they save
# Every text signal at its most (the prior aside): the bound of a title longer than the columns keep.
MAX_TEXT_BOOST = 1 + PHRASE_BOOST + max(EXACT_TITLE_BOOST, DEFAULT_ACTION_BOOST) + AGENCY_BOOST
# A bound is computed as its score is, term by term in the same order, so rounding never takes a
# score past it; a little slack all the same.
BOUND_SLACK = 1 + 1e-9


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
    order = np.lexsort((candidates, -sc))[:depth]
    best, best_sc = candidates[order], sc[order]
    head, head_sc, rest = best, best_sc, []
    if len(best) > RERANK_DEPTH:  # a page past the depth: BM25F order stands past it
        head, head_sc = best[:RERANK_DEPTH], best_sc[:RERANK_DEPTH]
        rest = list(zip(best[RERANK_DEPTH:].tolist(), best_sc[RERANK_DEPTH:].tolist(), strict=True))
    if coverage is None:
        top = rerank(head, head_sc, plan, gen, signals, limit if limit <= RERANK_DEPTH else None) + rest
    elif limit <= RERANK_DEPTH:
        # Cards with every word of the query come before those with most of them, so each group
        # is re-scored on its own, and the weak ones only when the full ones leave room.
        weak = coverage[best] < 1.0
        top = rerank(best[~weak], best_sc[~weak], plan, gen, signals, limit)
        if len(top) < limit and weak.any():
            top += rerank(best[weak], best_sc[weak], plan, gen, signals, limit - len(top))
    else:
        top = rerank(head, head_sc, plan, gen, signals) + rest
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
    docnums: np.ndarray, scores: np.ndarray, plan: Plan, gen, signals: Signals, need: int | None = None
) -> list[tuple[int, float]]:
    """The candidates `docnums` (best BM25F `scores` first) re-scored by the signals, best first
    (ties by docnum). With `need`, only the best `need` are asked for, and a candidate is scored
    only when the most it could score might reach them."""
    if not len(docnums):
        return []
    if need is not None and len(docnums) > max(need, FEW):
        # Every candidate scores at least its BM25F times its prior, and at most that times every
        # text signal at its most: one whose most is below the `need`-th best least cannot reach.
        least = scores * gen.rerank_columns.prior.take(docnums) if signals.popularity else scores
        edge = np.partition(least, len(least) - need)[len(least) - need]
        reach = least * (MAX_TEXT_BOOST * BOUND_SLACK) >= edge
        docnums, scores = docnums[reach], scores[reach]
    slot_terms = _alternative_terms(plan)
    answered = set().union(*slot_terms) if slot_terms else set()
    if len(docnums) <= FEW:
        return _one_by_one(docnums, scores, gen, slot_terms, answered, signals, need)
    estimate = _estimate(docnums, scores, gen.rerank_columns, slot_terms, answered, signals)
    final = estimate.scores
    todo = np.flatnonzero(estimate.titled)
    if len(todo):
        # The title signals, one candidate at a time.
        pruning = need is not None and len(docnums) > need
        if pruning:
            # The `need` best scores known (-inf for one not known yet): a candidate whose bound
            # is below the least of them cannot reach the page, nor can one with a lower bound.
            best = np.partition(final, len(final) - need)[len(final) - need :].tolist()
            heapq.heapify(best)
            todo = todo[np.argsort(-estimate.bounds[todo], kind="stable")]
        for i, bound in zip(todo.tolist(), estimate.bounds[todo].tolist(), strict=True):
            if pruning and bound < best[0]:
                break
            final[i] = score = float(scores[i]) * signal_boost(int(docnums[i]), gen, slot_terms, answered, signals)
            if pruning:
                heapq.heappushpop(best, score)
    order = np.lexsort((docnums, -final))
    if need is not None:
        order = order[:need]
    return list(zip(docnums[order].tolist(), final[order].tolist(), strict=True))


def _one_by_one(
    docnums: np.ndarray,
    scores: np.ndarray,
    gen,
    slot_terms: list[set[str]],
    answered: set[str],
    signals: Signals,
    need: int | None,
) -> list[tuple[int, float]]:
    """`rerank` for a few candidates: each scored on its own, but for one that could not reach the
    `need` best so far even with every text signal at its most."""
    prior = gen.popularity_prior if signals.popularity else None
    out = []
    best: list[float] = []  # a heap of the `need` best scores so far
    for docnum, score in zip(docnums.tolist(), scores.tolist(), strict=True):
        if need is not None and len(best) == need:
            most = score * (MAX_TEXT_BOOST * BOUND_SLACK)
            if (most * prior[docnum] if prior is not None else most) < best[0]:
                continue
        final = score * signal_boost(docnum, gen, slot_terms, answered, signals)
        out.append((docnum, final))
        if need is not None:
            (heapq.heappush if len(best) < need else heapq.heappushpop)(best, final)
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:need]


class _Estimate(NamedTuple):
    """For each candidate of a re-scoring, from the columns alone."""

    scores: np.ndarray  # its score if no title signal can reward it, else -inf
    bounds: np.ndarray  # the most it can score
    titled: np.ndarray  # a title signal may reward it: `signal_boost` scores it


def _estimate(
    docnums: np.ndarray,
    scores: np.ndarray,
    columns: Columns,
    slot_terms: list[set[str]],
    answered: set[str],
    signals: Signals,
) -> _Estimate:
    """Scores and bounds add and multiply their terms in `signal_boost`'s order, so that a score
    comes out exactly as it computes it, and a bound never below it."""
    bits = columns.answered_bits(answered, docnums)  # the title positions answering the query
    full = columns.full.take(docnums)
    long = columns.long.take(docnums)
    titled = long.copy()
    bound = np.ones(len(docnums))
    if signals.phrase and len(slot_terms) >= 2:
        adjacent = (bits & (bits >> 1)) != 0
        titled |= adjacent
        bound += _phrase_bounds(len(slot_terms)).take(_ONES.take(bits)) * adjacent
    exact = bits == full if signals.exact_title else np.zeros(len(docnums), bool)
    if signals.default_action:
        action = ((columns.subject.take(docnums) & ~bits) == 0) & (bits != full)
        titled |= exact | action
        bound += EXACT_TITLE_BOOST * exact + DEFAULT_ACTION_BOOST * action
    else:
        titled |= exact
        bound += EXACT_TITLE_BOOST * exact
    base = 1.0
    if signals.agency:
        named = columns.named(answered, docnums)
        base = 1.0 + AGENCY_BOOST * named
        bound += AGENCY_BOOST * named
    bound[long] = MAX_TEXT_BOOST
    if signals.popularity:
        prior = columns.prior.take(docnums)
        base, bound = base * prior, bound * prior
    return _Estimate(np.where(titled, -np.inf, scores * base), scores * bound * BOUND_SLACK, titled)


# Set bits of every 16-bit number: how many of a title's positions answer the query.
_ONES = sum((np.arange(1 << TITLE_WIDTH) >> bit) & 1 for bit in range(TITLE_WIDTH)).astype(np.uint8)


@functools.cache
def _phrase_bounds(slots: int) -> np.ndarray:
    """By the number of title words answering a query of `slots` slots, the most the phrase signal
    adds: its longest run of slots in order is no longer than either."""
    return PHRASE_BOOST * (np.minimum(np.arange(TITLE_WIDTH + 1), slots) / slots)


def signal_boost(docnum: int, gen, slot_terms: list[set[str]], answered: set[str], signals: Signals) -> float:
    """What a candidate's score is multiplied by: 1 plus what the signals add, times its prior."""
    title = gen.title_terms[docnum]
    hits = list(map(answered.__contains__, title))
    answering = sum(hits)
    boost = 1.0
    # Each title signal needs title words that answer the query; most candidates have few.
    if signals.phrase and answering >= 2 and any(map(operator.and_, hits, hits[1:])):
        boost += PHRASE_BOOST * phrase_score(title, slot_terms)
    left = len(hits) - answering
    if signals.exact_title and left == 0 and exact_title(title, slot_terms):
        boost += EXACT_TITLE_BOOST
    elif (
        signals.default_action
        and left
        and answered.issuperset(gen.title_subjects[docnum])
        and default_action(title, answered)
    ):
        boost += DEFAULT_ACTION_BOOST
    if signals.agency and not answered.isdisjoint(gen.agency_terms[docnum]):
        boost += AGENCY_BOOST
    if signals.popularity:
        boost *= gen.popularity_prior[docnum]
    return boost
