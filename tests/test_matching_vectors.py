"""The (slot × card) tables of search/matching.py against the straightforward computation they
replaced — one vector per slot, alternative and word — to the last bit: the same matches, and the
same sums added in the same order (a sum of floats depends on its order, and the scores must stay
Whoosh's, which tests/test_matching.py checks on the real index)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import matching, retrieval
from search.understanding.plan import Alternative, Slot

SIZE = 12


class Postings:
    """A stand-in for postings.TermScores: each word's (docnums, scores), deleted cards left out."""

    def __init__(self, size: int, words: dict[str, dict[int, float]], deleted: frozenset[int] = frozenset()):
        self.size = size
        self.words = {
            w: (
                np.array([d for d in sorted(p) if d not in deleted], np.int32),
                np.array([s for d, s in sorted(p.items()) if d not in deleted], np.float64),
            )
            for w, p in words.items()
        }

    def term(self, searcher, term, weights):
        return self.words.get(term, (np.empty(0, np.int32), np.empty(0, np.float64)))


# -- the computation the tables replaced -----------------------------------------------------------


def reference_alternative(terms, alt):
    postings = [terms.term(None, t, {}) for t in alt.terms]
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


def reference_slot(terms, slot):
    mask = np.zeros(terms.size, bool)
    scores = np.zeros(terms.size, np.float64)
    for alt in slot.alternatives:
        ids, s = reference_alternative(terms, alt)
        mask[ids] = True
        scores[ids] += s
    return mask, scores


def reference_share(masks, info, threshold):
    total = sum(info)
    need = len(masks) - 1 if len(masks) <= 3 else int(np.ceil(retrieval.RELAXED_SLOT_SHARE * len(masks)))
    covered = np.zeros(len(masks[0]), np.float64)
    counts = np.zeros(len(masks[0]), np.int16)
    for m, w in zip(masks, info, strict=True):
        covered += m * w
        counts += m
    if threshold:
        covered[(covered < retrieval.RELAXED_IDF_SHARE * total) | (counts < need)] = 0.0
    return covered / total


def assert_same_as_reference(terms, slots, required=None):
    required = len(slots) if required is None else required
    found = matching.match(terms, None, slots, {})
    expected = [reference_slot(terms, s) for s in slots]
    for j, (mask, scores) in enumerate(expected):
        assert found.hits[j].tolist() == mask.tolist(), f"slot {j}"
        assert found.scores[j].tobytes() == scores.tobytes(), f"slot {j}: {found.scores[j]} != {scores}"
    total = np.zeros(terms.size, np.float64)
    strict = np.ones(terms.size, bool)
    for j, (mask, scores) in enumerate(expected):
        total += scores
        if j < required:
            strict &= mask
    assert found.total_score().tobytes() == total.tobytes()
    assert found.all_of(required).tolist() == strict.tolist()
    if required > 1:
        info = [0.3 + 0.1 * j for j in range(required)]
        for threshold in (True, False):
            share = retrieval._share(found, info, threshold=threshold)
            assert share.tobytes() == reference_share([m for m, _ in expected[:required]], info, threshold).tobytes()
    return found


@pytest.fixture(params=["tables", "python", "as chosen"])
def path(request, monkeypatch):
    """Every case through numpy's tables, through Python's sums, and as `match` chooses."""
    small = {"tables": 0, "python": 10**9, "as chosen": matching.SMALL_POSTINGS}[request.param]
    monkeypatch.setattr(matching, "SMALL_POSTINGS", small)


def slot(*alternatives):
    return Slot(typed=alternatives[0].terms, alternatives=list(alternatives))


def alt(*words, weight=1.0):
    return Alternative(tuple(words), weight)


# Scores whose sum depends on the order they are added in: (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3).
WORDS = {
    "a": {0: 0.1, 1: 0.7, 3: 1.5, 7: 2.25},
    "b": {0: 0.2, 3: 0.1, 4: 3.0, 7: 0.3},
    "c": {0: 0.3, 1: 0.2, 3: 0.2, 5: 1e-17, 11: 4.0},
    "d": {3: 1e16, 7: 1.0},
    "e": {7: -1e16, 11: 0.5},
}

