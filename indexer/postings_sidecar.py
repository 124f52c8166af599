"""Writing a generation's postings sidecar (store/segment_postings.py) from its committed Whoosh
index: a folder per segment that has none yet (all of them for a build; for a single-card change
the segment it added, or the one Whoosh merged small segments into), and none left for a segment
the index no longer has."""

from __future__ import annotations

from pathlib import Path

from store import segment_postings, whoosh_segments
from store.fields import SEARCH_FIELDS


def complete(generation: Path, reader) -> None:
    """`reader`: a Whoosh reader on the generation's committed index."""
    leaves = [(leaf, segment) for leaf, _, segment in whoosh_segments.leaves(reader) if segment is not None]
    have = segment_postings.keep_only(generation, {segment for _, segment in leaves})
    for leaf, segment in leaves:
        if segment not in have:
            write_segment(generation, leaf, segment)


def write_segment(generation: Path, leaf, segment: str) -> None:
    fields = [f for f in SEARCH_FIELDS if f in leaf.schema]

    def postings():
        for field in fields:
            for raw in leaf.lexicon(field):
                term = raw.decode("utf-8")
                ids, tf = whoosh_segments.raw_postings(leaf, field, term)
                yield field, term, ids, tf

    lengths = [whoosh_segments.field_lengths(leaf, field) for field in fields]
    segment_postings.write(
        segment_postings.folder(generation), segment, fields, leaf.doc_count_all(), postings(), lengths
    )
