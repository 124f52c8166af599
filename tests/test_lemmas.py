"""Both forms, not one: a word the lexicon lists whole that is an inflection of another listed word
is indexed and queried with its lemma beside it (analyzers/lemmas.py, the `lemma` field, the
`lemmas` understanding step), so an inflected word meets its base and the exact form still ranks
first; words that merely end like an inflection get no lemma."""

import unicodedata
from importlib import resources

import pytest
from conftest import build_index, mini_cards, write_jsonl

from analyzers import analyze, lemma, terms
from analyzers.inflection import broken_plurals
from analyzers.lexicon import fold_entry, words
from indexer.documents import field_terms
from search import Engine, SearchRequest
from search.signals import DEFAULT
from search.understanding import understand
from store.fields import LEMMA, LEMMA_WEIGHT, MAIN_FIELDS

ZWNJ = "\u200c"

# An inflected word as a citizen or a card writes it → the lemma indexed beside it.
LEMMAS = [
    ("فرزندان", "فرزند"),
    ("کارگران", "کارگر"),
    ("ناظران", "ناظر"),
    ("کشاورزان", "کشاورز"),
    ("شاغلان", "شاغل"),
    ("زایران", "زایر"),
    ("موسسان", "موسس"),
    ("معلمان", "معلم"),
    ("پدران", "پدر"),
    ("زنان", "زن"),
    ("مردان", "مرد"),
    ("خواهران", "خواهر"),
    ("شاهدان", "شاهد"),
    ("خویشاوندان", "خویشاوند"),
    ("همراهان", "همراه"),
    ("نخبگان", "نخبه"),  # ‑گان after a final ه
    ("شرکت\u200cکنندگان", "شرکتکننده"),
    ("ایرانیان", "ایرانی"),  # ‑یان: the adjective in ی, not the country
    ("زندانیان", "زندانی"),
    ("آقایان", "اقا"),  # a glide after a vowel
    ("آشنایان", "اشنا"),
    ("مستاجرین", "مستاجر"),  # the Arabic ‑ین of a participle
    ("مهاجرین", "مهاجر"),
    ("مشمولین", "مشمول"),
    ("معلولین", "معلول"),
    ("متاهلین", "متاهل"),
    ("شهرهای", "شهر"),  # ‑ها, ‑های on a word hazm lists whole
    ("روزهای", "روز"),
    ("بازارها", "بازار"),
    ("بالاتر", "بالا"),  # comparative and superlative
    ("بالاترین", "بالا"),
    ("زودتر", "زود"),
    ("بزرگتر", "بزرگ"),
    ("سریعتر", "سریع"),
    ("نزدیکتر", "نزدیک"),
    ("موثرتر", "موثر"),
]

# Words that end like an inflection but are words of their own, and words with nothing to strip.
NO_LEMMA = [
    "تهران",
    "ایران",
    "امکان",
    "خیابان",
    "ساختمان",
    "سازمان",
    "استان",
    "پایان",
    "زمان",
    "مهمان",
    "زندان",
    "میزان",
    "جبران",
    "باران",
    "کرمان",
    "یارانه",
    "اطلاعات",
    "مالیات",
    "گواهی",
    "شهرداری",
    "نشانی",
    "ملی",
    "مالی",
    "ماشین",
    "تامین",
    "سنگین",
    "پایین",
    "زمین",
    "تنها",
    "دفتر",
    "دختر",
    "دکتر",
    "بیشتر",  # a headword of its own: "more", almost a function word
    "بهتر",  # به is a preposition
    "بستگان",  # relatives, not parcels
    "دوران",  # an era
    "حقوق",  # salary, not rights
    "عوارض",  # levies, not complications
    "امور",  # affairs
    "پلان",  # a floor plan, not bridges
]


def _lemmas(text: str) -> list[tuple[int, str]]:
    return [(t.pos, t.text) for t in analyze(text, lemmas=True) if t.kind == "lemma"]


@pytest.mark.parametrize(
    "word,expected", [pytest.param(w, e, id=f"lemma-{i:02d}") for i, (w, e) in enumerate(LEMMAS, 1)]
)
def test_an_inflection_gets_its_lemma_beside_it(word, expected):
    tokens = analyze(word, lemmas=True)
    term = [t for t in tokens if t.kind == "term"]
    assert len(term) == 1, tokens
    assert term[0].text != expected, f"{word!r} is already reduced to {expected!r}: no lemma needed"
    assert _lemmas(word) == [(term[0].pos, expected)]
    assert expected in words()


