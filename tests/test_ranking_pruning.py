"""Re-scoring only the candidates that can reach the page (search/ranking/combine.py): the page and
its scores are those of scoring every candidate with every signal, and fewer are scored."""

from types import SimpleNamespace

import numpy as np
import pytest

from search.ranking import columns, combine
from search.ranking.agency import AGENCY_BOOST
from search.ranking.default_action import DEFAULT_ACTION_BOOST, default_action, subject_words
from search.ranking.exact_title import EXACT_TITLE_BOOST, exact_title
from search.ranking.phrase import PHRASE_BOOST, phrase_score
from search.signals import DEFAULT as SIGNALS
from search.understanding.plan import Alternative, Plan, Slot


def catalogue(cards):
    """A generation's ranking columns for `cards`: (title words, agency words, popularity prior)."""
    titles = [tuple(title.split()) for title, _, _ in cards]
    subjects = [subject_words(t) for t in titles]
    agency = [frozenset(a.split()) for _, a, _ in cards]
    prior = [p for _, _, p in cards]
    return SimpleNamespace(
        title_terms=titles,
        title_subjects=subjects,
        agency_terms=agency,
        popularity_prior=prior,
        rerank_columns=columns.build(titles, subjects, agency, prior),
    )


def plan(query):
    return Plan(query, [Slot((w,), [Alternative((w,))]) for w in query.split()])


def every_candidate_scored(docnums, scores, query, gen, signals=SIGNALS):
    """Each candidate's score with every signal, as the signal modules define them, best first."""
    slot_terms = [{t for a in s.alternatives for t in a.terms} for s in query.slots]
    answered = set().union(*slot_terms)
    out = []
    for d, score in zip(docnums.tolist(), scores.tolist(), strict=True):
        title, boost = gen.title_terms[d], 1.0
        if signals.phrase:
            boost += PHRASE_BOOST * phrase_score(title, slot_terms)
        if signals.exact_title and exact_title(title, slot_terms):
            boost += EXACT_TITLE_BOOST
        elif signals.default_action and any(w not in answered for w in title) and default_action(title, answered):
            boost += DEFAULT_ACTION_BOOST
        if signals.agency and answered & gen.agency_terms[d]:
            boost += AGENCY_BOOST
        if signals.popularity:
            boost *= gen.popularity_prior[d]
        out.append((d, score * boost))
    return sorted(out, key=lambda x: (-x[1], x[0]))


@pytest.fixture(params=["arrays", "one by one"])
def way(request, monkeypatch):
    """Candidates re-scored from the columns, or (as few are) each on its own."""
    monkeypatch.setattr(combine, "FEW", 0 if request.param == "arrays" else 1000)
    return request.param


@pytest.fixture
def arrays(monkeypatch):
    monkeypatch.setattr(combine, "FEW", 0)


def counting_signal_boost(monkeypatch):
    scored = []
    real = combine.signal_boost

    def counted(docnum, *args):
        scored.append(docnum)
        return real(docnum, *args)

    monkeypatch.setattr(combine, "signal_boost", counted)
    return scored


CARDS = [
    # title, agency words, popularity prior
    ("تمدید گواهینامه رانندگی", "", 1.0),  # 0
    ("صدور گواهینامه رانندگی", "راهور", 1.0),  # 1: default action, agency named
    ("گواهینامه رانندگی", "", 1.0),  # 2: exact title
    ("پرداخت عوارض خودرو", "", 1.35),  # 3: no title word answers
    ("المثنی گواهینامه رانندگی", "", 1.0),  # 4
    ("گواهینامه رانندگی بین‌المللی", "", 1.2),  # 5
    ("تعویض پلاک خودرو", "راهور", 1.0),  # 6: agency named only
    ("گواهینامه رانندگی", "", 1.0),  # 7: the same as 2
]


@pytest.mark.parametrize(
    ("case", "query", "docnums", "scores", "need", "first"),
    [
        # BM25F puts the exact title last; the exact-title and phrase signals put it first.
        ("a low candidate wins by its signals", "گواهینامه رانندگی", [0, 4, 5, 2], [10.0, 9.0, 8.0, 7.0], 1, [2]),
        # The bare name of the document: its first-time service before another with a higher BM25F.
        ("the default action", "گواهینامه رانندگی", [0, 1], [2.0, 1.9], 1, [1]),
        # Nothing any signal rewards: the popularity prior alone reorders.
        ("the prior alone", "عوارض", [6, 3], [1.3, 1.0], 2, [3, 6]),
        # The same title and score: the lower docnum first, however the candidates come.
        ("ties by docnum", "گواهینامه رانندگی", [7, 2, 0], [5.0, 5.0, 5.0], 2, [2, 7]),
        # The agency's words in the query lift its card among look-alikes.
        ("the agency named", "پلاک راهور", [0, 6], [2.0, 1.8], 1, [6]),
        # A page past every candidate: all of them, in order.
        ("more asked than there are", "صدور گواهینامه", [0, 1, 2], [3.0, 2.0, 1.0], 10, [0, 1, 2]),
    ],
)
def test_the_page_is_that_of_scoring_every_candidate(way, case, query, docnums, scores, need, first):
    gen = catalogue(CARDS)
    docnums, scores = np.array(docnums), np.array(scores)
    got = combine.rerank(docnums, scores, plan(query), gen, SIGNALS, need)
    assert got == every_candidate_scored(docnums, scores, plan(query), gen)[:need], case
    assert [d for d, _ in got] == first, case


