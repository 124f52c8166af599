"""Ranking signals on analysed titles: what each one rewards, and what it must not."""

import pytest

import analyzers
from search.ranking.default_action import default_action
from search.ranking.exact_title import exact_title
from search.ranking.phrase import phrase_score
from search.ranking.popularity import popularity_prior


def title(text):
    return tuple(analyzers.terms(text))


def slots(text):
    return [{t} for t in analyzers.terms(text)]


def test_a_query_naming_only_the_thing_prefers_the_first_time_service():
    q = set(analyzers.terms("کارت معلولیت"))
    assert default_action(title("صدور کارت معلولیت"), q)
    assert not default_action(title("تمدید کارت معلولیت"), q)
    assert not default_action(title("صدور المثنی کارت معلولیت"), q)  # two words left unanswered
    assert not default_action(title("کارت معلولیت"), q)  # nothing left: exact title's business
    # Words that say it is the first time are the same service said more exactly.
    passport = title("صدور گذرنامه عادی (بار اول)")
    assert default_action(passport, set(analyzers.terms("گذرنامه")))
    assert default_action(passport, set(analyzers.terms("صدور گذرنامه")))  # the action typed
    assert not default_action(title("پیگیری وضعیت صدور گذرنامه"), set(analyzers.terms("صدور گذرنامه")))
    assert not default_action(title("صدور گذرنامه زیارتی اربعین"), set(analyzers.terms("گذرنامه")))
    assert not default_action(title("صدور مجوز حمل بار"), set(analyzers.terms("مجوز حمل")))  # بار: cargo


def test_the_bare_name_of_a_document_finds_its_first_issue(bundled_engine):
    from search import SearchRequest

    for q in ("گذرنامه", "صدور گذرنامه", "کارت ملی هوشمند"):
        top = bundled_engine.search(SearchRequest(q=q)).hits[0].title
        assert top.startswith("صدور") and "بار اول" in top, (q, top)


def test_exact_title_and_phrase():
    assert exact_title(title("تمدید گذرنامه"), slots("گذرنامه تمدید"))
    assert not exact_title(title("تمدید گذرنامه عادی"), slots("تمدید گذرنامه"))
    assert phrase_score(title("تمدید گذرنامه عادی"), slots("تمدید گذرنامه")) == 1.0
    assert phrase_score(title("گذرنامه عادی تمدید"), slots("تمدید گذرنامه")) == 0.0


@pytest.mark.parametrize(
    ("title_text", "query", "share"),
    [
        ("تمدید گذرنامه عادی", "تمدید گذرنامه", 1.0),
        ("گذرنامه عادی تمدید", "تمدید گذرنامه", 0.0),  # both words, not in order
        ("صدور گواهینامه رانندگی پایه یک", "گواهینامه رانندگی پایه", 1.0),
        ("صدور گواهینامه رانندگی موتور", "گواهینامه رانندگی پایه", 2 / 3),  # two of three in a run
        ("گواهینامه پایه رانندگی", "گواهینامه رانندگی پایه", 0.0),  # no two slots in a row
        ("گذرنامه", "گذرنامه", 0.0),  # one word is no phrase
        ("گذرنامه گذرنامه تمدید", "گذرنامه تمدید", 1.0),  # the run from the second occurrence
    ],
)
def test_phrase_share_is_the_longest_run_of_the_query_in_the_title(title_text, query, share):
    assert phrase_score(title(title_text), slots(query)) == pytest.approx(share)


def test_agency_words_are_the_ones_that_tell_agencies_apart(bundled_index):
    from search import Engine

    gen = Engine(bundled_index).load()
    tax = gen.by_id["tax-pos-terminal"]
    assert "مالیات" in gen.agency_terms[tax]  # سازمان امور مالیاتی is the only tax agency
    # سازمان and ملی begin many agencies' names: naming them names no agency.
    assert not any({"سازمان", "ملی"} & terms for terms in gen.agency_terms)


@pytest.mark.parametrize(
    ("popularity", "prior"),
    [(0, 1.0), (-5, 1.0), (1_000_000, 1.35), (2_000_000, 1.35 * 1.0 + 0.35 * 0.0499)],
)
def test_the_popularity_prior_is_bounded_and_log_scaled(popularity, prior):
    # The most demanded service gains at most 35%; demand beyond the catalogue's most helps no more
    # than a log step; nothing negative.
    got = popularity_prior(popularity, 1_000_000)
    assert got == pytest.approx(prior, rel=0.01)
    assert got >= 1.0
    assert popularity_prior(10, 1_000_000) < popularity_prior(1_000, 1_000_000) < popularity_prior(100_000, 1_000_000)
