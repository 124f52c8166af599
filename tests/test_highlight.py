"""Highlights from the indexer's analysis of a card's text: what is marked, and which window of a
long description is shown."""

import html
import re

import pytest

from analyzers import terms
from search.highlight import FRAGMENT_WORDS, highlight_fragment, highlight_title
from store.stored_words import from_stored, text_words

FILLER = "این خدمت برای همه شهروندان در سراسر کشور ارائه می‌شود و هزینه‌ای ندارد."


def _wanted(query: str) -> frozenset[str]:
    return frozenset(terms(query))


def _plain(fragment: str) -> str:
    return html.unescape(re.sub("</?mark>", "", fragment)).removeprefix("… ").removesuffix(" …")


def _marked(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall("<mark>(.*?)</mark>", fragment)]


@pytest.mark.parametrize("stored", [False, True], ids=["analysed", "stored and read back"])
def test_a_late_match_in_a_long_description_is_shown_in_a_window_around_it(stored):
    text = (
        " ".join([FILLER] * 8)
        + " برای تمدید گواهي‌نامه‌ها (پایه دوم) به دفاتر پلیس مراجعه کنید. "
        + " ".join([FILLER] * 8)
    )
    words = text_words(text)
    if stored:
        words = from_stored(words.stored())
    fragment = highlight_fragment(text, words, _wanted("گواهینامه"))
    assert fragment.startswith("… ") and fragment.endswith(" …")
    assert _marked(fragment) == ["گواهي‌نامه‌ها"]
    shown = _plain(fragment)
    assert shown in text and "(پایه دوم)" in shown  # whole pieces: punctuation stays with its word
    assert FRAGMENT_WORDS - 2 <= len(shown.split()) <= FRAGMENT_WORDS + 2


def test_a_short_description_is_shown_whole_and_unmatched_text_from_its_opening():
    short = "صدور کارت ملی هوشمند برای نخستین بار."
    assert _plain(highlight_fragment(short, text_words(short), _wanted("کارت ملی"))) == short
    long = " ".join([FILLER] * 10)
    fragment = highlight_fragment(long, text_words(long), _wanted("گذرنامه"))
    assert not fragment.startswith("…") and fragment.endswith(" …") and "<mark>" not in fragment
    assert long.startswith(_plain(fragment))


def test_titles_mark_inflected_forms_and_compounds_written_apart_and_escape_markup():
    title = "صدور گواهی نامه <b>رانندگی</b> و تمدید گواهینامه‌ها"
    marked = highlight_title(title, text_words(title), _wanted("گواهینامه"))
    assert _marked(marked) == ["گواهی", "نامه", "گواهینامه‌ها"]
    assert "<b>" not in marked and html.unescape(re.sub("</?mark>", "", marked)) == title


def test_a_compound_written_apart_is_marked_when_the_index_or_the_lexicon_knows_it_joined():
    # مردم‌نهاد is not in the lexicon; the index knows it when another card writes it joined.
    title = "ثبت سازمان مردم نهاد"
    wanted = _wanted("مردمنهاد")
    assert _marked(highlight_title(title, text_words(title, frozenset(wanted)), wanted)) == ["مردم", "نهاد"]
    assert _marked(highlight_title(title, text_words(title), wanted)) == []
    stored = from_stored(text_words(title, frozenset(wanted)).stored())
    assert _marked(highlight_title(title, stored, wanted)) == ["مردم", "نهاد"]


def test_a_suffix_written_apart_is_marked_with_its_word_but_a_neighbour_that_only_looks_like_one_is_not():
    # The query's plan holds the word and its joined form (موتورسیکلت‌های → موتورسیکلتهای).
    title = "شماره گذاری موتورسیکلت های نو"
    wanted = frozenset({"موتورسیکلت", "موتورسیکلتهای", "نو"})
    assert _marked(highlight_title(title, text_words(title), wanted)) == ["موتورسیکلت", "های", "نو"]
    # روی after معافیت is a word of its own, though inflection would strip it off معافیتروی.
    text = "نوع و بند معافیت روی آن درج شده است"
    wanted = frozenset({"معافیت", "معافیتکفالت", "کفالت"})
    assert _marked(highlight_fragment(text, text_words(text), wanted)) == ["معافیت"]
