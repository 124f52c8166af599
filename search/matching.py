"""A plan's matches and BM25F scores as vectors over the generation's documents.

The same semantics as the Whoosh query `query.build` makes of a plan — an alternative needs all
its words, a slot any of its alternatives, a strict match every required slot; scores add up
over everything that matched, times each alternative's weight — computed from the cached scored
postings of each word (postings.py) with numpy instead of Whoosh's matcher tree. Every vector is
indexed by docnum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.postings import TermScores
from search.understanding.plan import Alternative, Slot


@dataclass
class SlotMatch:
    mask: np.ndarray  # bool: the slot matches the card
    scores: np.ndarray  # float: its BM25F score there (0 elsewhere)

    def scaled(self, factor: float) -> SlotMatch:
        return self if factor == 1.0 else SlotMatch(self.mask, self.scores * factor)


def _alternative(
    terms: TermScores, searcher, alt: Alternative, weights: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of the cards having every word of one alternative."""
    postings = [terms.term(searcher, t, weights) for t in alt.terms]
    ids, scores = postings[0]
    if len(postings) > 1:
        total = np.zeros(terms.size, np.float64)
        count = np.zeros(terms.size, np.int16)
        for i, s in postings:
            total[i] += s
            count[i] += 1
        ids = np.flatnonzero(count == len(postings))
        scores = total[ids]
    if alt.weight != 1.0:
        scores = scores * alt.weight
    return ids, scores


def slot_match(terms: TermScores, searcher, slot: Slot, weights: dict[str, float]) -> SlotMatch:
    mask = np.zeros(terms.size, bool)
    scores = np.zeros(terms.size, np.float64)
    for alt in slot.alternatives:
        ids, s = _alternative(terms, searcher, alt, weights)
        mask[ids] = True
        scores[ids] += s
    return SlotMatch(mask, scores)


def all_of(slots: list[SlotMatch], size: int) -> np.ndarray:
    """Cards matching every slot."""
    mask = np.ones(size, bool)
    for s in slots:
        mask &= s.mask
    return mask


def any_of(slots: list[SlotMatch], size: int) -> np.ndarray:
    mask = np.zeros(size, bool)
    for s in slots:
        mask |= s.mask
    return mask


def total_score(slots: list[SlotMatch], size: int) -> np.ndarray:
    """What every slot that matched adds to a card's score."""
    out = np.zeros(size, np.float64)
    for s in slots:
        out += s.scores
    return out
