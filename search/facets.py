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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analyzers import fold_words
from search.labels import label
from search.results import FacetValue

if TYPE_CHECKING:
    from search.generation import LoadedGeneration

FACETS = ("cluster", "agency", "audience", "level", "channel")


@functools.lru_cache(maxsize=4096)
def fold_value(value: str) -> str:
    """A facet value as filters compare it: folded letters, no spaces or half-spaces, lower case."""
    return "".join(fold_words(value)) or value.strip().lower()


def card_facet_values(card: dict, facet: str) -> list[str]:
    """The values a card has for one facet (several for multi-valued facets)."""
    if facet == "audience":
        return list(card.get("audience") or [])
    if facet == "channel":
        return sorted({c.get("type") for c in card.get("channels") or [] if c.get("type")})
    if facet == "level":
        return [card["level"]] if card.get("level") else []
    return [card[facet]]


@dataclass
class FacetColumn:
    """One facet's (document, value) pairs as parallel arrays: card pair_doc[i] has value
    values[pair_ord[i]]. Counting the values of a set of cards is one bincount."""

    values: list[str]
    pair_doc: np.ndarray  # int32 docnums
    pair_ord: np.ndarray  # int32 value ordinals
    _labels: list[str] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Value → ordinal."""
        return {v: i for i, v in enumerate(self.values)}

    def labels(self, facet: str) -> list[str]:
        """By ordinal, how the value is shown (labels.py), made once per generation."""
        if self._labels is None:
            self._labels = [label(facet, v) for v in self.values]
        return self._labels

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

    @functools.cached_property
    def rank(self) -> np.ndarray:
        """By ordinal, the value's place in alphabetical order (ties in counts are listed so)."""
        rank = np.empty(len(self.values), np.int32)
        rank[sorted(range(len(self.values)), key=self.values.__getitem__)] = np.arange(len(self.values), dtype=np.int32)
        return rank


@dataclass
class FacetTable:
    """Every facet's values of each card in one row per docnum: ordinals offset per facet (facet
    f's values are ordinals ranges[f][0] to ranges[f][1]), padded with `values` (an extra bin,
    never listed). Counting every facet over the cards a query matched is one gather of their
    rows and one bincount, whatever the size of the catalogue."""

    rows: np.ndarray  # (docnums, widest row)
    ranges: dict[str, tuple[int, int]]
    values: int  # ordinals in all


def facet_table(columns: dict[str, FacetColumn], size: int) -> FacetTable:
    """Every facet's columns as one table of rows by docnum (see FacetTable)."""
    ranges, offset = {}, 0
    for f in FACETS:
        ranges[f] = (offset, offset + len(columns[f].values))
        offset += len(columns[f].values)
    doc = np.concatenate([columns[f].pair_doc for f in FACETS])
    ordinal = np.concatenate([columns[f].pair_ord + ranges[f][0] for f in FACETS])
    order = np.argsort(doc, kind="stable")
    doc, ordinal = doc[order], ordinal[order]
    per_doc = np.bincount(doc, minlength=size)
    first = np.concatenate(([0], np.cumsum(per_doc)[:-1]))
    rows = np.full((size, max(1, int(per_doc.max(initial=0)))), offset, np.int32)
    rows[doc, np.arange(len(doc)) - first[doc]] = ordinal
    return FacetTable(rows, ranges, offset)


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
) -> dict[str, list[FacetValue]]:
    """Every facet's listing for a request: each facet counts the matched cards that every other
    facet's selection allows (`allowed`: facet → cards its selected values allow)."""
    by_facet, made = {}, {}
    for f in FACETS:
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
    """Value counts of every facet over its own bool vector of cards, most frequent first.

    Facets counted over the same vector (all of them when nothing is filtered; four of five when
    one facet is) share one count: the matched cards' rows of the facet table, one bincount."""
    table = gen.facet_table
    out: dict[str, list[FacetValue]] = {}
    groups: dict[int, list[str]] = {}
    for f, d in docs.items():
        groups.setdefault(id(d), []).append(f)
    for together in groups.values():
        rows = table.rows[np.flatnonzero(docs[together[0]])]
        counts = np.bincount(rows.ravel(), minlength=table.values + 1)
        for f in together:
            lo, hi = table.ranges[f]
            out[f] = _listing(f, gen.facets[f], counts[lo:hi], selected.get(f, []), limit)
    return {f: out[f] for f in docs}


def _listing(facet: str, column, counts: np.ndarray, selected: list[str], limit: int | None) -> list[FacetValue]:
    present = np.flatnonzero(counts)
    # Most frequent first, ties by value: ordered in numpy by (count, the value's rank).
    present = present[np.lexsort((column.rank[present], -counts[present]))]
    if limit is not None:
        present = present[:limit]
    values, folded, labels = column.values, column.folded, column.labels(facet)
    chosen = {fold_value(s) for s in selected} if selected else ()
    # Python ints from numpy once (indexing a list with numpy integers costs more than the list).
    listed = present.tolist()
    out = [
        FacetValue(values[o], c, folded[o] in chosen, labels[o])
        for o, c in zip(listed, counts[present].tolist(), strict=False)
    ]
    # Selected values are always listed: as the cards write them, or as sent if no card has them.
    shown = set(listed)
    for s in selected:
        ordinals = column.by_folded.get(fold_value(s))
        if not ordinals:
            out.append(FacetValue(s, 0, True, label(facet, s)))
            continue
        for o in ordinals:
            if o not in shown:
                shown.add(o)
                out.append(FacetValue(values[o], int(counts[o]), True, label(facet, values[o])))
    return out
