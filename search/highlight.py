"""Highlights: title and description fragments with the query's matches in <mark>.

Matching is decided on the analyzed form of each word of the card's own text (so گواهي‌نامه‌ها in
a card lights up for the query گواهینامه), but what is shown is the card's text as written,
HTML-escaped piece by piece: card text can never inject markup.
"""

from __future__ import annotations

import functools
import html
import re

from analyzers import analyze_word
from analyzers.chars import fold_characters
from analyzers.inflection import reduce_word

_WORD = re.compile(r"(?:[^\W_]|\u200c)+")
FRAGMENT_WORDS = 32


@functools.lru_cache(maxsize=100_000)
def _analyze_surface(word: str):
    return analyze_word(fold_characters(word))


def _marks(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` that match any wanted term."""
    words = [(m.start(), m.end(), _analyze_surface(m.group())) for m in _WORD.finditer(text)]
    marked = [False] * len(words)
    for i, (_s, _e, a) in enumerate(words):
        if a.term and (a.term in wanted or wanted.intersection(a.parts)):
            marked[i] = True
        # A compound written apart in the card (گواهی نامه) for a query that wrote it joined.
        if i + 1 < len(words) and a.base and words[i + 1][2].base:
            if reduce_word(a.base + words[i + 1][2].base) in wanted:
                marked[i] = marked[i + 1] = True
    return [(s, e) for (s, e, _a), m in zip(words, marked) if m]


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
    bounds = [m.span() for m in re.finditer(r"\S+", text)]
    if len(bounds) <= words:
        return _render(text, spans)
    first = spans[0][0] if spans else 0
    at = next((i for i, (s, e) in enumerate(bounds) if e > first), 0)
    start = max(0, min(at - words // 4, len(bounds) - words))
    lo, hi = bounds[start][0], bounds[start + words - 1][1]
    inner = [(s - lo, e - lo) for s, e in spans if s >= lo and e <= hi]
    return ("… " if start else "") + _render(text[lo:hi], inner) + (" …" if hi < len(text.rstrip()) else "")
