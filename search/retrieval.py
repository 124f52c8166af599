"""Which cards a plan matches, with their BM25F scores, and how weakly.

Graded matching, in the spirit of a coordination-aware OR (Lucene's minimum_should_match over a
whole question). Cards with every content word match fully; verbs only add to the score. When few
cards have every word — as for a long spoken question, whose words are mostly context (why,
yesterday, my son, ten) — the cards carrying most of the question's *information* follow, marked
weak (coverage below 1: the share of the question's information they carry). A word's information
is the IDF of what the citizen typed (a rare inflection of a common word is no information; a
synonym's commonness is not the citizen's) discounted for everyday words (information.py), so the
context of a question never outweighs what it asks for. A question with a word the catalogue knows
never finds nothing; one whose words mostly mean nothing to this index finds nothing rather than
noise, and everyday words no card uses (الان, دیروز) count neither for nor against it.

With the `graded` switch off, partial matches are weighed by their commonest member's IDF and
nothing is shown when no card carries enough of the query (the matching that came before, kept
for `make eval`'s ablation); with `everyday` off, information is IDF alone. Sets of cards are bool
vectors by docnum; scores and coverage are float vectors.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from search import information as words_information
from search import matching
from search.generation import LoadedGeneration
from search.signals import Signals
from search.understanding import Plan, Slot

MIN_KNOWN_SHARE = 0.5  # below this share of words the index knows, a query is taken as nonsense
RELAXED_IDF_SHARE = 0.4  # share of the query's information a weak match must still carry
RELAXED_SLOT_SHARE = 0.3  # share of a long query's words a weak match must still have
EXPAND_BELOW = 10  # fewer cards with every word than this: cards with most words follow, marked weak
WEAK_FULL = 0.99  # coverage of a card matching every known word of a query with unknown words
# A word's information grows more slowly than its IDF, as a term's weight saturates in BM25: one
# rare word (معیشتی) must not carry a question alone against the word it qualifies (یارانه).
INFORMATION_POWER = 0.5
FALLBACK_SHARE = 0.5  # with nothing better, the cards carrying at least this share of the best's information
KEPT_INFORMATION = 20_000  # slots whose information a generation keeps (forgotten all at once past it)


class Retrieved(NamedTuple):
    matched: np.ndarray  # bool by docnum
    scores: np.ndarray | None  # BM25F by docnum (None: nothing to score by)
    coverage: np.ndarray | None  # share of the query a card answers (None: every match is full)


def nothing(gen: LoadedGeneration) -> Retrieved:
    return Retrieved(np.zeros(gen.size, bool), None, None)


def retrieve(plan: Plan, gen: LoadedGeneration, weights: dict[str, float], signals: Signals) -> Retrieved:
    """What a plan with content words matches."""
    required, optional = plan.required, plan.optional
    if not required:
        required, optional = optional, []
    if not required:
        return nothing(gen)
    # Words no card uses count against the query, unless they are everyday context (الان, دیروز).
    unknown = [
        s
        for s in plan.content_slots
        if not s.known and not (signals.graded and signals.everyday and words_information.unknown_is_context(s.typed))
    ]
    if signals.nonsense and len(required) < (len(required) + len(unknown)) * MIN_KNOWN_SHARE:
        return nothing(gen)

    found = matching.match(gen.term_scores, gen.searcher(), required + optional, weights)
    # Scores add up over every slot that matched: verbs add to a match, never make one.
    scores = found.total_score()
    matched = found.all_of(len(required))
    full = WEAK_FULL if unknown else 1.0
    coverage = None if full == 1.0 else np.where(matched, full, 0.0)
    if len(required) == 1 or np.count_nonzero(matched) >= EXPAND_BELOW:
        return Retrieved(matched, scores, coverage)

    info = information(required, gen, signals) if signals.graded else _strict_information(required, gen)
    share = _share(found, info, threshold=signals.nonsense)
    partial = (share > 0) & ~matched
    if signals.graded and not partial.any() and not matched.any():
        # Nothing carries enough of the question: the cards carrying the most of it, weak.
        share = _share(found, info, threshold=False)
        partial = share >= FALLBACK_SHARE * share.max() if share.max() > 0 else partial
        share = np.where(partial, share, 0.0)
    if not partial.any():
        return Retrieved(matched, scores, coverage)
    coverage = np.where(matched, full, np.minimum(share, WEAK_FULL))
    return Retrieved(matched | partial, scores, coverage)


def information(slots: list[Slot], gen: LoadedGeneration, signals: Signals) -> list[float]:
    """Each slot's information: the IDF of what the citizen typed, discounted for everyday words.
    Kept per generation by what it depends on (retrieval and a situation both ask; queries
    repeat their words)."""
    kept = gen.slot_information
    out = []
    for slot in slots:
        key = (signals.everyday, slot.typed, *[(a.kind in TYPED_KINDS, a.terms) for a in slot.alternatives])
        value = kept.get(key)
        if value is None:
            if len(kept) >= KEPT_INFORMATION:
                kept.clear()
            value = kept[key] = _information(slot, gen, signals.everyday)
        out.append(value)
    return out


def _information(slot: Slot, gen: LoadedGeneration, everyday: bool) -> float:
    docs = max(gen.doc_count, 1)
    df = _typed_freq(slot, gen)
    factor = words_information.service_factor(_typed_forms(slot), df, docs) if everyday else 1.0
    return words_information.idf(df, docs) ** INFORMATION_POWER * factor


# Forms of what the citizen typed: the word itself, and the same word without a spoken clitic or
# inflection (پسرم is پسر); synonyms and corrections are other words.
TYPED_KINDS = ("typed", "clitic", "spoken", "lemma")


def _typed_forms(slot: Slot) -> tuple[str, ...]:
    return tuple(t for a in slot.alternatives if a.kind in TYPED_KINDS for t in a.terms) or slot.typed


def _typed_freq(slot: Slot, gen: LoadedGeneration) -> int:
    """How many cards use what the citizen typed, in its commonest typed form (a rare inflection
    is no information); for a word the index does not know, its rarest known alternative (a
    synonym or a correction stands in for it)."""
    vocab, known = gen.lexicon.vocab, gen.lexicon.known
    alts = [a for a in slot.alternatives if all(t in known for t in a.terms)]
    typed = [a for a in alts if a.kind in TYPED_KINDS]
    if typed:
        return max(max(1, min(vocab.freq(t) for t in a.terms)) for a in typed)
    return min((max(1, min(vocab.freq(t) for t in a.terms)) for a in alts), default=1)


def _strict_information(slots: list[Slot], gen: LoadedGeneration) -> list[float]:
    """The IDF of each slot's commonest member (as strict matching weighed them)."""
    n, vocab = max(gen.doc_count, 1), gen.lexicon.vocab
    return [words_information.idf(max(vocab.freq(t) for a in s.alternatives for t in a.terms), n) for s in slots]


def _share(found: matching.Matches, info: list[float], *, threshold: bool) -> np.ndarray:
    """By docnum, the share of the query's information a card carries (the first len(info) slots
    of `found` are the query's required ones); with `threshold`, 0 for a card carrying too little
    of it or matching too few of its words."""
    total = sum(info)
    hits = found.hits[: len(info)]
    need = len(info) - 1 if len(info) <= 3 else math.ceil(RELAXED_SLOT_SHARE * len(info))
    covered = np.zeros(hits.shape[1], np.float64)
    for mask, w in zip(hits, info, strict=True):
        covered += mask * w
    if threshold:
        covered[(covered < RELAXED_IDF_SHARE * total) | (hits.sum(axis=0) < need)] = 0.0
    return covered / total
