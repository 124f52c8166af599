"""Lemmas: the base form of a word the lexicon lists whole, when it is an inflection of another
listed word (فرزندان → فرزند, مستاجرین → مستاجر, شهرهای → شهر, بالاترین → بالا).

The inflection filter (inflection.py) never cuts a word hazm's lexicon lists, which is what keeps
تهران, امکان and ساختمان away from تهر, امک and ساختم; but the lexicon also lists many plurals
whole, and those then never met their singular. So the chain keeps the word as written and adds
its lemma beside it, at the same position and in a field of its own that weighs less (chain.py,
store/fields.py): Lucene's keyword-repeat + stemmer pattern. A lemma is given only when

- it ends in ‑ین and is the plural of an Arabic participle that hazm tags as an adjective
  (مستاجرین, مشمولین, معلولین: a stem of four letters or more starting with م); or
- hazm lists it only as a form (no frequency, no part of speech) or tags it as a plural or a
  comparative, it ends in a plural suffix (‑ها, ‑های, ‑ان, ‑گان, ‑یان) or a comparative one (‑تر,
  ‑ترین), and what remains is a headword of hazm's (one with a frequency or a part of speech):
  any of three letters or more before ‑ها, one tagged as an adjective before ‑ان and ‑تر (people
  are: کارگر, راننده; nouns of things are not, and پلان is not bridges). Words that merely end in
  these letters are headwords of their own (ایران, پایان, زمان, مهمان, دفتر, دختر) and get none.

And a lemma is always itself a word of the lexicon, never a stop word, never the word itself.
Broken plurals (مدارک → مدرک) need no lemma: a reviewed table replaces them by their singular in
the term itself (inflection.py). Indefinite and adjectival ‑ی are left alone: گواهی, ملی, مالی
and شهرداری are not گواه, مل, مال and شهردار, and nothing in the word or in hazm's tags says
which ی a word carries, so فرمی and مدرکی stay apart from فرم and مدرک.

hazm's tags and frequencies come cached with the rest of its lexicon (lexicon.headwords()).
"""

from __future__ import annotations

import functools

from analyzers import lexicon
from analyzers.stopwords import STOPWORDS

# Words hazm lists only as forms that look like plurals of a headword but are not: دوران (an era,
# not rounds), بستگان (relatives, not packages), شمارگان (a print run), دیان (not months of دی).
_NOT_INFLECTED = frozenset({"دوران", "بستگان", "شمارگان", "دیان", "انان", "بعدها"})

_PLURAL_SUFFIXES = ("های", "ها", "ان")
_COMPARATIVE_SUFFIXES = ("ترین", "تر")
_MIN_STEM = 2
_MIN_PLURAL_STEM = 3
_MIN_PARTICIPLE = 4  # مستاجر, مشمول; shorter stems before ‑ین are other words (ماشین, معین)


def _tags(word: str) -> set[str] | None:
    """hazm's tags for a headword (possibly empty), None when it only lists the word as a form."""
    tags = lexicon.headwords().get(word)
    return None if tags is None else set(tags.split(",")) - {""}


def _is_lemma(candidate: str, word: str) -> bool:
    return (
        len(candidate) >= _MIN_STEM
        and candidate != word
        and candidate in lexicon.words()
        and candidate not in STOPWORDS
    )


def _plural_stems(word: str, suffix: str) -> list[str]:
    stem = word[: -len(suffix)]
    if suffix != "ان":
        return [stem]
    if stem.endswith("گ"):
        return [stem[:-1] + "ه", stem]  # رانندگان → راننده
    if stem.endswith("ی"):
        if stem[-2:-1] in ("ا", "و"):
            return [stem[:-1], stem]  # a glide after a vowel: دانشجویان → دانشجو, آقایان → آقا
        return [stem, stem[:-1]]  # ایرانیان → ایرانی
    return [stem]


def _participle_plural(word: str) -> str | None:
    """مستاجرین → مستاجر: the Arabic plural of a participle, which hazm often lists as a headword."""
    stem = word[:-2]
    if word.endswith("ین") and len(stem) >= _MIN_PARTICIPLE and stem.startswith("م"):
        tags = _tags(stem)
        if tags and "AJ" in tags and _is_lemma(stem, word):
            return stem
    return None


def _suffix_lemma(word: str) -> str | None:
    tags = _tags(word)
    for suffixes, mark in ((_COMPARATIVE_SUFFIXES, "AJC"), (_PLURAL_SUFFIXES, "PL")):
        suffix = next((s for s in suffixes if word.endswith(s)), None)
        if suffix is None or (tags is not None and mark not in tags):
            continue  # a headword of its own (ایران, دفتر), unless hazm tags it as this inflection
        for stem in _plural_stems(word, suffix) if mark == "PL" else [word[: -len(suffix)]]:
            if not _is_lemma(stem, word):
                continue
            stem_tags = _tags(stem)
            if stem_tags is None:
                # An adjective in ‑ی is seldom a headword of hazm's, though what it is made from
                # is: ایرانیان → ایرانی (of ایران), not a surname such as جماسیان.
                if suffix == "ان" and stem.endswith("ی") and _tags(stem[:-1]) is not None:
                    return stem
            elif suffix.startswith("ه"):
                if len(stem) >= _MIN_PLURAL_STEM:
                    return stem  # after ‑ها any headword but the shortest (سوها, ناها)
            elif "AJ" in stem_tags and len(stem) >= (_MIN_STEM if mark == "PL" else _MIN_PLURAL_STEM):
                # ‑ان makes plurals of people, whom hazm tags as adjectives too (کارگر, ناظر,
                # راننده, زن); nouns of things before it are other words (پلان, بیلان). ‑تر and
                # ‑ترین compare adjectives only, and not the shortest (مستر is not مس).
                return stem
        return None
    return None


@functools.lru_cache(maxsize=200_000)
def lemma(term: str) -> str:
    """The lemma of an analysed term (folded, ZWNJ-free), or "" when it has none of its own."""
    if len(term) <= _MIN_STEM + 1 or term.isascii() or term in _NOT_INFLECTED:
        return ""
    return _participle_plural(term) or _suffix_lemma(term) or ""
