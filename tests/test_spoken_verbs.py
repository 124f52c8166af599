"""The spoken verb paradigm: analyzers/spoken_verbs.py and its stems data/spoken_verb_stems.tsv,
applied by analyzers.spoken.to_written as the kind `verb_paradigm`.

1. spoken conjugations the table of spoken forms does not list → their written form;
2. spoken questions with such verbs analyse like the same question written out;
3. written words, and nouns that look like spoken verbs, come out unchanged;
4. the table of spoken forms wins, and the paradigm has its own switch.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from analyzers import terms
from analyzers.chars import fold_characters
from analyzers.spoken import KINDS, PARADIGM, spoken_forms, spoken_key, to_written
from analyzers.spoken_verbs import conjugations, stems

ZWNJ = "\u200c"

# --------------------------------------------------------------------------------------------
# 1. Spoken conjugations → written ones
# --------------------------------------------------------------------------------------------

# (spoken, written): none of these spoken forms is a row of data/spoken_forms.tsv.
CONJUGATIONS = [
    # present, with every prefix: می, نمی, ب, ن
    ("بندازم", "بیندازم"),  # ب before a stem in ا writes a ی
    ("میندازن", "می‌اندازند"),
    ("نندازین", "نیندازید"),
    ("بنداز", "بینداز"),  # the imperative
    ("نمیتونین", "نمی‌توانید"),
    ("بتونین", "بتوانید"),
    ("ندونم", "ندانم"),
    ("نمیدونین", "نمی‌دانید"),
    ("بدونه", "بداند"),
    ("میذاری", "می‌گذاری"),
    ("نذارین", "نگذارید"),
    ("بذار", "بگذار"),
    ("میگی", "می‌گویی"),
    ("نگن", "نگویند"),
    ("بگی", "بگویی"),
    ("نره", "نرود"),
    ("میرین", "می‌روید"),
    ("میدی", "می‌دهی"),
    ("ندین", "ندهید"),
    ("بشی", "بشوی"),
    ("نشن", "نشوند"),
    ("بشینم", "بنشینم"),
    ("میشینه", "می‌نشیند"),
    ("نیاد", "نیاید"),  # آ: ب and ن write یا
    ("بیای", "بیایی"),
    ("میاین", "می‌آیید"),  # the stem's ی merges with می's
    ("نیارم", "نیاورم"),
    ("بیار", "بیاور"),
    ("نیارن", "نیاورند"),
    ("بخونه", "بخواند"),
    ("نمیخونن", "نمی‌خوانند"),
    ("بمونن", "بمانند"),
    ("برسونه", "برساند"),
    ("میرسونن", "می‌رسانند"),
    ("میخوابه", "می‌خوابد"),
    ("بخوابه", "بخوابد"),
    # stems spoken as written, with spoken endings
    ("نگیرین", "نگیرید"),
    ("میگیرین", "می‌گیرید"),
    ("بفرستن", "بفرستند"),
    ("میفرسته", "می‌فرستد"),
    ("نمیکنین", "نمی‌کنید"),
    ("بپرسه", "بپرسد"),
    ("مینویسن", "می‌نویسند"),
    # preverbs
    ("برگردونه", "برگرداند"),
    ("برمیگردونن", "برمی‌گردانند"),
    ("برگرده", "برگردد"),
    ("برنمیگرده", "برنمی‌گردد"),
    ("درمیاد", "درمی‌آید"),
    ("درنمیاد", "درنمی‌آید"),
    ("درمیارن", "درمی‌آورند"),
    ("دربیاره", "دربیاورد"),
    # past
    ("میومدن", "می‌آمدند"),
    ("دراومد", "درآمد"),
    ("نتونستیم", "نتوانستیم"),
    ("ندونستم", "ندانستم"),
    ("نذاشت", "نگذاشت"),
    ("نذاشتن", "نگذاشتند"),
    ("میذاشتن", "می‌گذاشتند"),
    ("خوندیم", "خواندیم"),
    ("نخونده", "نخوانده"),
    ("رسوندم", "رساندم"),
    ("برگردوندن", "برگرداندن"),  # a bare past stem with ن is written as the infinitive
    ("خوندن", "خواندن"),
    ("موندیم", "ماندیم"),
]


@pytest.mark.parametrize("spoken,written", [pytest.param(s, w, id=s) for s, w in CONJUGATIONS])
def test_spoken_conjugation_is_written_out(spoken, written):
    assert spoken_key(spoken) not in spoken_forms()  # the paradigm's, not a row's
    assert to_written(spoken) == (written, [(spoken, written, PARADIGM)])


@pytest.mark.parametrize(
    "spoken,written",
    [
        ("نمی تونین", "نمی‌توانید"),  # the prefix typed apart
        ("می ذارن", "می\u200cگذارند"),  # a row of the table: the row's kind, not the paradigm's
        ("مي‌ذاري", "می‌گذاری"),  # Arabic yeh, a half-space
        ("برمی‌گردونم", "برمی‌گردانم"),
    ],
)
def test_how_a_spoken_conjugation_is_typed_does_not_matter(spoken, written):
    assert to_written(spoken)[0] == written


# --------------------------------------------------------------------------------------------
# 2. Whole questions
# --------------------------------------------------------------------------------------------

QUESTIONS = [
    ("میخوام یه کسب و کار راه بندازم", "می‌خواهم یک کسب و کار راه بیندازم"),
    ("نمیذارن ماشینمو از پارکینگ دربیارم", "نمی‌گذارند ماشینم را از پارکینگ دربیاورم"),
    ("پولمو برنمیگردونن باید کجا شکایت کنم", "پولم را برنمی‌گردانند باید کجا شکایت کنم"),
    ("نمیدونم مدارکو باید کجا بفرستم", "نمی‌دانم مدارک را باید کجا بفرستم"),
    ("بچم شب نمیخوابه", "بچه‌ام شب نمی‌خوابد"),
    ("وام ازدواجو کی میدن اگه ثبت نام کنیم بهمون نمیرسه", "وام ازدواج را کی می‌دهند اگر ثبت نام کنیم به ما نمی‌رسد"),
]


@pytest.mark.parametrize("spoken,written", [pytest.param(s, w, id=f"q{i}") for i, (s, w) in enumerate(QUESTIONS, 1)])
def test_spoken_question_with_verbs_analyses_like_its_written_form(spoken, written):
    assert terms(to_written(spoken)[0]) == terms(written)


# --------------------------------------------------------------------------------------------
# 3. Written words, and words that only look like spoken verbs, are left alone
# --------------------------------------------------------------------------------------------

LEFT_ALONE = [
    "بدون مدرک",  # not ب + دون (بدان)
    "بدن",  # body, not بدهند
    "بدین منظور",  # به این, not بدهید
    "بدی",
    "بری",
    "برده",
    "برنده قرعه کشی",
    "نگه داری",  # not نگوید
    "نگین",
    "نمونه سوال",  # not نماند
    "بیان",  # not بیایند
    "بیانیه",
    "دریای خزر",  # not در + آیی
    "درمیان",
    "نفتی",  # not نیفتی
    "روند پرونده",  # a process, not راند
    "بیمه",
    "میدان",
    "نرم افزار",
    "درآمد",
    "بردار",
    "برداری",
    "گردن",
    "بینی",
    "میزان",
    "بده",  # the written imperative, not بدهد
    "نده",
    "بشین",  # بنشین or بشوید: left alone
    "نمیرم",  # مردن's, not رفتن's
    "نمونم",  # نمونه + م as much as نمانم: the word with its ending is read by the clitic rules
    "روند",
    "شین",
    "دادن",
    "گفتن",
    "رفتن",
    "بدهی",
    "بیندازم",
    "می‌گذارند",
    "برگرداند",
    "نمی‌دانم",
    "می‌توانید",
    "بیاورید",
    "خوانده",
    "مانده",
]


@pytest.mark.parametrize("text", [pytest.param(t, id=t) for t in LEFT_ALONE])
def test_written_words_are_left_alone(text):
    assert to_written(text) == (fold_characters(text), [])


def test_every_conjugation_differs_from_its_spoken_form_and_is_half_spaced_as_written():
    for spoken, written in conjugations().items():
        assert spoken_key(written) != spoken, spoken
        assert written == unicodedata.normalize("NFC", written)
        # می and نمی are written apart from their stem, with a half-space
        assert not written.startswith(("می", "نمی")) or ZWNJ in written, written


# --------------------------------------------------------------------------------------------
# 4. The table of spoken forms wins; the paradigm has its own switch
# --------------------------------------------------------------------------------------------


def test_a_row_of_the_table_wins_over_the_paradigm():
    assert to_written("میخوام")[1] == [("میخوام", "می\u200cخواهم", "verb")]
    # switched off, the row's form stays as typed: the paradigm does not take it over
    assert to_written("میخوام", KINDS - {"verb"}) == ("میخوام", [])


def test_the_paradigm_switched_off_changes_nothing_else():
    text = "میخوام خونمو راه بندازم"
    assert to_written(text, KINDS - {PARADIGM}) == (
        "می\u200cخواهم خانه راه بندازم",
        [("میخوام", "می\u200cخواهم", "verb"), ("خونمو", "خونه", "clitic"), ("خونه", "خانه", "word")],
    )
    assert to_written(text)[0] == "می\u200cخواهم خانه راه بیندازم"


def test_the_stems_table_is_clean_written_persian():
    path = Path(__file__).resolve().parent.parent / "analyzers" / "data" / "spoken_verb_stems.tsv"
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert len(rows) == len(stems()) >= 60
    for fields in rows:
        for field in fields:
            assert field == unicodedata.normalize("NFC", field)
            assert field == field.strip(" \u200c"), field
            assert not set(field) & set("يكىة"), field


def test_every_stem_makes_some_spoken_form_of_its_own():
    made = {written for written in conjugations().values()}
    for stem in stems():
        # some conjugation of the stem is in the paradigm: a stem that only collides is dead weight
        assert any(stem.written in spoken_key(w) or spoken_key(stem.written) in spoken_key(w) for w in made), stem
