"""Scored postings of one generation as numpy arrays.

Whoosh scores a query by walking a tree of Python matchers document by document: for a query of
three words over eight fields with a synonym or two that is hundreds of matcher calls per card,
and it was three quarters of a search's time. The score of one term in one field of one card
never changes while a generation serves, so each (field, term) is scored once, a whole posting
list at a time, with Whoosh's BM25F formula and statistics (the same numbers Whoosh would give:
tests/test_matching.py) and kept as (docnums, scores); combining them for a query is then a few
vector operations (see matching.py). A word is looked up only in the fields the lexicon saw it in.

A generation's `TermScores` holds one entry per query word and weighting: the word's weighted
scores summed over every field it can match in, which is what `query.term_clause` asks Whoosh
for. Scores depend on the whole index (document counts, a term's document frequency, average
field lengths), so they are never taken from another generation; it is bounded by the number of
postings it holds and evicts the least recently used entry.

What scores are computed from, each segment's postings and field lengths, the indexer wrote into
the generation's postings sidecar (store/segment_postings.py), mapped by every worker: nothing is
decoded at query time. A segment without one (a generation written before the sidecar) is read
through Whoosh's own posting reader and kept in `SegmentPostings`, shared by the generations that
have the segment (a segment never changes once written: a deletion only marks documents, which
`live` masks), so that a single-card change's generation reads only what its new segment holds.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from search import query as query_builder
from search.lexicon import Lexicon
from store.segment_postings import SegmentFiles
from store.whoosh_segments import field_lengths, one_by_one, raw_postings
from store.whoosh_segments import leaves as whoosh_leaves

MAX_POSTINGS = 2_000_000  # kept postings per cache: about 24 MB of arrays each

EMPTY = (np.empty(0, np.int32), np.empty(0, np.float64))


class SegmentPostings:
    """Raw postings and field lengths by Whoosh segment id, shared by the generations that have
    the segment: for (segment, field, term) the docnums within the segment, deleted documents
    included, and their term frequencies; for (segment, field) each document's length as Whoosh
    scores it. Nothing here depends on deletions or on the other segments, so an entry never goes
    stale while its segment exists; `keep` drops the segments an index no longer has (merged)."""

    def __init__(self, max_postings: int = MAX_POSTINGS):
        self.max_postings = max_postings
        self._postings: OrderedDict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._held = 0
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._segments: set[str] = set()  # every segment with an entry
        self._lock = threading.Lock()

    def postings(self, leaf, segment: str | None, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums within the segment, term frequencies) of a term the segment has in `field`."""
        if segment is None:
            return raw_postings(leaf, field, term)
        key = (segment, field, term)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = raw_postings(leaf, field, term)
        with self._lock:
            if key not in self._postings:
                self._postings[key] = found
                self._segments.add(segment)
                self._held += len(found[0])
                while self._held > self.max_postings and len(self._postings) > 1:
                    _, (ids, _tf) = self._postings.popitem(last=False)
                    self._held -= len(ids)
        return found

    def lengths(self, leaf, segment: str | None, field: str) -> np.ndarray:
        """Each of the segment's documents' length in `field` as Whoosh scores it (quantised to
        a byte, 1 for none)."""
        found = self._lengths.get((segment, field)) if segment is not None else None
        if found is None:
            found = field_lengths(leaf, field)
            if segment is not None:
                with self._lock:
                    self._lengths[(segment, field)] = found
                    self._segments.add(segment)
        return found

    def keep(self, segments: Iterable[str]) -> None:
        """Drop every entry of a segment not in `segments` (the index's, once a generation without
        some of them is served: Whoosh merged them into a new one)."""
        segments = set(segments)
        with self._lock:
            gone = self._segments - segments
            if not gone:
                return
            for key in [k for k in self._postings if k[0] in gone]:
                self._held -= len(self._postings.pop(key)[0])
            for key in [k for k in self._lengths if k[0] in gone]:
                del self._lengths[key]
            self._segments &= segments


class TermScores:
    def __init__(
        self,
        doc_count_all: int,
        live: np.ndarray,
        lexicon: Lexicon,
        segment_postings: SegmentPostings | None = None,
        max_postings: int = MAX_POSTINGS,
        sidecar: dict[str, SegmentFiles] | None = None,
    ):
        """`segment_postings`: the previous generation's, for the segments this one shares with
        it (a new one without). `sidecar`: the generation's postings sidecar by segment id
        (store/segment_postings.py); a segment without one is read through Whoosh."""
        self.size = doc_count_all
        self.lexicon = lexicon
        self.live = live  # bool by docnum: False for deleted documents
        self.max_postings = max_postings
        if segment_postings is None:
            segment_postings = SegmentPostings(max_postings)
        else:
            segment_postings.keep(lexicon.segments)
        self.segment_postings = segment_postings
        self.sidecar = sidecar or {}
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
            leaves = whoosh_leaves(searcher.reader())
            parts = [self._segment_lengths(leaf, segment, field) for leaf, _, segment in leaves]
            found = self._lengths[field] = np.concatenate(parts) if parts else np.empty(0, np.float64)
        return found

    def _segment_lengths(self, leaf, segment: str | None, field: str) -> np.ndarray:
        files = self.sidecar.get(segment)
        found = files.lengths(field) if files is not None else None
        return found if found is not None else self.segment_postings.lengths(leaf, segment, field)

    def _read(self, searcher, term: str, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        total = None
        in_fields = self.lexicon.known.get(term, 0)
        bits = self.lexicon.field_bits
        leaves = whoosh_leaves(searcher.reader())
        for field, boost in query_builder.field_boosts(weights):
            if not in_fields & bits.get(field, 0):
                continue  # most words are absent from most fields
            ids, scores = self._field_postings(searcher, leaves, field, term)
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

    def _field_postings(self, searcher, leaves, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of one term in one field, deleted documents included."""
        weighting = searcher.weighting
        if type(weighting) is not BM25F or getattr(weighting, "_field_B", None):
            # Another weighting: Whoosh scores each posting.
            try:
                return one_by_one(searcher.postings(field, term), scored=True)
            except TermNotFound:
                return EMPTY
        # Whoosh's own BM25F (scoring.bm25 with its idf), a whole posting list at once and
        # without building a scorer object per field and word; segment by segment with the
        # index's own statistics, as Whoosh's segment scorers ask their parent searcher for them.
        bit = self.lexicon.field_bits[field]
        parts = []
        for leaf, base, segment in leaves:
            if not self._segment_has(leaf, segment, field, term, bit):
                continue
            files = self.sidecar.get(segment)
            if files is not None:
                ids, tf = files.postings(field, term)
            else:
                ids, tf = self.segment_postings.postings(leaf, segment, field, term)
            parts.append((ids + base if base else ids, tf))
        if not parts:
            return EMPTY
        ids, tf = (np.concatenate(column) for column in zip(*parts, strict=True)) if len(parts) > 1 else parts[0]
        # The term's document frequency as Whoosh keeps it (each segment's count of postings,
        # deleted documents included).
        df = len(ids)
        idf = math.log(searcher.doc_count_all() / (df + 1)) + 1
        avgfl = searcher.avg_field_length(field) or 1
        k1, b = weighting.K1, weighting.B
        return ids, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * self.lengths(searcher, field)[ids] / avgfl)))

    def _segment_has(self, leaf, segment: str | None, field: str, term: str, bit: int) -> bool:
        terms = self.lexicon.segments.get(segment) if segment is not None else None
        if terms is None:
            return (field, term) in leaf
        return bool(terms.known.get(term, 0) & bit)
