"""Inflection: reduce a word to the form its variants share, without over-stemming.

A word hazm's lexicon knows is never cut: that is what keeps مالیات/مالی, کارت/کار, گواهی/گواه and
سازمان/ساز apart (hazm's own Stemmer conflates them). Only a word the lexicon does not know loses a
suffix, and only when what remains is a word it knows: کارت‌ها, کارتهای, کارتم, پاسپورتمو → کارت, پاسپورت.
Verbs are reduced to hazm's past stem (بگیرم → گرفت); light verbs and auxiliaries disappear.
"""

from __future__ import annotations

from analyzers import lexicon
from analyzers.stopwords import LIGHT_VERB_PASTS

# Suffixes written after a ZWNJ: plural, possessive, indefinite, comparative, verb endings.
ZWNJ_SUFFIXES = frozenset(
    "ها های هایی هایم هایت هایش هایمان هایتان هایشان ای ی ام ات اش مان تان شان یم ید اند تر ترین"
    " هامو هاتو هاشو".split()
)

# Suffixes attached without ZWNJ, longest first. Each maps to what replaces it.
_JOINED_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "هایشان": "", "هایتان": "", "هایمان": "", "هایم": "", "هایت": "", "هایش": "", "هایی": "",
            "های": "", "ها": "", "هامو": "", "هاتو": "", "هاشو": "",
            "گان": "ه",  # بازنشستگان → بازنشسته
            "یان": "",  # دانشجویان → دانشجو
            "ان": "", "ات": "",
            "یمان": "", "یتان": "", "یشان": "",  # after a vowel: دانشجویشان
            "مان": "", "تان": "", "شان": "",
            "ام": "", "اش": "",
            "یم": "", "یت": "", "یش": "",
            "مو": "", "تو": "", "شو": "", "رو": "",  # informal object marker: پاسپورتمو
            "مون": "", "تون": "", "شون": "",  # spoken possessives: خونمون
            "م": "", "ت": "", "ش": "",
            "ی": "", "ای": "",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)

# Broken (Arabic) plurals used in this domain; the lexicon lists them as words, so no suffix rule
# reaches them. Only unambiguous ones: اطلاعات (information) is not a plural of اطلاع here.
BROKEN_PLURALS = {
    "مدارک": "مدرک", "اسناد": "سند", "خدمات": "خدمت", "مدارس": "مدرسه", "اموال": "مال",
    "املاک": "ملک", "اتباع": "تابع", "افراد": "فرد", "اشخاص": "شخص", "مراکز": "مرکز",
    "دفاتر": "دفتر", "شرایط": "شرط", "مراحل": "مرحله", "قوانین": "قانون", "مقررات": "مقرره",
    "وسایل": "وسیله", "ادارات": "اداره", "شرکتها": "شرکت", "موسسات": "موسسه", "کالاها": "کالا",
    "عوارض": "عارضه", "اقساط": "قسط", "مشاغل": "شغل", "اصناف": "صنف", "مجوزها": "مجوز",
    "اوراق": "ورق", "سوابق": "سابقه", "ارقام": "رقم", "اقلام": "قلم", "نتایج": "نتیجه",
}

_MIN_STEM = 2


def _known(word: str) -> bool:
    return word in lexicon.words()


def strip_zwnj_suffixes(parts: list[str]) -> list[str]:
    """Drop trailing ZWNJ-separated parts that are suffixes: گواهی‌نامه‌هایم → گواهی، نامه."""
    while len(parts) > 1 and parts[-1] in ZWNJ_SUFFIXES:
        parts = parts[:-1]
    # The verb prefix written with ZWNJ (می‌خواهم) is handled by the verb lookup on the joined form.
    return parts


def strip_joined_suffix(word: str) -> str:
    """One suffix off a word the lexicon does not know, if what remains is a word it knows."""
    if _known(word):
        return word
    for suffix, replacement in _JOINED_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stem = word[: -len(suffix)] + replacement
            # Spoken nouns drop their final ه before a suffix: خونمون → خونه → خانه.
            spoken = lexicon.informal_words().get(stem + "ه")
            if spoken:
                return spoken
            if _known(stem):
                return stem
            # Two layers: plural then possessive (کارتهایم handled above), possessive then object (کارتمو).
            inner = strip_joined_suffix(stem) if len(stem) > len(suffix) + _MIN_STEM else stem
            if inner != stem and _known(inner):
                return inner
    return word


_VERB_PREFIXES = ("نمی", "می", "ب", "ن")
_OBJECT_CLITICS = ("شون", "شو", "ش", "مو", "تو", "ت")


def _verb_lemma(word: str) -> str | None:
    verbs = lexicon.verbs()
    lemma = verbs.get(word)
    if lemma is None and word.endswith("ن") and word[:-1] + "#" in _past_stems():
        return word[:-1] + "#"  # infinitive: گرفتن → گرفت
    if lemma is None:
        return None
    past, _, present = lemma.partition("#")
    # A bare present stem plus an ending is as often a noun (گوشی, رود, زنم): only prefixed forms
    # (می‌گیرم, بگیرم) and forms built on the past stem (فروختم) are read as verbs.
    if word.startswith(_VERB_PREFIXES) and len(word) > 3 or (past and word.startswith(past)) or present in ("است", "هست"):
        return lemma
    return None


def verb_stem(word: str) -> str | None:
    """hazm's past stem for a conjugated verb or infinitive the lexicon does not list as a noun,
    "" for a light verb or auxiliary (to be dropped), None when `word` is not a verb form."""
    lemma = _verb_lemma(word)
    if lemma is None and not _known(word):
        # A spoken object clitic on a verb: ببینمش, بگیرمش.
        for clitic in _OBJECT_CLITICS:
            if word.endswith(clitic) and (lemma := _verb_lemma(word[: -len(clitic)])):
                break
    if lemma is None:
        return None
    past = lemma.split("#")[0]
    if past in LIGHT_VERB_PASTS or lemma.split("#")[-1] in ("است", "هست"):
        return ""
    if _known(word) and not word.startswith(("می", "نمی")):
        return None  # دریافت, ثبت: nouns first; their verb reading is the rarer in service texts
    return past or None


_past_cache: set[str] | None = None


def _past_stems() -> set[str]:
    global _past_cache
    if _past_cache is None:
        _past_cache = {lemma.split("#")[0] + "#" for lemma in lexicon.verbs().values()}
    return _past_cache


def is_verb(word: str) -> bool:
    return bool(verb_stem(word))


def reduce_word(word: str) -> str:
    """The inflection filter for one ZWNJ-free word ("" when it should be dropped)."""
    if not word or word.isdigit() or word.isascii():
        return word
    word = lexicon.informal_words().get(word, word)
    stem = verb_stem(word)
    if stem is not None:
        return stem
    word = BROKEN_PLURALS.get(word, word)
    word = strip_joined_suffix(word)
    return BROKEN_PLURALS.get(word, word)
