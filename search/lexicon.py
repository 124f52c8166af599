"""What one generation's index knows: every term in any field (and which fields), and the
vocabulary of the main fields with document frequencies (for typo correction and
transliteration).

Read segment by segment. A Whoosh segment never changes once written (a deletion only marks
documents, and a term's statistics keep counting them until segments are merged), so what one
segment holds is the same in every generation that has it. A single-card change adds one small
segment to a copy of its parent's: its lexicon reads that segment and takes the parent's figures
for the others (`previous`), and comes out equal to one read from scratch.
"""

from __future__ import annotations

from typing import NamedTuple

from search.vocabulary import Vocabulary
from store import whoosh_segments
from store.fields import MAIN_FIELDS


class SegmentTerms(NamedTuple):
    """One segment's terms: the fields each occurs in (one bit each), and the document frequency
    of each term of the main fields, summed over them."""

    known: dict[str, int]
    df: dict[str, int]


def _read_segment(reader, field_bits: dict[str, int]) -> SegmentTerms:
    known: dict[str, int] = {}
    df: dict[str, int] = {}
    for name, bit in field_bits.items():
        main = name in MAIN_FIELDS
        # iter_field walks the term index once, with each term's statistics at hand.
        for raw, info in reader.iter_field(name):
            term = raw.decode("utf-8")
            known[term] = known.get(term, 0) | bit
            if main:
                df[term] = df.get(term, 0) + info.doc_frequency()
    return SegmentTerms(known, df)


def _read_sidecar(files, field_bits: dict[str, int]) -> SegmentTerms:
    """The same from the segment's postings sidecar (a term's document frequency in a field is
    the length of its posting list there, deleted documents included, as Whoosh counts it)."""
    known: dict[str, int] = {}
    df: dict[str, int] = {}
    main = {field for field in field_bits if field in MAIN_FIELDS}
    for field, term, postings in files.terms():
        bit = field_bits.get(field)
        if bit is None:
            continue
        known[term] = known.get(term, 0) | bit
        if field in main:
            df[term] = df.get(term, 0) + postings
    return SegmentTerms(known, df)


def _union(parts: list[SegmentTerms]) -> SegmentTerms:
    """The index's terms from its segments' (Whoosh sums a term's statistics over segments)."""
    if len(parts) == 1:
        return parts[0]  # shared, never modified
    parts = sorted(parts, key=lambda p: len(p.known), reverse=True)
    known, df = dict(parts[0].known), dict(parts[0].df)
    for part in parts[1:]:
        for term, bits in part.known.items():
            known[term] = known.get(term, 0) | bits
        for term, n in part.df.items():
            df[term] = df.get(term, 0) + n
    return SegmentTerms(known, df)


class Lexicon:
    def __init__(self, reader, fields: tuple[str, ...], previous: Lexicon | None = None, sidecar: dict | None = None):
        """`reader`: the generation's Whoosh reader. `previous`: the lexicon of a generation this
        one was copied from, whose segments' terms are taken rather than read again. `sidecar`:
        the generation's postings sidecar by segment id (store/segment_postings.py), read instead
        of Whoosh's term index for the segments it has."""
        sidecar = sidecar or {}
        self.field_bits = {name: 1 << i for i, name in enumerate(fields)}
        reusable = previous.segments if previous is not None and previous.field_bits == self.field_bits else {}
        self.segments: dict[str, SegmentTerms] = {}  # Whoosh segment id → its terms
        parts = []
        for leaf, _base, key in whoosh_segments.leaves(reader):
            terms = reusable.get(key) if key is not None else None
            if terms is None:
                files = sidecar.get(key)
                terms = _read_segment(leaf, self.field_bits) if files is None else _read_sidecar(files, self.field_bits)
            if key is not None:
                self.segments[key] = terms
            parts.append(terms)
        union = _union(parts) if parts else SegmentTerms({}, {})
        # Term → the fields it occurs in, one bit each (field_bits): a term's postings are read
        # only from those, never looked up in the others.
        self.known = union.known
        self.vocab = Vocabulary(union.df, previous=previous.vocab if previous is not None else None)
