"""A build's cards analysed in worker processes: the terms of each index field (documents.py)
and the shown lines of the card files (store/card_files.py), in card order.

The workers are forked once the parent has loaded the lexicon (analyzers.warm_up), so they read
its copy (shared copy-on-write) instead of loading their own, and they inherit the cards: only
ranges of card numbers go to them, and only what was made of the cards comes back. Each worker
remembers the tokens of the short texts it analysed (documents.RememberedTokens).

Forking is safe only in a process that runs one thread (a lock another thread holds would stay
held in the child forever): a build started in a threaded process, or of few cards, analyses
its cards in the process itself. The output does not depend on how many processes made it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Collection, Iterator

from analyzers import warm_up
from indexer.documents import RememberedTokens, field_terms
from store import card_files, stored_words

MIN_CARDS_PER_PROCESS = 500  # below this a fork and its messages cost more than they save
_CHUNK = 50  # cards per message: results stream back in order while the others are analysed

# What the workers read, set in the parent just before they are forked.
_cards: list[dict] = []
_vocabulary: Collection[str] = frozenset()
_tokens_of: RememberedTokens | None = None


def processes(cards: int, wanted: int | None = None) -> int:
    """How many processes analyse `cards` cards: `wanted`, or one per core the process may run
    on when there are enough cards to share; 1 (this process) where forking is not safe."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if wanted is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        wanted = min(cores, cards // MIN_CARDS_PER_PROCESS)
    return max(1, min(wanted, cards))


def _ranges(n: int) -> list[tuple[int, int]]:
    return [(start, min(start + _CHUNK, n)) for start in range(0, n, _CHUNK)]


def _start_worker() -> None:
    global _tokens_of
    _tokens_of = RememberedTokens()


def _terms_of(bounds: tuple[int, int]) -> list[dict[str, str]]:
    return [field_terms(card, _tokens_of) for card in _cards[bounds[0] : bounds[1]]]


def _shown_of(bounds: tuple[int, int]) -> list[bytes]:
    return [card_files.shown_line(card, _vocabulary) for card in _cards[bounds[0] : bounds[1]]]


def _pool(n: int, cards: list[dict], vocabulary: Collection[str] = frozenset()):
    global _cards, _vocabulary
    warm_up()  # loaded once here, before the fork, rather than once in every worker
    _cards, _vocabulary = cards, vocabulary
    try:
        return multiprocessing.get_context("fork").Pool(n, initializer=_start_worker)
    finally:
        _cards, _vocabulary = [], frozenset()  # the workers have their copy


def all_field_terms(cards: list[dict], processes: int = 1) -> Iterator[dict[str, str]]:
    """field_terms of each card, in order."""
    if processes <= 1:
        tokens_of = RememberedTokens()
        for card in cards:
            yield field_terms(card, tokens_of)
        return
    with _pool(processes, cards) as pool:
        for chunk in pool.imap(_terms_of, _ranges(len(cards))):
            yield from chunk


class ShownLines:
    """The shown line of each card (card_files.shown_line), made by workers while the caller
    goes on with other work (the index's commit); `get` waits for them, in card order."""

    def __init__(self, cards: list[dict], vocabulary: Collection[str], processes: int = 1):
        self._cards, self._vocabulary = cards, vocabulary
        self._pool = _pool(processes, cards, vocabulary) if processes > 1 else None
        self._pending = self._pool.map_async(_shown_of, _ranges(len(cards))) if self._pool else None

    def get(self) -> list[bytes]:
        if self._pending is None:
            try:
                return [card_files.shown_line(card, self._vocabulary) for card in self._cards]
            finally:
                stored_words.clear_cache()
        try:
            return [line for chunk in self._pending.get() for line in chunk]
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = self._pending = None

    def __enter__(self) -> ShownLines:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
