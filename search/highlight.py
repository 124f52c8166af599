"""Highlights: title and description fragments with the query's matches in <mark>.

Matching is decided on the analysed form of each word of the card's own text (so گواهي‌نامه‌ها in
a card lights up for the query گواهینامه), analysed once by the indexer (analyzers.text_words);
what is shown is the card's text as written, HTML-escaped piece by piece: card text can never
inject markup.
"""

from __future__ import annotations

import bisect
import functools
import html

from analyzers.inflection import reduce_word
from analyzers.text_words import TextWords

FRAGMENT_WORDS = 32


def _marks(words: TextWords, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words that match any wanted term."""
    terms = words.terms
    # Set operations run in C and most words match nothing: positions are looked for only when
    # the text has something to mark.
    found = wanted.intersection(terms)
    marked = {i for i, t in enumerate(terms) if t in found} if found else set()
    marked.update(i for i, ps in words.parts if wanted.intersection(ps))
    # A compound written apart in the card (گواهی نامه) for a query that wrote it joined: only
    # words that begin a wanted term are worth joining to their neighbour.
    starts = _starts(wanted)
    lefts = starts.intersection(terms) | starts.intersection(words.bases)
    if lefts:
        for i in range(len(terms) - 1):
            if terms[i] in lefts or words.bases[i] in lefts:
                left, right = words.base(i), words.base(i + 1)
                if left in starts and right and reduce_word(left + right) in wanted:
                    marked.update((i, i + 1))
    spans = words.spans
    return [(spans[2 * i], spans[2 * i + 1]) for i in sorted(marked)]


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


def highlight_title(title: str, words: TextWords, wanted: frozenset[str]) -> str:
    return _render(title, _marks(words, wanted) if wanted else [])


def highlight_fragment(text: str, words: TextWords, wanted: frozenset[str], size: int = FRAGMENT_WORDS) -> str:
    """A window of about `size` words around the first match (the opening if none), marked,
    widened to whole whitespace-separated pieces so punctuation stays with its word."""
    spans = _marks(words, wanted) if wanted else []
    n = len(words)
    if n <= size:
        return _render(text, spans)
    first = spans[0][0] if spans else 0
    ends = words.spans[1::2]
    at = bisect.bisect_right(ends, first)  # the word the first match is in
    start = max(0, min(at - size // 4, n - size))
    lo = _piece_start(text, words.spans[2 * start]) if start else 0
    hi = _piece_end(text, ends[start + size - 1])
    inner = [(s - lo, e - lo) for s, e in spans if s >= lo and e <= hi]
    tail = text[hi:].strip()
    return ("… " if lo else "") + _render(text[lo:hi], inner) + (" …" if tail else "")


def _piece_start(text: str, i: int) -> int:
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _piece_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i
