"""A text's words as highlighting needs them: where each word is and what it analyses to.

The indexer computes this once per card title and description and stores it with the card, so a
search marks matches by comparing terms instead of analysing the shown text again (which was the
largest cost of a search whose hits had not been shown before). The stored form is plain JSON.
"""

from __future__ import annotations

import base64
import functools
import re
from array import array
from typing import NamedTuple

from analyzers.chain import analyze_word
from analyzers.chars import fold_characters

# The stored form's version: a reader meeting another one analyses the text itself.
STORED_VERSION = 1
WORD = re.compile(r"(?:[^\W_]|\u200c)+")


class TextWords(NamedTuple):
    spans: array  # start, end, start, end ... of each word (character offsets)
    terms: list[str]  # each word's term ("" when dropped)
    bases: list[str]  # each word before inflection was removed ("" when it is its term)
    parts: list[list]  # [word index, [compound parts]] for the few words with parts

    def base(self, i: int) -> str:
        """What a neighbour is joined to (گواهی + نامه written apart)."""
        return self.bases[i] or self.terms[i]

    def __len__(self) -> int:
        return len(self.terms)

    def stored(self) -> list:
        """The JSON form: offsets packed (a description's are read back in one call, not one
        number at a time), terms joined by spaces (terms never contain one)."""
        return [base64.b64encode(self.spans.tobytes()).decode("ascii"), " ".join(self.terms), " ".join(self.bases), self.parts]


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


def from_stored(value: list) -> TextWords:
    spans, terms, bases, parts = value
    offsets = array("I", base64.b64decode(spans))  # native byte order, as written
    if not offsets:
        return TextWords(offsets, [], [], parts)
    return TextWords(offsets, terms.split(" "), bases.split(" "), parts)


def clear_cache() -> None:
    """Forget the analysed words (a build's texts are not a server's)."""
    _analyze_surface.cache_clear()