CASES = {
    "one word": [slot(alt("a"))],
    "a word no card has": [slot(alt("zzz"))],
    "a slot no card matches among others": [slot(alt("a")), slot(alt("zzz")), slot(alt("b"))],
    "an alternative no card has": [slot(alt("zzz"), alt("a"), alt("yyy", weight=0.5))],
    "two words one of which no card has": [slot(alt("a", "zzz"), alt("b"))],
    "two words no card has together": [slot(alt("b", "e"))],
    "several alternatives of several words": [
        slot(alt("a", "b"), alt("c"), alt("a", "c", "b"), alt("d", "a", weight=0.8)),
        slot(alt("c", "a"), alt("b", "d", "e")),
    ],
    "the same word twice in an alternative": [slot(alt("a", "a"), alt("c"))],
    "the same word in two slots": [slot(alt("a")), slot(alt("a"), alt("b"))],
    "weights other than 1": [
        slot(alt("a", weight=0.8), alt("b", weight=0.3), alt("c", weight=1 / 3)),
        slot(alt("c", "a", weight=0.7), alt("e", weight=0.9)),
    ],
    "order of alternatives": [slot(alt("a"), alt("b"), alt("c")), slot(alt("c"), alt("b"), alt("a"))],
    "order of slots": [slot(alt("a")), slot(alt("b")), slot(alt("c")), slot(alt("d")), slot(alt("e"))],
    "sums that cancel": [slot(alt("d")), slot(alt("a")), slot(alt("e"))],
}


@pytest.mark.parametrize("case", CASES)
def test_tables_equal_the_straightforward_computation(case, path):
    assert_same_as_reference(Postings(SIZE, WORDS), CASES[case])


@pytest.mark.parametrize("case", CASES)
def test_optional_slots_add_to_the_score_and_never_make_a_match(case, path):
    slots = CASES[case]
    assert_same_as_reference(Postings(SIZE, WORDS), slots + [slot(alt("c"), alt("b", weight=0.5))], len(slots))


@pytest.mark.parametrize("case", CASES)
def test_deleted_cards_match_nothing(case, path):
    deleted = frozenset({0, 3, 11})
    found = assert_same_as_reference(Postings(SIZE, WORDS, deleted), CASES[case])
    assert not found.hits[:, sorted(deleted)].any()
    assert not found.total_score()[sorted(deleted)].any()


postings_strategy = st.dictionaries(
    st.sampled_from("abcdef"),
    st.dictionaries(st.integers(0, 29), st.floats(1e-3, 50.0), max_size=25),
    max_size=6,
)
alternative_strategy = st.builds(
    lambda words, weight: Alternative(tuple(words), weight),
    st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=3),
    st.sampled_from([1.0, 1.0, 0.8, 0.5, 0.35]),
)
slots_strategy = st.lists(
    st.lists(alternative_strategy, min_size=1, max_size=4).map(lambda alts: Slot(alts[0].terms, alts)),
    min_size=1,
    max_size=5,
)


@settings(deadline=None)  # a loaded machine's pauses are not the matcher's
@given(words=postings_strategy, slots=slots_strategy, deleted=st.frozensets(st.integers(0, 29), max_size=5))
def test_any_plan_over_any_postings_equals_the_straightforward_computation(words, slots, deleted):
    for small in (0, 10**9):
        matching.SMALL_POSTINGS, before = small, matching.SMALL_POSTINGS
        try:
            assert_same_as_reference(Postings(30, words, deleted), slots, required=max(1, len(slots) - 1))
        finally:
            matching.SMALL_POSTINGS = before


@pytest.mark.parametrize("change", ["none", "a deletion", "an upsert"])
def test_a_real_index_tables_equal_the_straightforward_computation(index, change, path):
    from indexer import update
    from search import Engine
    from search import query as query_builder
    from search.signals import DEFAULT
    from search.understanding import understand
    from store import layout
    from store.card_files import CardStore

    cards = list(CardStore(layout.current(index).path).cards())
    if change == "a deletion":
        update.delete(index, cards[0]["id"])
    elif change == "an upsert":
        update.upsert(index, {**cards[1], "description": cards[1]["description"] + " گذرنامه تمدید"})
    gen = Engine(index).load()
    weights = query_builder.FIELD_WEIGHTS
    titles = [c["title"] for c in cards]
    texts = titles + [f"{a} {b}" for a, b in itertools.pairwise(titles)] + ["پاسپورت", "گدرنامه تمدید"]
    compared = 0
    for text in texts:
        plan = understand(text, gen.lexicon, gen.synonyms, DEFAULT)
        if not plan.required:
            continue
        found = matching.match(gen.term_scores, gen.searcher(), plan.required + plan.optional, weights)
        total = np.zeros(gen.size, np.float64)
        for j, s in enumerate(plan.required + plan.optional):
            mask, scores = reference_slot_on(gen, s, weights)
            assert found.hits[j].tolist() == mask.tolist(), text
            assert found.scores[j].tobytes() == scores.tobytes(), text
            total += scores
        assert found.total_score().tobytes() == total.tobytes(), text
        assert not (found.hits[:, ~gen.live]).any(), text
        compared += int(found.hits.sum())
    assert compared > 100


def reference_slot_on(gen, slot, weights):
    class Bound:
        size = gen.size

        @staticmethod
        def term(searcher, t, _weights):
            return gen.term_scores.term(gen.searcher(), t, weights)

    return reference_slot(Bound, slot)
