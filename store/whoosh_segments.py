"""Reading a Whoosh segment's postings and field lengths whole, as numpy arrays: what the indexer
writes into the postings sidecar (segment_postings.py), and what a search reads of a segment that
has no sidecar. Whoosh 2.7's block reader (pinned: whoosh-reloaded 2.7.5) is read a block at a
time instead of one Python call per posting."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher


def leaves(reader) -> list[tuple[object, int, str | None]]:
    """(segment reader, its first docnum in the index, its segment id) of each segment."""
    out = []
    for leaf, base in reader.leaf_readers():
        segment = leaf.segment()
        out.append((leaf, base, segment.segment_id() if segment is not None else None))
    return out


def raw_postings(leaf, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnum within the segment, term frequency) of each of one segment's postings of a term it
    has, deleted documents included: the segment's own posting list, not `leaf.postings`, whose
    filter of deleted documents depends on the generation (and steps past those at its head)."""
    tbytes = leaf._text_to_bytes(field, term)
    m = leaf._terms.matcher(field, tbytes, leaf.schema[field].format)
    ids, tf = _blocks(m) if isinstance(m, W3LeafMatcher) else one_by_one(m)
    ids.flags.writeable = tf.flags.writeable = False  # kept and shared: never changed in place
    return ids, tf


def field_lengths(leaf, field: str) -> np.ndarray:
    """Each of the segment's documents' length in `field` as Whoosh scores it (quantised to a
    byte, 1 for none)."""
    found = np.array([leaf.doc_field_length(d, field, 1) or 1 for d in range(leaf.doc_count_all())], np.float64)
    found.flags.writeable = False
    return found


def one_by_one(m, scored: bool = False) -> tuple[np.ndarray, np.ndarray]:
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
    """Every (docnum, term frequency) of a posting list, a block at a time."""
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.extend(m._ids)
        weights.extend(m._weights)
        m._next_block()
    return np.array(ids, np.int32), np.array(weights, np.float64)
