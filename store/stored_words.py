"""The stored words of shown.jsonl: a text's words as highlighting needs them, where each word is
and what it analyses to.

The indexer computes this once per card title and description and stores it beside the card, so
a search marks matches by looking terms up instead of analysing the shown text again (which was
the largest cost of a search whose hits had not been shown before). The stored form is plain
JSON, shaped for the lookups a search makes: the terms as one string that a wanted term is
found in with `str.find` (no list of a hundred strings to build and hash per hit), the few
compound parts, and the few places where two words written apart make a compound.
"""

from __future__ import annotations

import functools
import sys
from array import array
from collections.abc import Container

from analyzers.chain import analyze_word, is_word
from analyzers.chars import fold_characters
from analyzers.inflection import ZWNJ_SUFFIXES, reduce_word
from analyzers.tokens import WORD

# The stored form (versions.STORED_WORDS): [offsets as hex of little-endian 16-bit integers ("H…";
# 32-bit "I…" for a text longer than 65,535 characters; hex decodes faster than base64),
# " term term … ", parts, joins].


class TextWords:
    """Where each word is (`spans`: start, end, start, end … in characters) and what it means:
    `line`, every word's term padded by spaces (" a b  c ": a dropped word's term is ""),
    `parts` ([word, [compound parts]] for the few words with them) and `joins` ([word, compound,
    the word's base] where the word and the next, written apart, make a compound the lexicon
    knows: گواهی نامه)."""

    __slots__ = ("joins", "line", "parts", "spans")

    def __init__(self, spans: array, line: str, parts: list[list], joins: list[list]):
        self.spans, self.line, self.parts, self.joins = spans, line, parts, joins

    def __len__(self) -> int:
        return len(self.spans) // 2

    def stored(self) -> list:
        return [_pack(self.spans), self.line, self.parts, self.joins]


def _pack(spans: array) -> str:
    code = "H" if max(spans, default=0) <= 0xFFFF else "I"
    packed = array(code, spans)
    if sys.byteorder == "big":
        packed.byteswap()
    return code + packed.tobytes().hex()


def _unpack(value: str) -> array:
    packed = array(value[0], bytes.fromhex(value[1:]))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


@functools.lru_cache(maxsize=100_000)  # a catalogue's texts repeat their words
def _analyze_surface(word: str):
    return analyze_word(fold_characters(word))


@functools.lru_cache(maxsize=100_000)  # and their pairs of words
def _joined(left: str, right: str) -> str:
    return reduce_word(left + right)


def _may_join(left: str, right: str, vocabulary: Container[str]) -> bool:
    """Whether `left` and the start of `right` run together are a known word: what a compound
    they make looks like once inflection is taken off `right`. Checked first because reducing
    the joined text (reduce_word on a long unknown word) costs over a hundred times more, and
    nearly no pair of neighbours makes a compound. A suffix written apart (موتورسیکلت های) may
    join too: what it makes is `left` inflected."""
    return _lexicon_may_join(left, right) or any(left + right[:k] in vocabulary for k in range(len(right), 0, -1))


@functools.lru_cache(maxsize=100_000)  # pairs of words recur from text to text
def _lexicon_may_join(left: str, right: str) -> bool:
    """_may_join with the lexicon alone (slow lookups, so cached; the vocabulary is a hash lookup
    and stays out of the cache, which would otherwise keep a replaced generation's alive)."""
    return right in ZWNJ_SUFFIXES or any(is_word(left + right[:k]) for k in range(len(right), 0, -1))


def _joins(terms: list[str], bases: list[str], vocabulary: Container[str]) -> list[list]:
    """Where a word and the next, written apart, make a compound that the lexicon or the index
    knows: a query that writes it joined (گواهینامه, مردمنهاد) marks both (گواهی نامه)."""
    out = []
    for i in range(len(terms) - 1):
        left, right = bases[i] or terms[i], bases[i + 1] or terms[i + 1]
        if left and right and _may_join(left, right, vocabulary):
            joined = _joined(left, right)
            if joined and (joined in vocabulary or is_word(joined)):
                out.append([i, joined, left])
    return out


def text_words(text: str, vocabulary: Container[str] = frozenset()) -> TextWords:
    """The words of a card's text (`vocabulary`: the terms of the index the card is written to,
    for compounds a query can match beside the lexicon's words)."""
    spans = array("I")
    terms: list[str] = []
    bases: list[str] = []
    parts: list[list] = []
    for i, m in enumerate(WORD.finditer(text)):
        a = _analyze_surface(m.group())
        spans.extend(m.span())
        terms.append(a.term)
        bases.append("" if a.base == a.term else a.base)
        if a.parts:
            parts.append([i, list(a.parts)])
    return TextWords(spans, f" {' '.join(terms)} ", parts, _joins(terms, bases, vocabulary))


def from_stored(value: list) -> TextWords:
    """The words from their stored form (TextWords.stored)."""
    spans, line, parts, joins = value
    return TextWords(_unpack(spans), line, parts, joins)


def clear_cache() -> None:
    """Forget the analysed words (a build's texts are not a server's)."""
    _analyze_surface.cache_clear()
    _joined.cache_clear()
    _lexicon_may_join.cache_clear()
