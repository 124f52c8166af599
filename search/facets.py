"""Facets: each card's values as columns built when a generation is opened, and filters and counts
over them (no Whoosh `groupedby`).

Counts follow what multi-select facet interfaces need: a facet's counts apply every filter except
its own, so ticking one agency does not hide the others; selected values are always listed.
Sets of cards are bool vectors by docnum.

Selected values are matched after the letter folds text gets (ي/ك, hamza seats, half-spaces, digits;
analyzers.fold_words) and with no regard to spaces, so a cluster typed with Arabic ي or without its
half-space selects the cluster as the cards write it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analyzers import fold_words
from search.labels import label
from search.results import FacetValue
from store.card_facts import FACETS

if TYPE_CHECKING:
    from search.generation import LoadedGeneration


@functools.lru_cache(maxsize=4096)
def fold_value(value: str) -> str:
    """A facet value as filters compare it: folded letters, no spaces or half-spaces, lower case."""
    return "".join(fold_words(value)) or value.strip().lower()


@dataclass
class FacetColumn:
    """One facet's (document, value) pairs as parallel arrays: card pair_doc[i] has value
    values[pair_ord[i]]."""

    values: list[str]
    pair_doc: np.ndarray  # int32 docnums
    pair_ord: np.ndarray  # int32 value ordinals

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Value → ordinal."""
        return {v: i for i, v in enumerate(self.values)}

    @functools.cached_property
    def folded(self) -> list[str]:
        """By ordinal, the value folded (fold_value)."""
        return [fold_value(v) for v in self.values]

    @functools.cached_property
    def by_folded(self) -> dict[str, list[int]]:
        """Folded value → the ordinals of the values that fold to it."""
        out: dict[str, list[int]] = {}
        for i, key in enumerate(self.folded):
            out.setdefault(key, []).append(i)
        return out


