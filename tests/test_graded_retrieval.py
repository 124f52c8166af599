"""Graded matching of long questions (search/retrieval.py): the cards answering most of what a
question asks come first, however many of its words are context."""

import pytest

from search import SearchRequest


def ids(result):
    return [h.id for h in result.hits]


def test_a_service_told_by_a_third_of_a_long_questions_words_is_found_first(bundled_engine):
    # برق and قطع are what is asked; the other words (our house, since last night, nobody comes to
    # fix it, where should we call) are context. The outage card has two of the seven content words.
    result = bundled_engine.search(SearchRequest(q="برق خونمون از دیشب قطعه کسی نمیاد درستش کنه به کجا باید زنگ بزنیم"))
    assert ids(result)[0] == "tavanir-outage-report", ids(result)
    assert result.hits[0].weak  # it does not have every word: marked so


@pytest.mark.parametrize(
    "q",
    [
        "سلام وقت بخیر ببخشید میخواستم بپرسم گذرنامه",
        "یه سوال داشتم درباره یارانه که خیلی وقته قطع شده و هیچکس جواب نمیده",
    ],
)
def test_a_question_with_a_word_the_catalogue_knows_never_finds_nothing(bundled_engine, q):
    assert bundled_engine.search(SearchRequest(q=q)).hits


@pytest.mark.parametrize("q", ["سلام وقت بخیر خوبی چه خبر", "دلم برات تنگ شده کی میای"])
def test_a_question_of_fillers_finds_nothing_strong(bundled_engine, q):
    assert all(h.weak for h in bundled_engine.search(SearchRequest(q=q)).hits)
