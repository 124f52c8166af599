"""Spoken verb conjugations generated from their stems: «راه بندازم» → «راه بیندازم».

Speech conjugates a verb on a stem of its own (تون for توان, ذار for گذار, نداز for انداز) with
endings of its own (ه for ‑د, ین for ‑ید, ن for ‑ند), so the spoken forms of one verb are a
paradigm, not a list: the stems are data (data/spoken_verb_stems.tsv, its header says what each
column is) and the prefixes, preverbs and endings are here. `conjugations()` is every spoken form
the stems make, keyed as `analyzers.spoken.spoken_key` keys a word, with its written form.

A generated form that is a word of its own is left out rather than read as a verb: a headword of
hazm's lexicon (بدن is "body", not بدهند; بری, نگه, برده), a conjugation hazm gives another verb
(نمیرم is مردن's, not رفتن's) and a form that two stems make in two different ways (بشین: بنشین
or بشوید). Cards are never rewritten, so none of this changes how a card is analysed.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from analyzers import data_tables, lexicon
from analyzers.chars import ZWNJ, fold_characters
from analyzers.hamza import fold_hamza

TENSES = ("present", "past")
PREVERBS = frozenset({"بر", "در"})

# Spoken ending → written ending. A present stem ending in ا takes د for the third person (میخواد,
# میاد); any other present stem takes ه (میگیره, میده), and a written ‑د after it would be read as
# the past (برد is بردن's, never بره's).
_PRESENT_ENDINGS = {"م": "م", "ی": "ی", "یم": "یم", "ین": "ید", "ید": "ید", "ن": "ند", "ند": "ند"}
_THIRD_PERSON_AFTER_A = {"د": "د"}
_THIRD_PERSON = {"ه": "د"}
# The imperative has no ending (بذار → بگذار, بنداز → بینداز); stems of one or two letters are
# left out: بیا and بگو are not یا and گ with no ending, and بر, بد are words.
_MIN_IMPERATIVE_STEM = 3
# The past: the third person singular has no ending, the participle ‑ه (خونده → خوانده). A bare
# past stem with ن is as often the infinitive as the third person plural (دادن): it is written as
# the infinitive, which the analysis reads as the same verb.
_PAST_ENDINGS = {"م": "م", "ی": "ی", "": "", "یم": "یم", "ین": "ید", "ید": "ید", "ند": "ند"}
_PAST_PLURAL = {"ن": "ند"}  # only after a prefix: میگفتن → می‌گفتند, نذاشتن → نگذاشتند
_PARTICIPLE = {"ه": "ه"}  # only with no prefix or ن: نخونده → نخوانده

_PRESENT_PREFIXES = ("می", "نمی", "ب", "ن")
_MIN_BARE_PREVERB_STEM = 3
_PAST_PREFIXES = ("", "ن", "می", "نمی")
_CONTINUOUS = ("می", "نمی")


class Stem(NamedTuple):
    spoken: str
    written: str
    tense: str
    preverbs: tuple[str, ...]


@functools.cache
def stems() -> tuple[Stem, ...]:
    """The rows of data/spoken_verb_stems.tsv."""
    rows: list[Stem] = []
    seen: set[tuple[str, str]] = set()
    table = data_tables.rows("spoken_verb_stems.tsv", ("spoken", "written", "tense", "preverbs"))
    for number, (spoken, written, tense, preverbs) in table:
        if tense not in TENSES:
            raise ValueError(f"spoken_verb_stems.tsv:{number}: unknown tense {tense!r}")
        listed = tuple(p for p in preverbs.split(",") if p)
        if unknown := set(listed) - PREVERBS:
            raise ValueError(f"spoken_verb_stems.tsv:{number}: unknown preverbs {sorted(unknown)}")
        if (spoken, tense) in seen:
            raise ValueError(f"spoken_verb_stems.tsv:{number}: {spoken!r} is listed twice")
        seen.add((spoken, tense))
        rows.append(Stem(spoken, written, tense, listed))
    return tuple(rows)


def _key(word: str) -> str:
    return fold_hamza(fold_characters(word)).replace(ZWNJ, "")


def spoken_form(preverb: str, prefix: str, stem: str, ending: str) -> str:
    """A spoken conjugation as it is typed: the ی of a stem in ی merges with می's (میاد, میارم,
    میومد; but بیاد, نیومد)."""
    if prefix.endswith("ی") and stem.startswith("ی"):
        stem = stem[1:]
    return preverb + prefix + stem + ending


def written_form(preverb: str, prefix: str, stem: str, ending: str) -> str:
    """A written conjugation: ب and ن before a stem in ا or آ write a ی (بینداز, بیاور, نیامد),
    می and نمی are followed by a half-space (می‌آید, برمی‌گردانم), and the imperative of a stem in
    a vowel and ی drops the ی (بگو, بیا)."""
    if not ending and stem.endswith(("وی", "ای", "آی")):
        stem = stem[:-1]
    if prefix in ("ب", "ن") and stem[0] in "اآ":
        stem = "ی" + ("ا" if stem[0] == "آ" else "") + stem[1:]
    elif prefix in _CONTINUOUS:
        prefix += ZWNJ
    return preverb + prefix + stem + ending


def _endings(stem: Stem, preverb: str):
    """(prefix, {spoken ending: written ending}) of every way `stem` is conjugated after `preverb`."""
    if stem.tense == "past":
        for prefix in _PAST_PREFIXES:
            endings = dict(_PAST_ENDINGS)
            endings |= _PAST_PLURAL if prefix else {"ن": "ن"}  # the infinitive (see _PAST_ENDINGS)
            if prefix not in _CONTINUOUS:
                endings |= _PARTICIPLE
            yield prefix, endings
        return
    third = _THIRD_PERSON_AFTER_A if stem.spoken.endswith("ا") else _THIRD_PERSON
    # A preverb alone before a stem makes the subjunctive of a compound verb (برگردونم); before a
    # short stem it makes words (دریای is the sea's, not درآیی): they take ب there (دربیام).
    bare = preverb and len(stem.spoken) >= _MIN_BARE_PREVERB_STEM
    for prefix in ("", *_PRESENT_PREFIXES) if bare else _PRESENT_PREFIXES:
        endings = _PRESENT_ENDINGS | third
        if prefix in ("ب", "ن") and len(stem.spoken) >= _MIN_IMPERATIVE_STEM:
            endings = endings | {"": ""}
        yield prefix, endings


def _forms(stem: Stem):
    """(preverb, spoken form, written form) of every conjugation of `stem`, and (preverb, written
    form, written form) of every written one: a written conjugation (بده, the imperative) is a
    reading of its own."""
    for preverb in ("", *stem.preverbs):
        for prefix, endings in _endings(stem, preverb):
            for spoken, written in endings.items():
                yield (
                    preverb,
                    spoken_form(preverb, prefix, stem.spoken, spoken),
                    written_form(preverb, prefix, stem.written, written),
                )
            for written in ({""} if prefix in ("ب", "ن") else set()) | set(endings.values()):
                form = written_form(preverb, prefix, stem.written, written)
                yield preverb, form, form


def _another_word(key: str, stem: Stem) -> bool:
    """Whether the spoken form `key` of `stem` is a word of its own: a headword of the lexicon, or
    a conjugation of a verb whose stems are neither of `stem`'s."""
    if key in lexicon.headwords():
        return True
    lemma = lexicon.verbs().get(key)
    if lemma is None:
        return False
    ours = {_key(stem.spoken), _key(stem.written)}
    return not ours & set(lemma.split("#"))


def _two_words(key: str, preverb: str) -> bool:
    """Whether a spoken form with a preverb and می is the preverb and a word typed joined: درمیان is
    در میان, as میان is a word (a bare stem after a preverb, گرده in برگرده, is no word)."""
    rest = key[len(preverb) :]
    return bool(preverb) and rest.startswith("می") and rest in lexicon.headwords()


@functools.cache
def conjugations() -> dict[str, str]:
    """Spoken conjugation (keyed as `spoken_key` keys a word) → its written form, for every form the
    stems make that differs from its written form and is not a word of its own."""
    readings: dict[str, set[str]] = {}
    blocked: set[str] = set()
    for stem in stems():
        for preverb, spoken, written in _forms(stem):
            key = _key(spoken)
            # A form spoken as it is written (بگیرم) stays a reading: no other stem may rewrite it.
            readings.setdefault(key, set()).add(written)
            if _another_word(key, stem) or _two_words(key, preverb):
                blocked.add(key)
    found = {}
    for key, written in readings.items():
        if len(written) == 1 and key not in blocked and (only := next(iter(written))) and _key(only) != key:
            found[key] = only
    return found
