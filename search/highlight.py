"""Highlights: title and description fragments with the query's matches in <mark>.

Matching is decided on the analysed form of each word of the card's own text (so گواهي‌نامه‌ها in
a card lights up for the query گواهینامه), analysed once by the indexer (store/stored_words.py);
what is shown is the card's text as written, HTML-escaped piece by piece: card text can never
inject markup.

A wanted term's words are found in the stored line of terms (" a b  c ") by searching for the
term between two spaces and counting the spaces before it: a few scans in C per text, with nothing
built or kept per card, so a catalogue whose pages rarely show the same card twice pays no more
than one whose pages do.
"""

from __future__ import annotations

import functools
import html

from store.stored_words import TextWords

FRAGMENT_WORDS = 32


def _marked(words: TextWords, wanted: frozenset[str]) -> list[int]:
    """The indexes, in order, of the words that match a wanted term: by their term, by a compound
    part, or joined to the next word (a compound written apart in the card, گواهی نامه, for a
    query that wrote it joined)."""
    line = words.line
    marked = []
    for term in wanted:
        if term:
            marked += _indexes(line, term)
    if words.parts:
        marked += [i for i, ps in words.parts if not wanted.isdisjoint(ps)]
    if words.joins:
        starts = _starts(wanted)
        for i, joined, left in words.joins:
            if joined in wanted and left in starts:
                marked += (i, i + 1)
    return sorted(set(marked))


def _indexes(line: str, term: str) -> list[int]:
    """The indexes of the words whose term is `term` in a stored line of terms (" a b  c ": each
    term between single spaces, a dropped word's term empty): the spaces before a match count
    the words before it."""
    needle = f" {term} "
    found = []
    at = line.find(needle)
    while at >= 0:
        found.append(line.count(" ", 0, at))
        at = line.find(needle, at + len(term) + 1)
    return found


@functools.lru_cache(maxsize=64)
def _starts(wanted: frozenset[str]) -> frozenset[str]:
    """Every proper prefix of the wanted terms."""
    return frozenset(t[:k] for t in wanted for k in range(1, len(t)))


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    # Few cards' texts have a character that HTML escapes: theirs alone are escaped, piece by piece.
    special = "&" in text or "<" in text or ">" in text or '"' in text or "'" in text
    out, pos = [], 0
    for s, e in spans:
        before, word = text[pos:s], text[s:e]
        if special:
            before, word = html.escape(before), html.escape(word)
        out += (before, "<mark>", word, "</mark>")
        pos = e
    rest = text[pos:]
    out.append(html.escape(rest) if special else rest)
    return "".join(out)


def _spans(words: TextWords, marked: list[int], shift: int = 0) -> list[tuple[int, int]]:
    spans = words.spans
    return [(spans[2 * i] - shift, spans[2 * i + 1] - shift) for i in marked]


def highlight_title(title: str, words: TextWords, wanted: frozenset[str]) -> str:
    return _render(title, _spans(words, _marked(words, wanted)) if wanted else [])


def highlight_fragment(text: str, words: TextWords, wanted: frozenset[str], size: int = FRAGMENT_WORDS) -> str:
    """A window of about `size` words around the first match (the opening if none), marked,
    widened to whole whitespace-separated pieces so punctuation stays with its word."""
    marked = _marked(words, wanted) if wanted else []
    n = len(words)
    if n <= size:
        return _render(text, _spans(words, marked))
    first = marked[0] if marked else 0
    start = max(0, min(first - size // 4, n - size))
    spans = words.spans
    lo = _piece_start(text, spans[2 * start]) if start else 0
    hi = _piece_end(text, spans[2 * (start + size - 1) + 1])
    inner = [(s, e) for s, e in _spans(words, marked, lo) if s >= 0 and e <= hi - lo]
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
