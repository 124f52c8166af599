"""Inflection: reduce a word to the form its variants share, without over-stemming.

A word hazm's lexicon knows is never cut: that is what keeps مالیات/مالی, کارت/کار, گواهی/گواه and
سازمان/ساز apart (hazm's own Stemmer conflates them). Only a word the lexicon does not know loses a
suffix, and only when what remains is a word it knows: کارت‌ها, کارتهای, کارتم, پاسپورتمو → کارت, پاسپورت.
Verbs are reduced to hazm's past stem (بگیرم → گرفت); light verbs and auxiliaries disappear.
Broken (Arabic) plurals of a reviewed table (data/broken_plurals.tsv) become their singular here:
مدارک → مدرک. Other listed words that are inflections of another (فرزندان) keep their form here
and get that other word as their lemma, beside them (lemmas.py).
"""

from __future__ import annotations

import functools

from analyzers import data_tables, lexicon
from analyzers.stopwords import LIGHT_VERB_PASTS

# Suffixes written after a ZWNJ: plural, possessive, indefinite, comparative, verb endings.
ZWNJ_SUFFIXES = frozenset(
    ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان")
    + ("ای", "ی", "ام", "ات", "اش", "مان", "تان", "شان", "یم", "ید", "اند", "تر", "ترین")
    + ("هامو", "هاتو", "هاشو", "رو", "را")  # رو/را: the object marker hazm's spacing sometimes attaches (ماشین‌رو)
    + ("شده", "نشده", "کرده", "نکرده", "شدگان")  # light verbs hazm's spacing attaches (قطع‌شده, صادر‌شده)
)

# Suffixes attached without ZWNJ, longest first. Each maps to what replaces it.
_JOINED_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "هایشان": "",
            "هایتان": "",
            "هایمان": "",
            "هایم": "",
            "هایت": "",
            "هایش": "",
            "هایی": "",
            "های": "",
            "ها": "",
            "هامو": "",
            "هاتو": "",
            "هاشو": "",
            "گان": "ه",  # بازنشستگان → بازنشسته
            "یان": "",  # دانشجویان → دانشجو
            "ان": "",
            "ات": "",
            "یمان": "",
            "یتان": "",
            "یشان": "",  # after a vowel: دانشجویشان
            "مان": "",
            "تان": "",
            "شان": "",
            "ام": "",
            "اش": "",
            "یم": "",
            "یت": "",
            "یش": "",
            "مو": "",
            "تو": "",
            "شو": "",
            "رو": "",  # informal object marker: پاسپورتمو
            "مون": "",
            "تون": "",
            "شون": "",  # spoken possessives: خونمون
            "م": "",
            "ت": "",
            "ش": "",
            "ی": "",  # indefinite, or ezafe after a vowel: امضای → امضا
            "ه": "",  # spoken copula: اجباریه, چقدره
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)


@functools.cache
def broken_plurals() -> dict[str, str]:
    """Plural → singular from data/broken_plurals.tsv, both folded like tokens.

    The table is reviewed pair by pair, so the plural is replaced outright rather than indexed
    beside its singular as a lemma: a query for the singular then keeps the full field weights of
    a card writing the plural (in a title, سوابق weighs as much as سابقه)."""
    rows = data_tables.rows("broken_plurals.tsv", ("plural", "singular"))
    return {lexicon.fold_entry(plural): lexicon.fold_entry(singular) for _, (plural, singular) in rows}


_MIN_STEM = 2
_SPOKEN_OBJECT = frozenset({"مو", "تو", "شو", "رو"})


def _known(word: str) -> bool:
    return word in lexicon.words()


def strip_zwnj_suffixes(parts: list[str]) -> list[str]:
    """Drop trailing ZWNJ-separated parts that are suffixes: گواهی‌نامه‌هایم → گواهی، نامه."""
    while len(parts) > 1 and parts[-1] in ZWNJ_SUFFIXES:
        parts = parts[:-1]
    # The verb prefix written with ZWNJ (می‌خواهم) is handled by the verb lookup on the joined form.
    return parts


