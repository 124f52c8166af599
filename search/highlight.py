"""Highlights: title and description fragments with the query's matches in <mark>.

Matching is decided on the analyzed form of each word of the card's own text (so گواهي‌نامه‌ها in
a card lights up for the query گواهینامه), but what is shown is the card's text as written,
HTML-escaped piece by piece: card text can never inject markup.
"""

from __future__ import annotations

import functools
import html
import re
from array import array
from typing import NamedTuple

from analyzers import analyze_word
from analyzers.chars import fold_characters
from analyzers.inflection import reduce_word

_WORD = re.compile(r"(?:[^\W_]|\u200c)+")
_PIECE = re.compile(r"\S+")
FRAGMENT_WORDS = 32


@functools.lru_cache(maxsize=100_000)
def _analyze_surface(word: str):
    return analyze_word(fold_characters(word))


class _Analysed(NamedTuple):
    """A card text's words analysed once, compactly (about 3 KB for a description): the cache
    holds many cards' texts."""

    starts: array  # character offset where each word starts
    ends: array  # and ends
    terms: tuple[str, ...]  # each word's term ("" when dropped)
    parts: dict[int, tuple[str, ...]]  # word index → compound parts, for the few words with parts
    bases: tuple[str, ...]  # each word before inflection was removed: what a neighbour is joined to
    bounds: array  # start, end, start, end ... of the whitespace-separated pieces, for windows


# The texts of the cards that get shown: every title and description of a 10,000-card catalogue
# fit (about 35 MB); a larger one keeps the most recently shown.
@functools.lru_cache(maxsize=24_000)
def _analysed(text: str) -> _Analysed:
    starts, ends = array("i"), array("i")
    terms: list[str] = []
    bases: list[str] = []
    parts: dict[int, tuple[str, ...]] = {}
    for i, m in enumerate(_WORD.finditer(text)):
        a = _analyze_surface(m.group())
        starts.append(m.start())
        ends.append(m.end())
        terms.append(a.term)
        bases.append(a.base)
        if a.parts:
            parts[i] = a.parts
    bounds = array("i")
    for m in _PIECE.finditer(text):
        bounds.extend(m.span())
    return _Analysed(starts, ends, tuple(terms), parts, tuple(bases), bounds)


def _marks(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` that match any wanted term."""
    a = _analysed(text)
    found = wanted.intersection(a.terms)  # set operations run in C; most words match nothing
    marked = {i for i, t in enumerate(a.terms) if t in found} if found else set()
    marked.update(i for i, ps in a.parts.items() if wanted.intersection(ps))
    # A compound written apart in the card (گواهی نامه) for a query that wrote it joined: only
    # words that begin a wanted term are worth joining to their neighbour.
    starts = _starts(wanted)
    bases = a.bases
    if not starts.isdisjoint(bases):
        for i in range(len(bases) - 1):
            left, right = bases[i], bases[i + 1]
            if left in starts and right and reduce_word(left + right) in wanted:
                marked.update((i, i + 1))
    return [(a.starts[i], a.ends[i]) for i in sorted(marked)]


@functools.lru_cache(maxsize=64)  # one query's terms, asked for every hit's title and text
def _starts(wanted: frozenset[str]) -> frozenset[str]:
    """Every proper prefix of the wanted terms."""
    return frozenset(t[:k] for t in wanted for k in range(1, len(t)))


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in spans:
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight_title(title: str, wanted: frozenset[str]) -> str:
    return _render(title, _marks(title, wanted) if wanted else [])


def highlight_fragment(text: str, wanted: frozenset[str], words: int = FRAGMENT_WORDS) -> str:
    """A window of about `words` words around the first match (the opening if none), marked."""
    spans = _marks(text, wanted) if wanted else []
    flat = _analysed(text).bounds
    pieces = len(flat) // 2
    if pieces <= words:
        return _render(text, spans)
    first = spans[0][0] if spans else 0
    at = next((i for i in range(pieces) if flat[2 * i + 1] > first), 0)
    start = max(0, min(at - words // 4, pieces - words))
    lo, hi = flat[2 * start], flat[2 * (start + words - 1) + 1]
    inner = [(s - lo, e - lo) for s, e in spans if s >= lo and e <= hi]
    return ("… " if start else "") + _render(text[lo:hi], inner) + (" …" if hi < len(text.rstrip()) else "")
