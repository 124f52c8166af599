"""Query understanding, step by step (search/understanding/): for real queries over the bundled
catalogue, what each step adds to the plan, and that it adds nothing when its own switch is off
while the other steps keep working."""

import pytest

from search.signals import DEFAULT, Signals
from search.understanding import pipeline, understand
from search.understanding.plan import Plan

OFF = {name: DEFAULT.without(name) for name in Signals.names()}


@pytest.fixture(scope="module")
def gen(bundled_engine):
    return bundled_engine.generation()


def plan_of(gen, text: str, signals: Signals = DEFAULT) -> Plan:
    return understand(text, gen.lexicon, gen.synonyms, signals)


def added(plan: Plan, kind: str) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Slot (as typed) → the terms of each alternative of `kind` it gained."""
    out: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for slot in plan.slots:
        for alt in slot.alternatives:
            if alt.kind == kind:
                out.setdefault(slot.typed, []).append(alt.terms)
    return out


def step_switches(step) -> list[str]:
    """A step's switches: one, or one per kind of rule (spoken forms)."""
    return list(getattr(step, "SWITCHES", {}).values()) or [step.SWITCH]


def noted(plan: Plan, kind: str) -> list[dict]:
    return [n for n in plan.interpretation if n["kind"] == kind]


def test_every_step_has_its_own_switch_and_so_its_own_ablation_row():
    # make eval (search/evaluate.py) runs one row per Signals field.
    switches = [switch for step in pipeline.STEPS for switch in step_switches(step)]
    assert len(set(switches)) == len(switches)
    assert set(switches) <= set(Signals.names())


def test_with_every_step_off_a_plan_is_the_words_as_typed(gen):
    signals = DEFAULT
    for step in pipeline.STEPS:
        for switch in step_switches(step):
            signals = signals.without(switch)
    for text in ("',hidkhli", "govahinameh", "کارت پایان خدمت", "اظهار نامه", "گذرنانه", "کارتبیمه", "کارت ملیم"):
        plan = plan_of(gen, text, signals)
        assert plan.text == text and not plan.interpretation and plan.corrected is None, text
        assert all(len(s.typed) == 1 and len(s.alternatives) == 1 for s in plan.slots), text


# -- layout_repair: the keyboard left on English ------------------------------------------------

LAYOUT = [
    ("',hidkhli", "گواهینامه"),
    ("dhvhki", "یارانه"),
    ("DHVHKI", "یارانه"),  # Caps Lock on: the lower-case keys are meant
    ("jlndn ',hidkhli", "تمدید گواهینامه"),
    ("code posti", None),  # Finglish means more to the index than what its keys carry
    ("گواهینامه", None),
]


@pytest.mark.parametrize(("typed", "persian"), LAYOUT)
def test_layout_repair(gen, typed, persian):
    plan = plan_of(gen, typed)
    if persian is None:
        assert plan.text == typed and not noted(plan, "layout")
    else:
        assert plan.text == persian
        assert plan.corrected == persian
        assert noted(plan, "layout") == [{"kind": "layout", "from": typed, "to": persian}]
    off = plan_of(gen, typed, OFF["layout"])
    assert off.text == typed and not noted(off, "layout")


# -- transliteration: Finglish ------------------------------------------------------------------

FINGLISH = [
    ("govahinameh", {"govahinameh": "گواهینامه"}),
    ("yaraneh", {"yaraneh": "یارانه"}),
    ("sabt ahval", {"sabt": "ثبت", "ahval": "احوال"}),
    ("code posti", {"code": "کد", "posti": "پستی"}),  # Latin words some card uses are read too
    ("تمدید گذرنامه", {}),
]


@pytest.mark.parametrize(("typed", "best"), FINGLISH)
def test_transliteration(gen, typed, best):
    plan = plan_of(gen, typed)
    found = added(plan, "transliteration")
    assert {slot[0]: alts[0][0] for slot, alts in found.items()} == best
    if best:
        assert plan.corrected == " ".join(best.values())
    off = plan_of(gen, typed, OFF["finglish"])
    assert not added(off, "transliteration") and not noted(off, "transliteration")


# -- synonyms: colloquial names from corpus/synonyms.tsv -----------------------------------------