@pytest.mark.parametrize(("way", "at_most"), [("arrays", 4), ("one by one", 25)], indirect=["way"])
def test_candidates_that_cannot_reach_the_page_are_not_scored(way, at_most, monkeypatch):
    # Many cards a title signal may reward, but only the first few can reach a page of two: the
    # rest are never scored one by one (the arrays bound each by its own title; one by one, by
    # every text signal at its most), and the page is the same.
    cards = [(f"گواهینامه رانندگی نوع{n}", "", 1.0) for n in range(50)]
    gen = catalogue(cards)
    docnums, scores = np.arange(50), np.linspace(10.0, 1.0, 50)
    query = plan("گواهینامه رانندگی")
    scored = counting_signal_boost(monkeypatch)
    got = combine.rerank(docnums, scores, query, gen, SIGNALS, 2)
    assert got == every_candidate_scored(docnums, scores, query, gen)[:2]
    assert 2 <= len(scored) <= at_most
    # Without a page to reach, every one of them is.
    scored.clear()
    assert combine.rerank(docnums, scores, query, gen, SIGNALS) == every_candidate_scored(docnums, scores, query, gen)
    assert len(scored) == 50


def test_a_card_no_title_signal_can_reward_is_scored_from_columns_alone(arrays, monkeypatch):
    gen = catalogue(CARDS)
    scored = counting_signal_boost(monkeypatch)
    docnums, scores = np.array([3, 6]), np.array([2.0, 1.8])
    combine.rerank(docnums, scores, plan("پلاک راهور"), gen, SIGNALS, 1)
    assert scored == []


@pytest.mark.parametrize("off", ["phrase", "exact_title", "default_action", "agency", "popularity"])
def test_each_signal_switched_off_still_gives_the_full_scoring(way, off):
    gen = catalogue(CARDS)
    signals = SIGNALS.without(off)
    docnums = np.arange(len(CARDS))
    scores = np.array([3.0, 2.9, 2.0, 2.8, 2.5, 2.4, 2.2, 2.0])
    for query in ("گواهینامه رانندگی", "صدور گواهینامه راهور", "خودرو"):
        for need in (1, 3, None):
            got = combine.rerank(docnums, scores, plan(query), gen, signals, need)
            assert got == every_candidate_scored(docnums, scores, plan(query), gen, signals)[:need], (query, need)


def test_a_title_longer_than_the_columns_keep_is_scored_in_full(way):
    long_title = " ".join(["گواهینامه", "رانندگی"] + [f"واژه{n}" for n in range(columns.TITLE_WIDTH)])
    gen = catalogue([(long_title, "", 1.0), ("گواهینامه موتور", "", 1.0)])
    docnums, scores = np.array([1, 0]), np.array([2.0, 1.6])
    query = plan("گواهینامه رانندگی")
    got = combine.rerank(docnums, scores, query, gen, SIGNALS, 1)
    assert got == every_candidate_scored(docnums, scores, query, gen)[:1] == [(0, 1.6 * (1 + PHRASE_BOOST))]


def test_judged_queries_rank_as_with_every_candidate_scored(bundled_engine, monkeypatch):
    # Over the bundled catalogue's judged queries and several pages: the same hits and scores
    # with the bounds as with none, and as with every candidate scored by the signal modules; and
    # fewer than half the candidates scored one by one.
    import csv

    from conftest import ROOT

    from search import SearchRequest

    with open(ROOT / "corpus" / "judgments" / "queries.tsv", encoding="utf-8") as f:
        queries = [row["query"] for row in csv.DictReader(f, delimiter="\t")]
    requests = [SearchRequest(q=q, page=p, size=s) for q in queries for p, s in ((1, 10), (2, 5), (1, 20), (3, 50))]

    def pages():
        return [[(h.id, h.score) for h in bundled_engine.search(r).hits] for r in requests]

    scored = counting_signal_boost(monkeypatch)
    bounded, with_bounds = pages(), len(scored)
    monkeypatch.setattr(combine, "BOUND_SLACK", float("inf"))
    assert pages() == bounded
    every = []

    def full(docnums, scores, query, gen, signals, need=None):
        every.extend(docnums.tolist())
        return every_candidate_scored(docnums, scores, query, gen, signals)[:need]

    monkeypatch.setattr(combine, "rerank", full)
    assert pages() == bounded
    assert with_bounds < len(every) / 2
