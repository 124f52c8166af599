"""The folding-only chain: the letter folds of the full analysis and nothing more (no stop words,
no stemming, no compounds), for what must keep every word as typed, such as as-you-type
suggestions matching prefixes. Lucene's PersianAnalyzer declares `normalize` beside
`createComponents` for the same reason."""

from __future__ import annotations

import functools

from analyzers.chars import ZWNJ, fold_characters
from analyzers.hamza import fold_hamza
from analyzers.tokens import WORD


def fold_words(text: str) -> tuple[str, ...]:
    """The words of `text` with the letter folds search applies (ي/ك, hamza seats, half-spaces)."""
    return tuple(w for w in map(fold_word, WORD.findall(fold_characters(text))) if w)


@functools.lru_cache(maxsize=100_000)  # a catalogue's titles and keywords repeat their words
def fold_word(word: str) -> str:
    return fold_hamza(word).replace(ZWNJ, "")