# Arabic plurals in ات of words the lexicon lists whole; these are words of their own, not plurals
# of the shorter word (مالیات is not مالی, اطلاعات is information, عملیات is operations).
_ATE_WORDS = frozenset(
    [
        "مالیات",
        "اطلاعات",
        "انتخابات",
        "ادبیات",
        "عملیات",
        "تبلیغات",
        "حیات",
        "ثبات",
        "نجات",
        "زکات",
        "صلوات",
        "ملاقات",
        "اوقات",
        "سادات",
        "برات",
        "صفات",
    ]
)


def _arabic_plural(word: str) -> str | None:
    """معاملات → معامله, استعلامات → استعلام, شکایات → شکایت, for words the lexicon lists whole."""
    if not word.endswith("ات") or word in _ATE_WORDS or len(word) < 6:
        return None
    stem = word[:-2]
    for candidate in ((stem + "ت",) if stem.endswith("ی") else ()) + (stem + "ه", stem):
        if _known(candidate):
            return candidate
    return None


def _spoken(word: str) -> str | None:
    """Spoken Persian turns ān into un (تهرون, خونه) and drops a final ه before a suffix
    (شناسنامم, پروندم): the written word, if the lexicon knows it."""
    if "ون" in word:
        written = word.replace("ون", "ان")
        if _known(written):
            return written
    return None


def strip_joined_suffix(word: str) -> str:
    """One suffix off a word the lexicon does not know, if what remains is a word it knows."""
    if _known(word):
        # Ezafe after a final vowel: خودروی, امضای, کالای → the word itself.
        if word.endswith(("وی", "ای")) and len(word) > 3 and _known(word[:-1]):
            return word[:-1]
        return _arabic_plural(word) or word
    informal = lexicon.informal_words()
    for suffix, replacement in _JOINED_SUFFIXES:
        # A spoken object marker needs a real word before it: فیتو is not فی + تو.
        min_stem = _MIN_STEM + 1 if suffix in _SPOKEN_OBJECT else _MIN_STEM
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            stem = word[: -len(suffix)] + replacement
            possessive = suffix[0] in "متش"
            # Spoken nouns drop their final ه before a suffix: خونمون → خونه → خانه.
            if possessive and stem + "ه" in informal:
                return informal[stem + "ه"]
            if stem in informal:  # a spoken word with a clitic: کوچیکمو → کوچیک → کوچک
                return informal[stem]
            if _known(stem):
                return stem
            if possessive and _known(stem + "ه"):
                return stem + "ه"  # شناسنامم → شناسنامه
            if (spoken := _spoken(stem)) is not None:
                return spoken
            # Two layers: possessive then object marker (کارتمو), plural then possessive.
            inner = strip_joined_suffix(stem) if len(stem) > len(suffix) + _MIN_STEM else stem
            if inner != stem and _known(inner):
                return inner
    return _spoken(word) or word


_VERB_PREFIXES = ("نمی", "می", "ب", "ن")
# Light verbs read as verbs even without a prefix (کنید, شوید, دهید); گیر is not among them,
# since گیری ends many nouns (پیگیری).
_BARE_LIGHT_PRESENTS = frozenset({"است", "هست", "کن", "شو", "ده", "نما", "نمای", "باش", "گرد"})
_OBJECT_CLITICS = ("شون", "شو", "ش", "مو", "تو", "ت")


# Preverbs of compound verbs (برگشتن, درآوردن, بازگشتن): their present forms take می after the
# preverb (برمی‌گردم) and no ب (برگردم), which hazm's conjugations do not list.
_PREVERBS = ("باز", "بر", "در", "فرا", "فرو", "ور")
# آمدن's present after ب or ن: بیا, بیایم, نیاید (its stem is the آ alone).
_COME_PRESENT = frozenset("ا" + e for e in ("", "م", "ی", "د", "یم", "ید", "ند"))


