"""Spoken Persian → written Persian: «میخوام ماشینمو بفروشم» → «می‌خواهم ماشین بفروشم».

Citizens type questions the way they speak them; cards are written. The table
(data/spoken_forms.tsv, its header says what each kind is) maps spoken verb forms, auxiliaries and
words to their written forms, and lists the spoken endings (clitics) glued to words; the spoken verb
paradigm (spoken_verbs.py, kind `verb_paradigm`) conjugates the verbs the table does not list
(بندازم → بیندازم). `to_written` rewrites the words of a text with them, one switch per kind, and
says what it changed. A row of the table wins over the paradigm, switched on or off.

This is a query-understanding step, not a filter of the analysis chain: cards are never rewritten.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from analyzers import data_tables, lexicon, spoken_verbs
from analyzers.chars import ZWNJ, fold_characters
from analyzers.hamza import fold_hamza
from analyzers.tokens import WORD

TABLE_KINDS = frozenset({"verb", "auxiliary", "word", "clitic"})  # the kinds of data/spoken_forms.tsv
PARADIGM = "verb_paradigm"  # spoken conjugations made from their stems (spoken_verbs.py)
VOWEL = "vowel"  # speech's ūn for the written ān, in words the table does not list: ساختمون → ساختمان
KINDS = TABLE_KINDS | {PARADIGM, VOWEL}

# Speech drops a noun's final ه before a possessive ending (شناسنامه‌اش → شناسنامش, پرونده‌ام →
# پروندم), never before the object marker or the plural.
_POSSESSIVE_START = ("م", "ت", "ش")
_MIN_LEXICON_STEM = 3  # shorter stems of the lexicon (بچ, سن, دس) are too often an accident
# Endings that end short words and loanwords more often than they are an ending (فیتو is not
# فیت + و, بهجای is not بهج + ای) need a longer stem.
_MIN_STEM_BEFORE = {"و": 4, "ای": 4}
# One-letter endings that end too many acronyms and loanwords whose stem happens to be in the
# lexicon (فراجا, کرونا, کالیبره, پرمیت, سیکلت): applied only after a spoken word of the table
# (چطوریه → چطوری, داداشا → داداش).
_TABLE_STEM_ONLY = frozenset({"ا", "ه", "ت"})
# After a final ه these endings are the written ‑ام, ‑اش (بیمه‌ام, بیمه‌اشو), not a plural.
_WRITTEN_AFTER_FINAL_HE = frozenset({"ام", "اش", "امو", "اشو", "اتو"})
_VERB_PREFIXES = ("می", "نمی")  # typed apart from their verb: «می خوام»


class SpokenForm(NamedTuple):
    written: str
    kind: str


class Change(NamedTuple):
    spoken: str
    written: str
    kind: str


def spoken_key(word: str) -> str:
    """How a word is compared with the table: folded, hamza folded, without half-spaces."""
    return fold_hamza(fold_characters(word)).replace(ZWNJ, "")


@functools.cache
def _table() -> tuple[dict[str, SpokenForm], tuple[tuple[str, str], ...]]:
    """(spoken word → its row, spoken endings longest first with what they stand for)."""
    forms: dict[str, SpokenForm] = {}
    clitics: dict[str, str] = {}
    for number, (spoken, written, kind) in data_tables.rows("spoken_forms.tsv", ("spoken", "written", "kind")):
        if kind not in TABLE_KINDS:
            raise ValueError(f"spoken_forms.tsv:{number}: unknown kind {kind!r}")
        key = spoken_key(spoken)
        target = clitics if kind == "clitic" else forms
        if key in target:
            raise ValueError(f"spoken_forms.tsv:{number}: {spoken!r} is listed twice")
        if kind == "clitic":
            clitics[key] = written
        else:
            forms[key] = SpokenForm(written, kind)
    ordered = tuple(sorted(clitics.items(), key=lambda kv: -len(kv[0])))
    return forms, ordered


def spoken_forms() -> dict[str, SpokenForm]:
    """Spoken verb forms, auxiliaries and words (keys as `spoken_key` makes them) → their rows."""
    return _table()[0]


def spoken_clitics() -> tuple[tuple[str, str], ...]:
    """Spoken endings (keys as `spoken_key` makes them), longest first, with what they stand for."""
    return _table()[1]


def _is_known(key: str) -> bool:
    """A written word or a conjugated verb of the lexicon: never cut into stem and ending."""
    return key in lexicon.words() or key in lexicon.verbs()


_HAMZA_SPELLINGS = {"ا": "آأ", "و": "ؤ", "ی": "ئ"}


def _spellings(key: str):
    """`key` and the spellings hazm may list it under: one alef or hamza seat put back (مستاجر →
    مستأجر, اب → آب); the lexicon folds them away, hazm's frequency flags keep them."""
    yield key
    for i, letter in enumerate(key):
        for seat in _HAMZA_SPELLINGS.get(letter, ""):
            yield key[:i] + seat + key[i + 1 :]