SYNONYMS = [
    ("پاسپورت", {("پاسپورت",): [("گذرنامه",)]}),
    ("پاسپورت تمدید", {("پاسپورت",): [("گذرنامه",)]}),
    ("نام فامیل", {("نام", "فامیل"): [("فامیلی",), ("نام", "خانوادگی")]}),
    ("کارت پایان خدمت", {("کارت", "پایان", "خدمت"): [("کارت", "سربازی")]}),  # one slot of three words
    ("گواهی فوت", {("گواهی", "فوت"): [("گواهی", "وفات")]}),
    ("شناسنامه", {}),
]


@pytest.mark.parametrize(("typed", "synonyms"), SYNONYMS)
def test_synonyms(gen, typed, synonyms):
    plan = plan_of(gen, typed)
    assert added(plan, "synonym") == synonyms
    off = plan_of(gen, typed, OFF["synonyms"])
    assert not added(off, "synonym") and not noted(off, "synonym")


# -- spoken: spoken Persian in its written form, one switch per kind of rule ----------------------

SPOKEN = [
    # (typed, the slots' typed terms, the kind whose switch undoes it)
    ("خونمونو فروختیم", [("خانه",)], "spoken_clitics"),  # فروختیم: a verb, never required
    ("خونه بابام", [("خانه",), ("پدر",)], "spoken_words"),
    ("سابقه بیمم", [("سابقه",), ("بیمه",)], "spoken_clitics"),  # بیمه + م, not بیم (fear) + م
    ("یارانمو قطع کردن", [("یارانه",), ("قطع",)], "spoken_clitics"),
    # a spoken conjugation no row lists: a verb, never required, once written out
    ("کسب و کار راه بندازم", [("کسب",), ("کار",), ("راه",)], "spoken_verb_paradigm"),
    ("پولمو برنمیگردونن", [("پول",)], "spoken_verb_paradigm"),
]


@pytest.mark.parametrize(("typed", "slots", "switch"), SPOKEN)
def test_spoken_forms_are_read_as_written(gen, typed, slots, switch):
    plan = plan_of(gen, typed)
    assert [s.typed for s in plan.slots if not s.optional] == slots
    assert noted(plan, "spoken")
    off = plan_of(gen, typed, OFF[switch])
    assert [s.typed for s in off.slots if not s.optional] != slots


def test_a_spoken_verb_is_a_verb_the_plan_does_not_require(gen):
    # نیومده → نیامده, a verb form the analyzer alone does not recognise as one.
    plan = plan_of(gen, "گذرنامه نیومده")
    assert [s.typed for s in plan.required] == [("گذرنامه",)]
    assert [s.typed for s in plan_of(gen, "گذرنامه نیومده", OFF["spoken_verbs"]).required] != [("گذرنامه",)]


def test_a_spoken_word_the_cards_write_is_left_alone(gen):
    for written in ("بیمه", "نامه", "خانه", "شناسنامه", "تمدید گذرنامه"):
        plan = plan_of(gen, written)
        assert not noted(plan, "spoken"), written


def test_a_word_keeps_its_synonyms_when_its_neighbour_could_be_joined_to_it(gen):
    # Cards say تمدید پاسپورت side by side, and no card writes تمدیدپاسپورت as one word: the two
    # stay two slots, and پاسپورت keeps its synonym گذرنامه, the word of the card's title.
    plan = plan_of(gen, "تمدید پاسپورت")
    assert [s.typed for s in plan.slots] == [("تمدید",), ("پاسپورت",)]
    synonyms = added(plan, "synonym")
    assert any("گذرنامه" in terms for alts in synonyms.values() for terms in alts)


def test_the_interpretation_lists_only_what_the_plan_uses(gen):
    for q in ("پزشک خانواده", "تمدید پاسپورت", "گواهی نامه رانندگی"):
        plan = plan_of(gen, q)
        used = {" ".join(terms) for alts in added(plan, "synonym").values() for terms in alts}
        for note in noted(plan, "synonym"):
            assert set(note["to"]) <= used, (q, note)


def test_a_synonym_expression_of_several_words_is_one_slot(gen):
    three = ("کارت", "پایان", "خدمت")
    assert [s.typed for s in plan_of(gen, "کارت پایان خدمت").slots] == [three]
    assert three not in [s.typed for s in plan_of(gen, "کارت پایان خدمت", OFF["synonyms"]).slots]


# -- joins: two words written apart that the cards write joined ----------------------------------