def _compound_verb_lemma(word: str) -> str | None:
    """The stems of a form hazm's conjugations miss: a compound verb's present with می after its
    preverb or bare (برمی‌گردم, برگردم), and a stem in آ or ا after ب or ن (بیاورم, نیندازم, بیایم)."""
    verbs = lexicon.verbs()
    for preverb in _PREVERBS:
        if not word.startswith(preverb):
            continue
        rest = word[len(preverb) :]
        for prefix in ("نمی", "می", ""):
            if rest.startswith(prefix) and (lemma := verbs.get(preverb + rest[len(prefix) :])):
                present = lemma.partition("#")[2]
                if present.startswith(preverb) and len(present) > len(preverb) + 1:
                    return lemma
    if word.startswith(("بی", "نی")) and len(word) > 3:
        rest = word[2:]
        if rest in _COME_PRESENT:
            return "امد#ا"  # بیایم, نیاید: آمدن
        # بیاورم is ب + آورم, بیندازم ب + اندازم: the stem's آ or ا after the ی.
        for form in (rest, "ا" + rest) if rest.startswith("ا") else ("ا" + rest,):
            lemma = verbs.get(form)
            if lemma and lemma.partition("#")[2].startswith("ا") and form.startswith(lemma.partition("#")[2]):
                return lemma
    return None


def _verb_lemma(word: str) -> str | None:
    verbs = lexicon.verbs()
    lemma = verbs.get(word)
    if lemma is None and word.endswith("ن") and word[:-1] + "#" in _past_stems():
        return word[:-1] + "#"  # infinitive: گرفتن → گرفت
    if lemma is None:
        return _compound_verb_lemma(word)
    past, _, present = lemma.partition("#")
    # A bare present stem plus an ending is as often a noun (گوشی, رود, زنم): only prefixed forms
    # (می‌گیرم, بگیرم), forms built on the past stem (فروختم) and light verbs (کنید, شوید) are
    # read as verbs.
    if (
        (word.startswith(_VERB_PREFIXES) and len(word) > 3)
        or (past and word.startswith(past))
        or present in _BARE_LIGHT_PRESENTS
    ):
        return lemma
    return _compound_verb_lemma(word)


def verb_stem(word: str) -> str | None:
    """hazm's past stem for a conjugated verb or infinitive the lexicon does not list as a noun,
    "" for a light verb or auxiliary (to be dropped), None when `word` is not a verb form."""
    known = _known(word)
    if known and word not in lexicon.headwords() and _compound_verb_lemma(word):
        known = False  # hazm lists برگردم, بیاورم as words, but only ever as verbs
    if known and not word.startswith(("می", "نمی")):
        # دریافت, ثبت, بدهی, نماد: nouns first; their verb reading is the rarer in service texts.
        # An infinitive is the exception: فروختن reads as the verb (→ فروخت).
        if word.endswith("ن") and word[:-1] + "#" in _past_stems():
            past = word[:-1]
            return "" if past in LIGHT_VERB_PASTS else past
        lemma = lexicon.verbs().get(word, "")
        if lemma.partition("#")[2] in ("کن", "شو", "نما", "نمای") and word.endswith(("ید", "ند")):
            return ""  # نمایید, کنید, شود: the lexicon lists them, but only as verbs
        if word in LIGHT_VERB_PASTS and lemma.startswith(word + "#") and not lexicon.headwords().get(word):
            return ""  # شد, like شده and شدم: a light verb, never a noun (داد, گشت, خواست are nouns too)
        return None
    lemma = _verb_lemma(word) if not known else lexicon.verbs().get(word)
    if lemma is None and not known:
        # A spoken object clitic on a verb: ببینمش, بگیرمش.
        for clitic in _OBJECT_CLITICS:
            if word.endswith(clitic) and (lemma := _verb_lemma(word[: -len(clitic)])):
                break
    if lemma is None:
        return None
    past = lemma.split("#")[0]
    if past in LIGHT_VERB_PASTS or lemma.split("#")[-1] in ("است", "هست"):
        return ""
    return past or None


_past_cache: set[str] | None = None


def _past_stems() -> set[str]:
    global _past_cache
    if _past_cache is None:
        _past_cache = {lemma.split("#")[0] + "#" for lemma in lexicon.verbs().distinct_values()}
    return _past_cache


def is_verb(word: str) -> bool:
    return bool(verb_stem(word))


@functools.lru_cache(maxsize=200_000)
def reduce_word(word: str) -> str:
    """The inflection filter for one ZWNJ-free word ("" when it should be dropped)."""
    if not word or word.isdigit() or word.isascii():
        return word
    word = lexicon.informal_words().get(word, word)  # only holds words the lexicon does not know
    stem = verb_stem(word)
    if stem is not None:
        return stem
    plurals = broken_plurals()
    word = strip_joined_suffix(plurals.get(word, word))
    return plurals.get(word, word)
