"""A text's words as highlighting needs them: where each word is and what it analyses to.

The indexer computes this once per card title and description and stores it beside the card, so
a search marks matches by comparing terms instead of analysing the shown text again (which was the
largest cost of a search whose hits had not been shown before). The stored form is plain JSON.
"""

from __future__ import annotations

import base64
import functools
import re
import sys
from array import array

from analyzers.chain import analyze_word
from analyzers.chars import fold_characters

# The stored form's version: a reader meeting one it does not know analyses the text itself.
# 1: offsets as base64 of native 32-bit integers. 2: offsets as hex of little-endian 16-bit
# integers ("H…", 32-bit "I…" for a text longer than 65,535 characters): a description's offsets
# decode about four times faster from hex than from base64, and half the width is half the bytes.
STORED_VERSION = 2
READABLE_VERSIONS = (1, 2)
WORD = re.compile(r"(?:[^\W_]|\u200c)+")


class TextWords:
    """Each word's character span, its term ("" when dropped), its base (the word before
    inflection was removed; "" when it is its term) and, for the few words with them, their
    compound parts."""

    __slots__ = ("spans", "terms", "bases", "parts")

    def __init__(self, spans: array, terms: list[str], bases: list[str], parts: list[list]):
        self.spans = spans  # start, end, start, end ... (character offsets)
        self.terms = terms
        self.bases = bases
        self.parts = parts  # [word index, [compound parts]]

    def base(self, i: int) -> str:
        """What a neighbour is joined to (گواهی + نامه written apart)."""
        return self.bases[i] or self.terms[i]

    def __len__(self) -> int:
        return len(self.terms)

    def stored(self) -> list:
        """The JSON form: offsets packed (a description's are read back in one call, not one
        number at a time), terms joined by spaces (terms never contain one)."""
        return [_pack(self.spans), " ".join(self.terms), " ".join(self.bases), self.parts]


def _pack(spans: array) -> str:
    code = "H" if max(spans, default=0) <= 0xFFFF else "I"
    packed = array(code, spans)
    if sys.byteorder == "big":
        packed.byteswap()
    return code + packed.tobytes().hex()


def _unpack(value: str, version: int) -> array:
    if version == 1:
        return array("I", base64.b64decode(value))  # native byte order, as version 1 wrote it
    packed = array(value[0], bytes.fromhex(value[1:]))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


@functools.lru_cache(maxsize=100_000)  # a catalogue's texts repeat their words
def _analyze_surface(word: str):
    return analyze_word(fold_characters(word))


def text_words(text: str) -> TextWords:
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
    return TextWords(spans, terms, bases, parts)


def from_stored(value: list, version: int = STORED_VERSION) -> TextWords:
    """The words from their stored form, of a version in READABLE_VERSIONS."""
    spans, terms, bases, parts = value
    offsets = _unpack(spans, version)
    if not offsets:
        return TextWords(offsets, [], [], parts)
    return TextWords(offsets, terms.split(" "), bases.split(" "), parts)


def clear_cache() -> None:
    """Forget the analysed words (a build's texts are not a server's)."""
    _analyze_surface.cache_clear()
