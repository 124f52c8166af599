"""A plan's matches and BM25F scores, from the cached scored postings of each word (postings.py).

The same semantics as the Whoosh query `query.build` makes of a plan — an alternative needs all
its words, a slot any of its alternatives, a strict match every required slot; scores add up
over everything that matched, times each alternative's weight — computed with numpy instead of
Whoosh's matcher tree.

A query's slots are matched together, in two tables of (slot × card) (`Matches`): the postings of
every alternative are concatenated once and summed per cell by one `np.bincount`, so a query costs
a fixed handful of numpy calls whatever its number of slots and alternatives, instead of a few
per alternative and per slot. The tables span the whole catalogue rather than only the cards
some slot matches: a query's slots commonly match a sixth to a third of the catalogue, and
mapping them to rows would cost more passes than it saves. With few postings over several
alternatives, adding them up in Python is quicker than those numpy calls.

Both ways add in the order Whoosh's vectors did — an alternative's words in order, then a slot's
alternatives in order, then the slots in order, each sum from 0 — since a sum of floats depends
on its order and the scores must be Whoosh's to the last bit (tests/test_matching.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.postings import TermScores
from search.understanding.plan import Alternative, Slot

# Up to this many postings in a query with several alternatives, adding them up in Python beats
# the cost of the numpy calls that would (one alternative's postings are taken as they are).
SMALL_POSTINGS = 24


@dataclass
class Matches:
    """Which slots of a query match which cards and their scores there: row j of each table is
    the j-th slot matched, indexed by docnum. The vectors it gives may be rows of its tables (no
    copy): a query's Matches is read once, by its caller."""

    hits: np.ndarray  # bool (slot × card): the slot matches the card
    scores: np.ndarray  # float (slot × card): the slot's score there, 0 where it does not match

    def all_of(self, slots: int) -> np.ndarray:
        """Cards matching every one of the first `slots` slots."""
        if slots == 1:
            return self.hits[0]
        return self.hits[:slots].all(axis=0)

    def total_score(self) -> np.ndarray:
        """What every slot that matched adds to a card's score, slot after slot (np.sum may add
        in another order, and a sum of floats depends on its order)."""
        if len(self.scores) == 1:
            return self.scores[0]
        out = self.scores[0] + self.scores[1]
        for row in self.scores[2:]:
            out += row
        return out


def match(terms: TermScores, searcher, slots: list[Slot], weights: dict[str, float]) -> Matches:
    """Every slot of a query matched at once."""
    # (slot, docnums, scores, weight) of each alternative with some card, in the plan's order.
    postings: list[tuple[int, np.ndarray, np.ndarray, float]] = []
    count = 0
    weighted = False
    for j, slot in enumerate(slots):
        for alt in slot.alternatives:
            if len(alt.terms) == 1:  # most alternatives: one word's postings as they are cached
                ids, scores = terms.term(searcher, alt.terms[0], weights)
            else:
                ids, scores = _all_words(terms, searcher, alt, weights)
            if ids.size:
                postings.append((j, ids, scores, alt.weight))
                count += ids.size
                weighted = weighted or alt.weight != 1.0
    if not postings or (len(postings) > 1 and count <= SMALL_POSTINGS):
        return _small(terms.size, len(slots), postings)
    return _table(terms.size, len(slots), postings, weighted)


def _all_words(terms: TermScores, searcher, alt: Alternative, weights: dict[str, float]):
    """(docnums, scores) of the cards having every word of one alternative, the words' scores
    added in order (the weight is applied by the caller)."""
    ids, scores = terms.term(searcher, alt.terms[0], weights)
    for t in alt.terms[1:]:
        if not ids.size:
            break
        other_ids, other_scores = terms.term(searcher, t, weights)
        if not other_ids.size:
            return other_ids, other_scores
        # Both are sorted: where each of our cards would sit among theirs, and whether it is there.
        at = other_ids.searchsorted(ids)
        at[at == other_ids.size] = 0
        both = other_ids[at] == ids
        ids, scores = ids[both], scores[both] + other_scores[at[both]]
    return ids, scores


def _table(size: int, n: int, postings, weighted: bool) -> Matches:
    """The tables from every alternative's postings at once: slot j's cards are cells
    j × size + docnum of a flat table, summed by one bincount."""
    if len(postings) == 1:
        j, ids, scores, weight = postings[0]
        cells, values = (ids + np.intp(j * size) if j else ids), (scores * weight if weight != 1.0 else scores)
    else:
        lengths = [p[1].size for p in postings]
        cells = np.concatenate([p[1] for p in postings])
        if n > 1:
            cells = cells + np.array([p[0] * size for p in postings], np.intp).repeat(lengths)
        values = np.concatenate([p[2] for p in postings])
        if weighted:
            values = values * np.array([p[3] for p in postings]).repeat(lengths)
    # bincount adds each cell's values in the order given: a slot's alternatives in plan order.
    scores = np.bincount(cells, weights=values, minlength=n * size)
    hits = np.zeros(n * size, bool)
    hits[cells] = True
    return Matches(hits.reshape(n, size), scores.reshape(n, size))


def _small(size: int, n: int, postings) -> Matches:
    """The same tables for a query with few postings, summed in Python (the same additions in
    the same order) rather than through numpy calls that cost more than the sums."""
    sums: dict[int, float] = {}
    for j, ids, scores, weight in postings:
        offset = j * size
        values = scores.tolist()
        if weight != 1.0:
            values = [s * weight for s in values]
        for d, s in zip(ids.tolist(), values, strict=True):
            cell = offset + d
            sums[cell] = sums.get(cell, 0.0) + s
    table = np.zeros(n * size, np.float64)
    hits = np.zeros(n * size, bool)
    if sums:
        cells = np.fromiter(sums.keys(), np.int64, len(sums))
        table[cells] = np.fromiter(sums.values(), np.float64, len(sums))
        hits[cells] = True
    return Matches(hits.reshape(n, size), table.reshape(n, size))
