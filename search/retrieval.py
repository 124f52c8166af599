"""Which cards a plan matches, with their BM25F scores, and how weakly (relaxation).

Every content slot the index knows must match; verbs are optional and only add to the score. When
few cards have every slot, the cards that match the slots carrying most of the query's information
(IDF) follow them, marked weak (coverage below 1: the share of the query's information they
carry); a query whose words mostly mean nothing to this index finds nothing rather than noise.
Sets of cards are bool vectors by docnum; scores and coverage are float vectors.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from search import matching
from search.generation import LoadedGeneration
from search.signals import Signals
from search.understanding import Plan, Slot

MIN_KNOWN_SHARE = 0.5  # below this share of words the index knows, a query is taken as nonsense
RELAXED_IDF_SHARE = 0.4  # share of the query's information a weak match must still carry
RELAXED_SLOT_SHARE = 0.5  # share of a long query's words a weak match must still have
EXPAND_BELOW = 10  # fewer cards with every word than this: cards with most words follow, marked weak
WEAK_FULL = 0.99  # coverage of a card matching every known word of a query with unknown words


class Retrieved(NamedTuple):
    matched: np.ndarray  # bool by docnum
    scores: np.ndarray | None  # BM25F by docnum (None: nothing to score by)
    coverage: np.ndarray | None  # share of the query a card answers (None: every match is full)


def retrieve(plan: Plan, gen: LoadedGeneration, weights: dict[str, float], signals: Signals) -> Retrieved:
    """What a plan with content words matches."""
    required, optional = plan.required, plan.optional
    if not required:
        required, optional = optional, []
    if not required or (signals.nonsense and len(required) < len(plan.content_slots) * MIN_KNOWN_SHARE):
        return Retrieved(np.zeros(gen.size, bool), None, None)
    terms, searcher = gen.term_scores, gen.searcher()
    slots = [matching.slot_match(terms, searcher, s, weights) for s in required]
    extra = [matching.slot_match(terms, searcher, s, weights) for s in optional]
    # Scores add up over every slot that matched: verbs add to a match, never make one.
    scores = matching.total_score(slots + extra, gen.size)
    matched = matching.all_of(slots, gen.size)
    # A word the index does not know at all makes every hit partial.
    full = WEAK_FULL if any(not s.known for s in plan.content_slots) else 1.0
    coverage = None if full == 1.0 else np.where(matched, full, 0.0)
    if len(required) == 1 or np.count_nonzero(matched) >= EXPAND_BELOW:
        return Retrieved(matched, scores, coverage)
    share = _relaxed_share(slots, required, gen, signals)
    partial = (share > 0) & ~matched
    if not partial.any():
        return Retrieved(matched, scores, coverage)
    coverage = np.where(matched, full, np.minimum(share, WEAK_FULL))
    return Retrieved(matched | partial, scores, coverage)


def _relaxed_share(
    slots: list[matching.SlotMatch], required: list[Slot], gen: LoadedGeneration, signals: Signals
) -> np.ndarray:
    """By docnum, the share of the query's IDF a card matching enough of its slots carries
    (0 for the others)."""
    n = max(gen.doc_count, 1)
    vocab = gen.lexicon.vocab
    idf = [math.log1p(n / max(1, max(vocab.freq(t) for a in s.alternatives for t in a.terms))) for s in required]
    total = sum(idf)
    need = len(required) - 1 if len(required) <= 3 else math.ceil(RELAXED_SLOT_SHARE * len(required))
    covered = np.zeros(gen.size, np.float64)
    counts = np.zeros(gen.size, np.int16)
    for m, w in zip(slots, idf, strict=False):
        covered += m.mask * w
        counts += m.mask
    if signals.nonsense:
        covered[(covered < RELAXED_IDF_SHARE * total) | (counts < need)] = 0.0
    return covered / total
