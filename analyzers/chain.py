"""The full analysis chain, one for index and query (the folding-only one is folding.py):

    fold_characters → hazm spacing → tokenize → fold_hamza → stop words → compounds → inflection

Each step is its own small filter (see the modules named in the imports); this module only runs
them in order and says which kind each output token is:

- "term": the word as the index stores it (compounds joined: گواهی‌نامه → گواهینامه);
- "part": a part of a ZWNJ compound (گواهی, نامه), indexed apart at a lower weight;
- "joined": two neighbouring words written together (گواهی نامه → گواهینامه), so that a compound
  written with a space matches one written joined, and the reverse;
- "lemma": the base form of a term the lexicon lists whole (فرزندان → فرزند, مدارک → مدرک), at
  the term's position (lemmas.py), so that an inflected word meets its base without losing the
  exact match. Only asked for by the indexer: a query adds it as an alternative of its own
  (search/understanding/lemmas.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from analyzers import lexicon
from analyzers.chars import ZWNJ, fold_characters
from analyzers.hamza import fold_hamza
from analyzers.inflection import is_verb, reduce_word, strip_zwnj_suffixes
from analyzers.lemmas import lemma
from analyzers.stopwords import STOPWORDS
from analyzers.tokens import WORD

_MIN_JOINED = 5  # shorter concatenations collide with unrelated words too often


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    pos: int
    kind: str = "term"  # "term" | "part" | "joined" | "lemma"
    verb: bool = False  # a verb's stem: rarely what a query is about (see search/understanding/)
    base: str = ""  # the word before inflection was removed (کفلات for the term کفل)


@functools.lru_cache(maxsize=256)  # a query is normalized for its plan and again for its tokens
def normalize(text: str) -> str:
    """Character folds and hazm's spacing corrections: the text the tokens come from."""
    text = fold_characters(text)
    if not text.strip():
        return ""
    text = lexicon.normalizer().normalize(text)
    # hazm may bring back a ZWNJ look-alike or Arabic letters from its own tables; fold again.
    return fold_characters(text)


class WordAnalysis(NamedTuple):
    term: str  # "" when the word is dropped
    parts: tuple[str, ...]  # compound parts (گواهی‌نامه → گواهی, نامه)
    base: str  # ZWNJ suffixes dropped but not reduced: what a neighbour is joined to
    verb: bool


_DROPPED = WordAnalysis("", (), "", False)


@functools.lru_cache(maxsize=200_000)
def analyze_word(word: str) -> WordAnalysis:
    """The analysis of one surface word."""
    word = fold_hamza(word)
    parts = [p for p in word.split(ZWNJ) if p]
    whole = "".join(parts)
    if not whole or whole in STOPWORDS:
        return _DROPPED
    parts = strip_zwnj_suffixes(parts)
    base = "".join(parts)
    term = reduce_word(base)
    if not term or term in STOPWORDS:
        return _DROPPED
    verb = is_verb(lexicon.informal_words().get(base, base))
    if len(parts) > 1:
        reduced = tuple(r for r in (reduce_word(p) for p in parts) if r and r not in STOPWORDS and r != term)
        return WordAnalysis(term, reduced, base, verb)
    return WordAnalysis(term, (), base, verb)


def analyze(text: str, *, parts: bool = True, joined: bool = True, lemmas: bool = False) -> list[Token]:
    """Every token of `text`, terms first-class, with positions for phrase matching."""
    tokens: list[Token] = []
    prev: str | None = None  # the previous word's base, while nothing was dropped between
    for pos, match in enumerate(WORD.finditer(normalize(text))):
        term, word_parts, base, verb = analyze_word(match.group())
        if not term:
            prev = None
            continue
        tokens.append(Token(term, pos, verb=verb, base=base))
        if lemmas and not verb and (base_form := lemma(term)):
            tokens.append(Token(base_form, pos, "lemma"))
        if parts:
            tokens.extend(Token(p, pos, "part") for p in word_parts)
        if joined and prev is not None and len(prev) + len(base) >= _MIN_JOINED and not base.isdigit():
            together = reduce_word(prev + base)
            if together:
                tokens.append(Token(together, pos - 1, "joined"))
        prev = None if base.isascii() else base
    return tokens


def is_word(word: str) -> bool:
    """The lexicon knows this (folded, ZWNJ-free) word: it is not a misspelling."""
    return word in lexicon.words()


def terms(text: str) -> list[str]:
    """Just the index terms of `text`, in order."""
    return [t.text for t in analyze(text, parts=False, joined=False)]
