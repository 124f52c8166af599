"""Corrections as the answer states them (issue 19): `showing_results_for` when the results are for
other words than those typed, `did_you_mean` when they are for what was typed and another search
may be meant; `exact` searches the words as typed; misspelt colloquial words are corrected
against the synonym file (تمدید پاسپرت finds the passport renewal, not «پاس پرت»)."""

import pytest

from search import SearchRequest


def search(engine, q: str, **kw):
    return engine.search(SearchRequest(q=q, **kw))


@pytest.mark.parametrize(
    ("typed", "showing"),
    [
        ("dhvhki", "یارانه"),  # keyboard layout
        ("gozarnameh", "گذرنامه"),  # Latin letters
        ("code posti", "کد پستی"),  # Latin even where a card has the Latin word
        ("گذرنانه", "گذرنامه"),  # a misspelling no card has
        ("تعویص پلاک", "تعویض پلاک"),
    ],
)
def test_results_for_corrected_words_say_so(bundled_engine, typed, showing):
    result = search(bundled_engine, typed)
    q = result.query
    assert (q.showing_results_for, q.did_you_mean) == (showing, None)
    assert q.corrected == showing  # deprecated, as before
    assert result.total > 0 and search(bundled_engine, showing).total > 0


def test_a_suggestion_leaves_the_results_for_what_was_typed(bundled_engine):
    result = search(bundled_engine, "دلار مسافرتی")
    q = result.query
    assert q.showing_results_for is None
    assert q.did_you_mean and q.did_you_mean != "دلار مسافرتی" and q.corrected == q.did_you_mean
    # The typed words find the currency service themselves.
    assert result.total > 0 and any("ارز" in h.title for h in result.hits[:3])


def test_words_everyone_spells_right_are_not_corrected(bundled_engine):
    for q in ("گذرنامه", "کارت ملی", "پاسپورت", "یارانه"):
        u = search(bundled_engine, q).query
        assert (u.showing_results_for, u.did_you_mean, u.corrected) == (None, None, None), q


def test_a_misspelt_colloquial_word_is_corrected_against_the_synonyms(bundled_engine):
    result = search(bundled_engine, "تمدید پاسپرت")
    q = result.query
    assert q.showing_results_for == "تمدید پاسپورت"
    kinds = [(i["kind"], i.get("from"), i.get("to")) for i in q.interpretation]
    assert ("correction", "پاسپرت", "پاسپورت") in kinds and ("synonym", "پاسپورت", ["گذرنامه"]) in kinds
    assert not any(kind == "split" for kind, *_ in kinds)  # no «پاس پرت»
    assert result.hits[0].title == "تمدید گذرنامه عادی"
    assert [h.id for h in result.hits[:3]] == [h.id for h in search(bundled_engine, "تمدید پاسپورت").hits[:3]]


def test_exact_searches_the_words_as_typed(bundled_engine):
    for typed in ("گذرنانه", "dhvhki", "تمدید پاسپرت"):
        q = search(bundled_engine, typed, exact=True).query
        assert (q.showing_results_for, q.did_you_mean, q.corrected) == (None, None, None), typed
        assert not any(i["kind"] in ("layout", "correction", "split", "transliteration") for i in q.interpretation)
    assert search(bundled_engine, "گذرنانه", exact=True).total == 0
    # Synonyms are not corrections: they stay on.
    assert search(bundled_engine, "پاسپورت", exact=True).total == search(bundled_engine, "پاسپورت").total
