"""Scored postings of one generation as numpy arrays, read from Whoosh once and kept.

Whoosh scores a query by walking a tree of Python matchers document by document: for a query of
three words over eight fields with a synonym or two that is hundreds of matcher calls per card,
and it was three quarters of a search's time. The score of one term in one field of one card
never changes while a generation serves, so each (field, term) is read once through Whoosh's own
posting reader, scored with Whoosh's BM25F formula and statistics (the same numbers Whoosh would
give: tests/test_matching.py) and kept as (docnums, scores); combining them for a query is then a
few vector operations (see matching.py). A word is looked up only in the fields the lexicon saw
it in.

The cache holds one entry per query word and weighting: the word's weighted scores summed over
every field it can match in, which is what `query.term_clause` asks Whoosh for. It is bounded by
the number of postings it holds and evicts the least recently used word.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from search import query as query_builder
from search.lexicon import Lexicon

MAX_POSTINGS = 2_000_000  # kept postings per generation: about 24 MB of arrays

EMPTY = (np.empty(0, np.int32), np.empty(0, np.float64))


class TermScores:
    def __init__(self, doc_count_all: int, live: np.ndarray, lexicon: Lexicon, max_postings: int = MAX_POSTINGS):
        self.size = doc_count_all
        self.lexicon = lexicon
        self.live = live  # bool by docnum: False for deleted documents
        self.max_postings = max_postings
        self._cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self._lengths: dict[str, np.ndarray] = {}

    def term(self, searcher, term: str, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of every live card that one query word matches in any field,
        scored as Whoosh scores `query.term_clause(term, weights)`."""
        key = (term, tuple(weights.items()))
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._read(searcher, term, weights)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = found
                self._held += len(found[0])
                while self._held > self.max_postings and len(self._cache) > 1:
                    _, (ids, _scores) = self._cache.popitem(last=False)
                    self._held -= len(ids)
        return found

    def lengths(self, searcher, field: str) -> np.ndarray:
        """Every document's length in one field as Whoosh scores it (quantised to a byte)."""
        found = self._lengths.get(field)
        if found is None:
            reader = searcher.reader()
            found = self._lengths[field] = np.array(
                [reader.doc_field_length(d, field, 1) or 1 for d in range(self.size)], np.float64
            )
        return found

    def _read(self, searcher, term: str, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        total = None

        def lengths(field: str) -> np.ndarray:
            return self.lengths(searcher, field)

        in_fields = self.lexicon.known.get(term, 0)
        bits = self.lexicon.field_bits
        for field, boost in query_builder.field_boosts(weights):
            if not in_fields & bits.get(field, 0):
                continue  # most words are absent from most fields
            ids, scores = _field_postings(searcher, field, term, lengths)
            if not len(ids):
                continue
            if total is None:
                total = np.zeros(self.size, np.float64)
                hit = np.zeros(self.size, bool)
            total[ids] += scores * boost
            hit[ids] = True
        if total is None:
            return EMPTY
        hit &= self.live
        docs = np.flatnonzero(hit).astype(np.int32)
        return docs, total[docs]


def _field_postings(searcher, field: str, term: str, lengths) -> tuple[np.ndarray, np.ndarray]:
    reader = searcher.reader()
    weighting = searcher.weighting
    try:
        if type(weighting) is BM25F and not getattr(weighting, "_field_B", None):
            # Whoosh's own BM25F (scoring.bm25 with its idf), a whole posting list at once and
            # without building a scorer object per field and word; segment by segment when a
            # single-card change added some, with the index's own statistics, as Whoosh's
            # segment scorers ask their parent searcher for them.
            atomic = searcher.is_atomic()
            leaves = [(reader, 0)] if atomic else reader.leaf_readers()
            parts = [_leaf_postings(leaf, offset, field, term, atomic) for leaf, offset in leaves]
            parts = [p for p in parts if p is not None]
            if not parts:
                return EMPTY
            ids, tf = (np.concatenate(column) for column in zip(*parts, strict=True))
            # The term's document frequency as Whoosh keeps it, deleted documents included: the
            # postings' count in a whole index without deletions (no second look-up of the term);
            # Whoosh's filter of deleted documents has already stepped past those at its head.
            df = len(ids) if atomic and not reader.has_deletions() else reader.doc_frequency(field, term)
            idf = math.log(searcher.doc_count_all() / (df + 1)) + 1
            avgfl = searcher.avg_field_length(field) or 1
            k1, b = weighting.K1, weighting.B
            return ids, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths(field)[ids] / avgfl)))
        # Another weighting: Whoosh scores each posting.
        return _one_by_one(searcher.postings(field, term), scored=True)
    except TermNotFound:
        return EMPTY


def _leaf_postings(leaf, offset: int, field: str, term: str, atomic: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """(docnum in the whole index, term frequency) of one segment's postings, perhaps with some
    deleted documents (`live` masks them); None when the segment does not have the term (a whole
    index without it raises TermNotFound, as Whoosh does)."""
    if not atomic and (field, term) not in leaf:
        return None
    m = leaf.postings(field, term)
    if isinstance(m, FilterMatcher):
        m = m.child  # it only hides deleted documents, which `live` masks
    ids, tf = _blocks(m) if isinstance(m, W3LeafMatcher) else _one_by_one(m)
    return (ids + offset if offset else ids), tf


def _one_by_one(m, scored: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(docnum, term frequency) of each posting, or (docnum, Whoosh's score) when `scored`: for
    a short posting list Whoosh keeps inline, or any matcher the block reader does not know."""
    ids: list[int] = []
    values: list[float] = []
    while m.is_active():
        ids.append(m.id())
        values.append(m.score() if scored else m.weight())
        m.next()
    return np.array(ids, np.int32), np.array(values, np.float64)


def _blocks(m: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """Every (docnum, term frequency) of a posting list, a block at a time: Whoosh 2.7's block
    reader (pinned: whoosh-reloaded 2.7.5) instead of one Python call per posting."""
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.extend(m._ids)
        weights.extend(m._weights)
        m._next_block()
    return np.array(ids, np.int32), np.array(weights, np.float64)