JOINS = [
    ("اظهار نامه", {("اظهار", "نامه"): [("اظهارنامه",)]}),
    ("ممنوع الخروجی", {("ممنوع", "الخروجی"): [("ممنوعالخروج",)]}),
    ("پروانه گیاه پزشکی", {("گیاه", "پزشکی"): [("گیاهپزشک",)]}),
    ("اظهار و نامه", {}),  # a stop word between them: not one word written apart
    ("گواهی نامه", {}),  # the analyzer already joins it (one slot, گواهینامه)
]


@pytest.mark.parametrize(("typed", "joined"), JOINS)
def test_joins(gen, typed, joined):
    plan = plan_of(gen, typed)
    assert added(plan, "joined") == joined
    off = plan_of(gen, typed, OFF["joins"])
    assert not added(off, "joined")
    assert all(len(s.typed) == 1 for s in off.slots)


def test_a_pair_the_cards_write_joined_is_one_slot_that_either_form_satisfies(gen):
    (slot,) = plan_of(gen, "اظهار نامه").slots
    assert [a.terms for a in slot.alternatives] == [("اظهار", "نامه"), ("اظهارنامه",)]
    assert [s.typed for s in plan_of(gen, "اظهار نامه", OFF["joins"]).slots] == [("اظهار",), ("نامه",)]


# -- corrections: typos against the index vocabulary ---------------------------------------------

CORRECTIONS = [
    ("گذرنانه", "گذرنامه"),  # one letter off a catalogue word
    ("شناسنامع", "شناسنامه"),
    ("تمدید کارت بازرگانب", "بازرگانی"),
    ("اجاره زمین اوقلف", "اوقاف"),
    ("کفلات", "کفالت"),  # the word as typed is corrected, not what inflection made of it (کفل)
    ("پایانکار ساختمام", "ساختمان"),  # inflection reduced the typo to a word the cards use (ساخت)
    ("فردا", None),  # a word of the language that no card uses is not a misspelling
    ("حافظ", None),
    ("تمدید گزرنامه", "گذرنامه"),  # hazm lists گزرنامه, but neither the cards nor everyday Persian use it
    ("تعویص شناسنامه", "تعویض"),
    ("کارتبیمه", None),  # a word typed without its space is split, not corrected
    ("گذرنامه", None),
]


@pytest.mark.parametrize(("typed", "best"), CORRECTIONS)
def test_corrections(gen, typed, best):
    plan = plan_of(gen, typed)
    # The corrected word in the first correction of its slot (an expression of the synonym file, as
    # زمین اوقاف, is one slot).
    found = [t for typed_, alts in added(plan, "correction").items() for t in alts[0] if t not in typed_]
    assert found == ([best] if best else [])
    if best:
        assert best in plan.corrected.split()
    off = plan_of(gen, typed, OFF["typos"])
    assert not added(off, "correction") and not noted(off, "correction")


# -- splits: a word typed without its space ------------------------------------------------------

SPLITS = [
    ("کارتبیمه", ("کارت", "بیمه")),
    ("وامخودرو", ("وام", "خودرو")),
    # Cards write کارت ملی side by side, so the index knows it joined: the two words are offered
    # besides (for cards with them apart, کارت هوشمند ملی), with no correction to show.
    ("کارتملی", ("کارت", "ملی")),
    ("شناسنامع", None),  # a typo, for corrections
]


@pytest.mark.parametrize(("typed", "halves"), SPLITS)
def test_splits(gen, typed, halves):
    plan = plan_of(gen, typed)
    assert added(plan, "split") == ({(typed,): [halves]} if halves else {})
    if halves and typed not in gen.lexicon.known:
        assert plan.corrected == " ".join(halves)
        assert noted(plan, "split") == [{"kind": "split", "from": typed, "to": " ".join(halves)}]
    elif halves:
        assert plan.corrected is None and not noted(plan, "split")
    off = plan_of(gen, typed, OFF["splits"])
    assert not added(off, "split") and not noted(off, "split")


# -- clitics: spoken clitics on words the lexicon lists whole ------------------------------------

CLITICS = [
    ("کارت ملیم", {("ملیم",): [("ملی",)]}),
    ("کی نوبت حجم میرسه", {("حجم",): [("حج",)]}),
    ("صاحبش چک برگشتی داره", {("صاحبش",): [("صاحب",)]}),
    ("کارت ملی", {}),
    ("قبض آبمونو", {("ابمونو",): [("اب",)]}),  # possessive and object marker on a short word
    ("وامی برای ازدواج", {("وامی",): [("وام",)]}),  # the indefinite ‑ی, on a word no card uses
    ("مدرک قانونی", {}),  # an adjective in ‑ی the cards use stays itself
    ("چکی که برگشت خورده", {("چکی",): [("چک",)]}),  # a word the cards use once, its stem 42 times
    ("مشاوره تلفنی", {}),  # تلفنی is an adjective the cards use, not a rarer spelling of تلفن
]