@dataclass
class FacetTable:
    """Every facet's values of each card in one row per docnum, each facet in its own block of
    columns (`blocks[f]`, as wide as the most values a card has for it) holding ordinals offset per
    facet (facet f's values are ordinals ranges[f][0] to ranges[f][1]), padded with `values` (an
    extra bin, never listed). Counting some facets over the cards a query matched is one gather of
    those cards' rows, in those facets' columns only, and one bincount.

    What a listing shows of a value (its name, label, fold, alphabetical place) is kept by ordinal
    over every facet, made with the generation, so that a request counts, sorts once and slices."""

    rows: np.ndarray  # (docnums, columns of every block)
    ranges: dict[str, tuple[int, int]]
    blocks: dict[str, tuple[int, int]]
    values: int  # ordinals in all
    facet_of: np.ndarray  # by ordinal, its facet's place in FACETS
    rank: np.ndarray  # by ordinal, the value's place in alphabetical order among its facet's
    names: list[str]  # by ordinal, the value as the cards write it
    labels: list[str]  # by ordinal, how the value is shown (labels.py)
    folded: list[str]  # by ordinal, the value folded (fold_value)
    _columns: dict[tuple[str, ...], slice | np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def columns(self, facets: tuple[str, ...]) -> slice | np.ndarray:
        """The columns of these facets' blocks: a slice when they are side by side (every facet,
        or neighbours such as cluster and agency), else their indices. Made once per set asked."""
        found = self._columns.get(facets)
        if found is None:
            spans = sorted(self.blocks[f] for f in facets)
            if not spans:
                found = slice(0, 0)
            elif all(a[1] == b[0] for a, b in itertools.pairwise(spans)):
                found = slice(spans[0][0], spans[-1][1])
            else:
                found = np.concatenate([np.arange(lo, hi) for lo, hi in spans]).astype(np.intp)
            self._columns[facets] = found
        return found

    def count(self, docs: np.ndarray, facets: tuple[str, ...]) -> np.ndarray:
        """Counts by ordinal of these facets' values over a bool vector of cards (other facets'
        ordinals count 0)."""
        cards, columns = np.flatnonzero(docs), self.columns(facets)
        picked = self.rows[cards, columns] if isinstance(columns, slice) else self.rows[cards[:, None], columns]
        return np.bincount(picked.ravel(), minlength=self.values + 1)

    def ranked(self, counts: np.ndarray, limit: int | None) -> list[tuple[list[int], list[int]]]:
        """By facet (in FACETS order), the ordinals counted and their counts: most frequent first,
        ties in alphabetical order, at most `limit` of each facet. One sort for every facet."""
        present = np.flatnonzero(counts[: self.values])
        present = present[np.lexsort((self.rank[present], -counts[present], self.facet_of[present]))]
        bounds = np.searchsorted(self.facet_of[present], np.arange(len(FACETS) + 1)).tolist()
        spans = list(itertools.pairwise(bounds))
        if limit is not None and any(b - a > limit for a, b in spans):
            present = np.concatenate([present[a : min(b, a + limit)] for a, b in spans])
            ends = list(itertools.accumulate(min(b - a, limit) for a, b in spans))
            spans = list(itertools.pairwise([0, *ends]))
        ordinals, numbers = present.tolist(), counts[present].tolist()
        return [(ordinals[a:b], numbers[a:b]) for a, b in spans]


def facet_table(columns: dict[str, FacetColumn], size: int) -> FacetTable:
    """Every facet's columns as one table of rows by docnum, and what listings show of each value
    (see FacetTable)."""
    ranges, blocks, offset, width = {}, {}, 0, 0
    for f in FACETS:
        column = columns[f]
        ranges[f] = (offset, offset + len(column.values))
        offset += len(column.values)
        per_doc = np.bincount(column.pair_doc, minlength=size)
        blocks[f] = (width, width + int(per_doc.max(initial=0)))
        width = blocks[f][1]
    rows = np.full((size, width), offset, np.int32)
    for f in FACETS:
        column = columns[f]
        order = np.argsort(column.pair_doc, kind="stable")
        doc, ordinal = column.pair_doc[order], column.pair_ord[order] + ranges[f][0]
        per_doc = np.bincount(doc, minlength=size)
        first = np.concatenate(([0], np.cumsum(per_doc)[:-1])).astype(np.intp)
        rows[doc, blocks[f][0] + np.arange(len(doc)) - first[doc]] = ordinal
    facet_of = np.concatenate([np.full(len(columns[f].values), k, np.intp) for k, f in enumerate(FACETS)])
    rank = np.empty(offset, np.intp)
    for f in FACETS:
        values, lo = columns[f].values, ranges[f][0]
        rank[lo + np.array(sorted(range(len(values)), key=values.__getitem__), np.intp)] = np.arange(len(values))
    return FacetTable(
        rows,
        ranges,
        blocks,
        offset,
        facet_of,
        rank,
        names=[v for f in FACETS for v in columns[f].values],
        labels=[label(f, v) for f in FACETS for v in columns[f].values],
        folded=[v for f in FACETS for v in columns[f].folded],
    )


def facet_column(lines: np.ndarray, values_by_line: list[list[str]]) -> FacetColumn:
    """One facet's column by docnum, from each card line's values."""
    ordinals: dict[str, int] = {}
    pair_doc: list[int] = []
    pair_ord: list[int] = []
    for d, n in enumerate(lines):
        if n < 0:
            continue
        for v in values_by_line[n]:
            pair_doc.append(d)
            pair_ord.append(ordinals.setdefault(v, len(ordinals)))
    return FacetColumn(list(ordinals), np.array(pair_doc, np.int32), np.array(pair_ord, np.int32))


def allowed_by(gen: LoadedGeneration, facet: str, selected: Iterable[str]) -> np.ndarray:
    """Cards having any of the selected values of one facet (OR within a facet)."""
    column = gen.facets[facet]
    wanted = [i for key in {fold_value(v) for v in selected} for i in column.by_folded.get(key, ())]
    mask = np.zeros(gen.size, bool)
    mask[column.pair_doc[np.isin(column.pair_ord, wanted)]] = True
    return mask


def count_for_request(
    gen: LoadedGeneration,
    matched: np.ndarray,
    allowed: dict[str, np.ndarray],
    selected: dict[str, list[str]],
    limit: int | None,
    facets: tuple[str, ...] = FACETS,
) -> dict[str, list[FacetValue]]:
    """The listings of the facets asked for (`facets`, in that order; no other facet is counted):
    each counts the matched cards that every other facet's selection allows (`allowed`: facet →
    cards its selected values allow), a filter applying whether or not its facet is listed."""
    by_facet, made = {}, {}
    for f in facets:
        others = tuple(g for g in allowed if g != f)
        if others not in made:  # facets filtered by the same others share one vector
            docs = matched
            for g in others:
                docs = docs & allowed[g]
            made[others] = docs
        by_facet[f] = made[others]
    return count_all(gen, by_facet, selected, limit)


def count_all(
    gen: LoadedGeneration, docs: dict[str, np.ndarray], selected: dict[str, list[str]], limit: int | None = None
) -> dict[str, list[FacetValue]]:
    """Value counts of each facet in `docs` over its own bool vector of cards, most frequent first.

    Facets counted over the same vector (all of them when nothing is filtered; all but one when
    one facet is) share one count: the matched cards' rows of the facet table, in those facets'
    columns, one bincount. Then one sort lists every facet. A facet not in `docs` costs nothing."""
    table = gen.facet_table
    groups: dict[int, list[str]] = {}
    for f, d in docs.items():
        groups.setdefault(id(d), []).append(f)
    counts = None
    for together in groups.values():
        # A group counts only its own facets' values: the groups' counts add up without mixing.
        group = table.count(docs[together[0]], tuple(together))
        counts = group if counts is None else counts + group
    if counts is None:
        return {}
    ranked = table.ranked(counts, limit)
    return {f: _listing(table, gen.facets[f], f, counts, *ranked[FACETS.index(f)], selected.get(f, [])) for f in docs}


def _listing(
    table: FacetTable,
    column: FacetColumn,
    facet: str,
    counts: np.ndarray,
    ordinals: list[int],
    numbers: list[int],
    selected: list[str],
) -> list[FacetValue]:
    """One facet's values as listed, from its ordinals already ranked; selected values are always
    listed: as the cards write them, or as sent if no card has them."""
    names, labels = table.names, table.labels
    if not selected:
        return [FacetValue(names[o], n, False, labels[o]) for o, n in zip(ordinals, numbers, strict=True)]
    chosen, folded = {fold_value(s) for s in selected}, table.folded
    out = [FacetValue(names[o], n, folded[o] in chosen, labels[o]) for o, n in zip(ordinals, numbers, strict=True)]
    shown, lo = set(ordinals), table.ranges[facet][0]
    for s in selected:
        found = column.by_folded.get(fold_value(s))
        if not found:
            out.append(FacetValue(s, 0, True, label(facet, s)))
            continue
        for o in found:
            if lo + o not in shown:
                shown.add(lo + o)
                out.append(FacetValue(names[lo + o], int(counts[lo + o]), True, labels[lo + o]))
    return out