def _attested(key: str) -> bool:
    """hazm's corpus has the word. Its word list also holds entries the corpus never had (frequency
    0), next to real words: پروند next to پرونده, گذرنام next to گذرنامه, کارتا next to کارت."""
    # The lexicon keeps hazm's frequent/rare flag for hazm's spacing corrections, under hazm's own
    # spellings and without a public accessor.
    flags = lexicon._lexicon()[3]
    return any(flags.get(spelling) == (1,) for spelling in _spellings(key))


def _surface_stem(word: str, key: str, stem: str) -> str:
    """The stem spelled as it was typed (half-spaces, آ and all), with a restored ه."""
    if len(word.replace(ZWNJ, "")) != len(key):
        return stem  # a fold changed the word's length: the folded spelling is the safe one
    typed_length = len(stem) if key.startswith(stem) else len(stem) - 1  # the restored ه was not typed
    kept: list[str] = []
    letters = 0
    for char in word:
        if letters == typed_length:
            break
        kept.append(char)
        letters += char != ZWNJ
    return "".join(kept).rstrip(ZWNJ) + stem[typed_length:]


def _is_spoken_word(key: str) -> bool:
    form = spoken_forms().get(key)
    return form is not None and form.kind == "word"


def _ending_fits(stem: str, ending: str) -> bool:
    """Whether a word can be `stem` with the spoken `ending`, whatever the stem is."""
    if stem in spoken_forms() and not _is_spoken_word(stem):
        return False  # a spoken verb form (بدم, برم) before an ending is a verb with its object
    if stem.endswith("ه") and ending.startswith("ا") and ending not in _WRITTEN_AFTER_FINAL_HE:
        return False  # واحدها is the plural ها, not واحده + ا
    if ending == "ای" and _attested(stem + "ا"):
        return False  # امضای, کالای: a word in ا with its ezafe, not امض + ای
    # است is س only after a vowel (بازنشسته‌س); کلاس, پلیس end in س of their own.
    return ending != "س" or stem.endswith("ه")


def _readings(stem: str, ending: str):
    """(rank, stem, is a table word) readings of a word cut into `stem` and `ending`, best first."""
    if not stem or not _ending_fits(stem, ending):
        return
    restorable = ending.startswith(_POSSESSIVE_START)
    if _is_spoken_word(stem):
        yield 0, stem, True
    if restorable and _is_spoken_word(stem + "ه"):
        yield 1, stem + "ه", True
    if ending in _TABLE_STEM_ONLY or len(stem) < _MIN_STEM_BEFORE.get(ending, _MIN_LEXICON_STEM):
        return
    stem_is_word = stem in lexicon.words()
    restored_is_word = restorable and stem + "ه" in lexicon.words()
    if stem_is_word and restored_is_word and not _attested(stem) and _attested(stem + "ه"):
        stem_is_word = False  # پروندم is پرونده + م: hazm's پروند is a list entry nobody writes
    if stem_is_word:
        yield 2, stem, False
    if restored_is_word:
        yield 3, stem + "ه", False


def _stem(key: str, endings: Iterable[str]) -> tuple[str, bool] | None:
    """The best (stem, is a table word) of `key` cut before one of `endings` (longest first).

    Preference: a spoken word of the table (خونمونو → خونه, even though خون is a word too), then a
    word of the lexicon, then a word of the lexicon with the final ه speech dropped put back
    (شناسنامشو → شناسنامه); among equals, the longest ending."""
    best: tuple[int, str, bool] | None = None
    for ending in endings:
        if key.endswith(ending):
            reading = next(_readings(key[: -len(ending)], ending), None)
            if reading is not None and (best is None or reading[0] < best[0]):
                best = reading
    return None if best is None else best[1:]


def _conjugation(key: str) -> str | None:
    """The written form of a spoken conjugation of the paradigm, unless the word is as well a word of
    the lexicon with a spoken ending the clitic rules would remove (روندم is روند + م as much as
    راندم, نمونم is نمونه + م): a real word is not turned into a verb."""
    written = spoken_verbs.conjugations().get(key)
    if written is None:
        return None
    split = _stem(key, [ending for ending, _written in spoken_clitics()])
    return None if split is not None and split[0] in lexicon.headwords() else written


