"""Highlights: title and description fragments with the query's matches in <mark>.

Matching is decided on the analyzed form of each word of the card's own text (so گواهي‌نامه‌ها in
a card lights up for the query گواهینامه), but what is shown is the card's text as written,
HTML-escaped piece by piece: card text can never inject markup.
"""

from __future__ import annotations

import functools
import html
import re
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
    """A card text's words analysed once: which words each term would light up."""

    spans: list[tuple[int, int]]  # character span of each word
    by_term: dict[str, list[int]]  # term or compound part → indices of the words having it
    bases: list[str]  # each word before inflection was removed: what a neighbour is joined to
    bounds: list[tuple[int, int]]  # spans of the whitespace-separated pieces, for windows


# The texts of the cards that get shown: a small, hot share. A few KB each analysed.
@functools.lru_cache(maxsize=4096)
def _analysed(text: str) -> _Analysed:
    spans: list[tuple[int, int]] = []
    bases: list[str] = []
    by_term: dict[str, list[int]] = {}
    for i, m in enumerate(_WORD.finditer(text)):
        a = _analyze_surface(m.group())
        spans.append(m.span())
        bases.append(a.base)
        if a.term:
            by_term.setdefault(a.term, []).append(i)
        for part in a.parts:
            by_term.setdefault(part, []).append(i)
    return _Analysed(spans, by_term, bases, [m.span() for m in _PIECE.finditer(text)])


def _marks(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` that match any wanted term."""
    a = _analysed(text)
    marked = {i for t in wanted for i in a.by_term.get(t, ())}
    # A compound written apart in the card (گواهی نامه) for a query that wrote it joined: only
    # words that begin a wanted term are worth joining to their neighbour.
    starts = {t[:k] for t in wanted for k in range(1, len(t))}
    bases = a.bases
    for i in range(len(bases) - 1):
        left, right = bases[i], bases[i + 1]
        if left in starts and right and reduce_word(left + right) in wanted:
            marked.update((i, i + 1))
    return [a.spans[i] for i in sorted(marked)]


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
    bounds = _analysed(text).bounds
    if len(bounds) <= words:
        return _render(text, spans)
    first = spans[0][0] if spans else 0
    at = next((i for i, (s, e) in enumerate(bounds) if e > first), 0)
    start = max(0, min(at - words // 4, len(bounds) - words))
    lo, hi = bounds[start][0], bounds[start + words - 1][1]
    inner = [(s - lo, e - lo) for s, e in spans if s >= lo and e <= hi]
    return ("… " if start else "") + _render(text[lo:hi], inner) + (" …" if hi < len(text.rstrip()) else "")
