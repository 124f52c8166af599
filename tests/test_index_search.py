"""Index round trip and search behaviour, on a small corpus written for the test."""

import pytest
from conftest import mini_cards

from search import SearchRequest


def ids(result):
    return [h.id for h in result.hits]


def test_every_card_is_indexed_and_retrievable(mini_engine):
    for card in mini_cards():
        served = mini_engine.service(card["id"])
        assert {k: served[k] for k in card} == card
        assert 0 <= served["e_readiness"] <= 1 and served["agency_rank"] >= 1
    assert mini_engine.service("no-such-id") is None


def test_title_query_finds_its_card_first(mini_engine):
    for card in mini_cards():
        result = mini_engine.search(SearchRequest(q=card["title"]))
        assert ids(result)[0] == card["id"], card["title"]


def test_arabic_letters_and_missing_half_spaces_find_the_clean_card(mini_engine):
    # The card is written correctly (ZWNJ, Persian ی/ک); the query the way many people type.
    result = mini_engine.search(SearchRequest(q="تمديد گواهينامه رانندگي"))
    assert ids(result)[0] == "t-licence-renew"
    result = mini_engine.search(SearchRequest(q="تمدید گواهی نامه"))
    assert ids(result)[0] == "t-licence-renew"


def test_clean_query_finds_the_messy_card(mini_engine):
    # The card is written with Arabic ي/ك and no half-spaces; the query correctly.
    result = mini_engine.search(SearchRequest(q="کارت ملی هوشمند"))
    assert ids(result)[0] == "t-messy-id-card"
    result = mini_engine.search(SearchRequest(q="پیش‌ثبت‌نام کارت ملی"))
    assert ids(result)[0] == "t-messy-id-card"


def test_facet_counts_sum_to_total(mini_engine):
    for q in ("", "گذرنامه", "صدور", "ثبت احوال"):
        result = mini_engine.search(SearchRequest(q=q))
        assert result.total > 0, q
        for facet in ("cluster", "agency"):
            assert sum(v.count for v in result.facets[facet]) == result.total, (q, facet)


def test_total_counts_every_match_not_only_the_page(mini_engine):
    result = mini_engine.search(SearchRequest(q="", size=2))
    assert result.total == len(mini_cards())
    assert len(result.hits) == 2
    page3 = mini_engine.search(SearchRequest(q="", size=2, page=3))
    assert len(page3.hits) == 2 and not set(ids(page3)) & set(ids(result))


def test_filters_restrict_hits_and_facets(mini_engine):
    result = mini_engine.search(SearchRequest(q="", filters={"cluster": ["گذرنامه و سفر"]}))
    assert sorted(ids(result)) == ["t-passport-issue", "t-passport-renew"]
    assert result.total == 2
    # The agency facet reflects the cluster filter; the cluster facet keeps its other values.
    assert {v.value for v in result.facets["agency"]} == {"پلیس مهاجرت و گذرنامه فراجا"}
    assert len(result.facets["cluster"]) == len({c["cluster"] for c in mini_cards()})


PASSPORT_CARDS = {"t-passport-issue", "t-passport-renew"}
ISSUING_CARDS = {"t-birth-cert", "t-passport-issue", "t-messy-id-card", "t-publishing-permit"}


@pytest.mark.parametrize(
    ("q", "words", "found"),
    [
        ("title:گذرنامه", "title گذرنامه", PASSPORT_CARDS),
        ("گذرنامه~9", "گذرنامه 9", PASSPORT_CARDS),
        ("گذرنامه^1000000", "گذرنامه 1000000", PASSPORT_CARDS),
        ('"گذرنامه', "گذرنامه", PASSPORT_CARDS),
        ("(صدور", "صدور", ISSUING_CARDS),
        ("گذر*", "گذر", set()),  # no prefix expansion the text controls
        ("[a TO z]", "a TO z", set()),
    ],
)
def test_query_syntax_is_just_text(mini_engine, q, words, found):
    """Whoosh's query syntax in the text finds what its words alone find, no more."""
    result, plain = mini_engine.search(SearchRequest(q=q)), mini_engine.search(SearchRequest(q=words))
    assert set(ids(result)) == found and result.total == len(found)
    assert ids(result) == ids(plain) and result.total == plain.total


def test_text_without_words_finds_nothing_and_no_text_browses(mini_engine):
    assert mini_engine.search(SearchRequest(q="*")).total == 0
    assert mini_engine.search(SearchRequest(q="")).total == len(mini_cards())


def test_best_bets_pin_services_first_however_spelt(mini_engine):
    # tests/data/best_bets.tsv pins the publishing permit for «مجوز نشر».
    for q in ("مجوز نشر", "مجوزهای نشر", "مجوز  نشر"):
        assert ids(mini_engine.search(SearchRequest(q=q)))[0] == "t-publishing-permit", q


def test_best_bets_respect_filters(mini_engine):
    result = mini_engine.search(SearchRequest(q="مجوز نشر", filters={"cluster": ["مالیات"]}))
    assert "t-publishing-permit" not in ids(result)


def test_a_spoken_clitic_on_a_word_the_lexicon_lists_whole_still_matches(mini_engine):
    # ملیم ("my national"): hazm lists the form as a word, so the analyzer keeps it; the query
    # also tries it without the clitic, and the card matches fully, not as a weak partial hit.
    result = mini_engine.search(SearchRequest(q="کارت ملیم"))
    assert ids(result)[0] == "t-messy-id-card"
    assert not result.query.relaxed and not result.hits[0].weak


@pytest.mark.parametrize("q", ["", "گواهینامه", "مجوز", "ثبت نام"])
@pytest.mark.parametrize(
    "chosen", [{}, {"level": ["national"]}, {"channel": ["web", "phone"], "audience": ["citizen"]}]
)
def test_every_facet_count_is_what_ticking_that_value_finds(bundled_engine, q, chosen):
    # What a user sees next to a facet value is the number of results they get by ticking it.
    r = bundled_engine.search(SearchRequest(q=q, filters=chosen))
    assert r.total and set(r.facets) == {"cluster", "agency", "audience", "level", "channel"}
    for facet, rows in r.facets.items():
        for row in rows[:4]:
            expected = bundled_engine.search(SearchRequest(q=q, filters={**chosen, facet: [row.value]})).total
            assert row.count == expected, (facet, row)