@pytest.mark.parametrize(("typed", "stems"), CLITICS)
def test_clitics(gen, typed, stems):
    assert added(plan_of(gen, typed), "clitic") == stems
    assert not added(plan_of(gen, typed, OFF["clitics"]), "clitic")


# -- derivations: a word before «شدن» also asks for the noun of that becoming -------------------

DERIVATIONS = [
    ("بازنشسته شدن", {("بازنشسته",): [("بازنشستگی",)]}),  # final ه → ‑گی
    ("معاف شدن از سربازی", {("معاف",): [("معافیت",)]}),  # an Arabic adjective → ‑یت
    ("تازه بیکار شدم", {("بیکار",): [("بیکاری",)]}),  # ‑ی
    ("میخوام بازنشسته بشم", {("بازنشسته",): [("بازنشستگی",)]}),  # a spoken form of شدن
    ("محروم شدم", {("محروم",): [("محرومیت",)]}),
    ("زباله‌ها جمع نمیشه", {}),  # ‑یت only after an Arabic participle: جمع شدن is no جمعیت
    ("بازنشسته", {}),  # no شدن after it: the word alone
    ("راننده تاکسی", {}),
]


@pytest.mark.parametrize(("typed", "nouns"), DERIVATIONS)
def test_derivations(gen, typed, nouns):
    assert added(plan_of(gen, typed), "derivation") == nouns
    assert not added(plan_of(gen, typed, OFF["derivations"]), "derivation")


def test_becoming_finds_the_service_the_noun_names(bundled_engine):
    from search import SearchRequest

    first = bundled_engine.search(SearchRequest(q="معافیت سربازی")).hits[0].id
    assert bundled_engine.search(SearchRequest(q="معاف شدن از سربازی")).hits[0].id == first


# -- numerals: a number after the word it counts, in its other spellings ------------------------

NUMERALS = [
    ("گواهینامه پایه یک", {("یک",): [("1",), ("یکم",)]}),  # «یک» put back: it counts the grade
    ("گواهینامه پایه یک بگیرم", {("یک",): [("1",), ("یکم",)]}),  # a verb after it changes nothing
    ("گواهینامه پایه دو", {("دو",): [("2",), ("دوم",)]}),
    ("گواهینامه پایه ۱", {("1",): [("یکم",)]}),
    ("یک شناسنامه جدید", {}),  # the article
    ("میخوام یک کارت ملی بگیرم", {}),
    ("بچم شش سالش شده", {}),  # a count of what follows it
    ("با دو تا از دوستام شرکت ثبت کنیم", {}),
]


@pytest.mark.parametrize(("typed", "spellings"), NUMERALS)
def test_numerals(gen, typed, spellings):
    plan = plan_of(gen, typed)
    assert added(plan, "numeral") == spellings
    restored = [s for s in plan.slots if s.typed == ("یک",)]
    assert all(s.optional for s in restored)  # never a word a card must have
    off = plan_of(gen, typed, OFF["numerals"])
    assert not added(off, "numeral") and not any(s.typed == ("یک",) for s in off.slots)


def test_a_grade_in_words_finds_that_grade(bundled_engine):
    from search import SearchRequest

    for typed, ordinal in (("گواهینامه پایه یک", "یکم"), ("گواهینامه پایه دو", "دوم")):
        assert bundled_engine.search(SearchRequest(q=typed)).hits[0].title.endswith(ordinal), typed


# -- each switch turns off its own step and no other ---------------------------------------------

INDEPENDENT = [
    ("typos", "کارتبیمه", "split"),
    ("typos", "کارت ملیم", "clitic"),
    ("splits", "گذرنانه", "correction"),
    ("clitics", "گذرنانه", "correction"),
    ("joins", "پاسپورت", "synonym"),
    ("synonyms", "اظهار نامه", "joined"),
    ("layout", "govahinameh", "transliteration"),
]


@pytest.mark.parametrize(("off", "typed", "kind"), INDEPENDENT)
def test_a_switch_leaves_the_other_steps_alone(gen, off, typed, kind):
    assert added(plan_of(gen, typed, OFF[off]), kind)