@functools.lru_cache(maxsize=100_000)
def _rewrite_word(word: str, kinds: frozenset[str]) -> tuple[Change, ...]:
    """The changes, in order, that turn one folded word into written Persian (() for none)."""
    if word.isascii():
        return ()
    key = spoken_key(word)
    form = spoken_forms().get(key)
    if form is not None:
        return (Change(word, form.written, form.kind),) if form.kind in kinds else ()
    if PARADIGM in kinds and (conjugated := _conjugation(key)):
        return (Change(word, conjugated, PARADIGM),)
    if _is_known(key):
        return ()
    vowel = _written_vowel(key) if VOWEL in kinds else None
    if "clitic" not in kinds:
        return (Change(word, vowel, VOWEL),) if vowel else ()
    endings = [ending for ending, _written in spoken_clitics()]
    if ZWNJ in word:
        # The half-space says where the stem ends: بیمه‌ام is بیمه + ام, never بیم + هام.
        last = spoken_key(word.rsplit(ZWNJ, 1)[1])
        endings = [last] if last in endings else []
    split = _stem(key, endings)
    # A whole word beats a word of the lexicon with an ending (ساختمون is ساختمان, not ساخت + مون;
    # سازمون is سازمان), but not a spoken word of the table with one (خونمون is خونه + مون).
    if vowel and (split is None or not split[1]):
        return (Change(word, vowel, VOWEL),)
    if split is None:
        return ()
    stem, listed = split
    surface = _surface_stem(word, key, stem)
    changes = [Change(word, surface, "clitic")]
    if listed and "word" in kinds:
        changes.append(Change(surface, spoken_forms()[stem].written, "word"))
    return tuple(changes)


def _written_vowel(key: str) -> str | None:
    """The written word whose ān speech says as ūn (ساختمون → ساختمان, کارخونه → کارخانه), if hazm's
    corpus has it."""
    if "ون" not in key:
        return None
    written = key.replace("ون", "ان")
    return written if _is_known(written) and _attested(written) else None


def _kind_of(key: str, forms: dict[str, SpokenForm]) -> str | None:
    """The kind of rule that rewrites the spoken word `key`, if any: its table row's, or the paradigm."""
    row = forms.get(key)
    if row is not None:
        return row.kind
    return PARADIGM if _conjugation(key) else None


def _words(text: str, kinds: frozenset[str]):
    """(start, end, word, kinds that apply to it) for each word of folded `text`.

    A verb prefix typed apart from a spoken verb form of an active kind (می خوام) comes out as one
    word, written with its half-space. Whatever follows a verb prefix typed apart is a verb: no
    ending is cut off it (می خوام is not می خواه + م)."""
    forms = spoken_forms()
    matches = list(WORD.finditer(text))
    verb_follows = False
    i = 0
    while i < len(matches):
        match = matches[i]
        word_kinds = kinds - {"clitic"} if verb_follows else kinds
        verb_follows = False
        if match.group() in _VERB_PREFIXES and i + 1 < len(matches):
            following = matches[i + 1]
            verb_follows = text[match.end() : following.start()].isspace()
            joined = match.group() + ZWNJ + following.group()
            if verb_follows and _kind_of(spoken_key(joined), forms) in kinds:
                yield match.start(), following.end(), joined, word_kinds
                verb_follows = False
                i += 2
                continue
        yield match.start(), match.end(), match.group(), word_kinds
        i += 1


def to_written(text: str, kinds: Iterable[str] = KINDS) -> tuple[str, list[tuple[str, str, str]]]:
    """`text`, character-folded, with its spoken words in written form, and the changes made as
    (spoken, written, kind) in text order; a spoken word with an ending glued to it may make two
    (خونمونو → خونه, clitic; خونه → خانه, word). `kinds` chooses which kinds of rows apply."""
    kinds = frozenset(kinds)
    if unknown := kinds - KINDS:
        raise ValueError(f"unknown kinds of spoken forms: {sorted(unknown)}")
    text = fold_characters(text)
    pieces: list[str] = []
    changes: list[tuple[str, str, str]] = []
    end = 0
    for start, stop, word, word_kinds in _words(text, kinds):
        word_changes = _rewrite_word(word, word_kinds)
        if word_changes:
            pieces += [text[end:start], word_changes[-1].written]
            changes += [tuple(change) for change in word_changes]
            end = stop
    pieces.append(text[end:])
    return "".join(pieces), changes