@pytest.mark.parametrize("word", [pytest.param(w, id=f"no_lemma-{i:02d}") for i, w in enumerate(NO_LEMMA, 1)])
def test_a_word_of_its_own_gets_no_lemma(word):
    assert not _lemmas(word), f"{word!r} -> {_lemmas(word)}"


def test_lemmas_only_when_asked_and_never_as_terms():
    text = "کمک هزینه فرزندان کارگران در شهرهای مرزی"
    assert not [t for t in analyze(text) if t.kind == "lemma"]
    assert "فرزند" not in terms(text)
    assert [lem for _, lem in _lemmas(text)] == ["فرزند", "کارگر", "شهر"]


def test_the_table_sizes():
    assert len(LEMMAS) >= 30
    assert len(NO_LEMMA) >= 20


# -- the broken plurals table -----------------------------------------------------------------


def test_the_broken_plural_table_is_clean():
    text = resources.files("analyzers").joinpath("data/broken_plurals.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(rows) >= 50
    assert unicodedata.normalize("NFC", text) == text
    plurals = [p for p, _ in rows]
    assert len(set(plurals)) == len(plurals), "a plural listed twice"
    for plural, singular in rows:
        assert plural != singular and ZWNJ not in plural + singular
        # Both are words the lexicon knows: the table holds real plurals of real words.
        assert fold_entry(plural) in words() and fold_entry(singular) in words(), (plural, singular)
    assert len(broken_plurals()) == len(rows)


@pytest.mark.parametrize("plural", ["حقوق", "امور", "اطلاعات", "عوارض", "جرایم", "مواد"])
def test_the_broken_plural_table_leaves_out_words_that_are_not_their_singular(plural):
    assert fold_entry(plural) not in broken_plurals()


# -- the index and the query ------------------------------------------------------------------


def test_a_cards_lemmas_go_to_the_lemma_field():
    card = {"id": "x", "title": "کمک هزینه تحصیلی فرزندان", "description": "ویژه کارگران شاغل"}
    fields = field_terms(card)
    assert fields[LEMMA].split() == ["فرزند", "کارگر"]
    assert "فرزندان" in fields["title"].split() and "کارگران" in fields["description"].split()
    assert all("فرزند" not in fields[f].split() for f in MAIN_FIELDS)
    assert LEMMA_WEIGHT < 1.0


def _card(card_id: str, title: str) -> dict:
    template = mini_cards()[0]
    return {**template, "id": card_id, "title": title, "description": title, "keywords": [], "popularity": 1000}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lemma-corpus")
    cards = mini_cards() + [
        _card("t-plural", "کمک هزینه تحصیلی ویژه فرزندان"),
        _card("t-singular", "کمک هزینه تحصیلی ویژه فرزند"),
    ]
    index = folder / "index"
    build_index(write_jsonl(folder / "cards.jsonl", cards), index)
    return index


@pytest.fixture(scope="module")
def engine(index):
    engine = Engine(index)
    engine.load()
    return engine


def _ids(engine, q: str) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(q=q)).hits]


@pytest.mark.parametrize(
    "query,first",
    [
        ("فرزندان", "t-plural"),
        ("فرزند", "t-singular"),
        ("کمک هزینه فرزندان", "t-plural"),
        ("کمک هزینه فرزند", "t-singular"),
    ],
)
def test_the_inflected_and_the_base_form_find_each_other_and_the_exact_form_ranks_first(engine, query, first):
    ids = _ids(engine, query)
    assert ids[:2] == [first, ({"t-plural", "t-singular"} - {first}).pop()], ids


def test_without_the_lemmas_step_a_plural_query_misses_the_singular_card(index):
    off = Engine(index, signals=DEFAULT.without("lemmas"))
    off.load()
    assert "t-singular" not in _ids(off, "فرزندان")
    # The other direction is the index's: the card writing the plural has the singular as a lemma.
    assert "t-plural" in _ids(off, "فرزند")


def test_the_step_adds_the_lemma_as_an_alternative_below_the_word(engine):
    gen = engine.generation()
    plan = understand("مستاجرین", gen.lexicon, gen.synonyms, DEFAULT)
    (slot,) = plan.slots
    lemma_alts = [a for a in slot.alternatives if a.kind == "lemma"]
    assert [a.terms for a in lemma_alts] == [("مستاجر",)]
    assert lemma_alts[0].weight < 1.0
    plan = understand("مستاجرین", gen.lexicon, gen.synonyms, DEFAULT.without("lemmas"))
    assert not any(a.kind == "lemma" for s in plan.slots for a in s.alternatives)


def test_lemma_is_the_analyzers_public_function():
    assert lemma("فرزندان") == "فرزند"
    assert lemma("تهران") == ""
