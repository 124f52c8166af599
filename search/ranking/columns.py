"""What the signals read of every card, as arrays built once per generation, so that a page's
candidates are re-scored together (combine.py): each title's words as ids, which of them are the
default action's subject words, the card's agency by its distinctive words and its popularity prior.
A query then answers a title word by an id lookup, and the candidates whose score no title signal
can change are scored with no per-candidate work at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Title words kept per card: a longer title (none of the catalogue's comes close) is left to the
# per-candidate signals whole, its bound the largest any title can have.
TITLE_WIDTH = 16


@dataclass(frozen=True, eq=False)
class Columns:
    words: dict[str, int]  # a title or agency word → its id
    title: np.ndarray  # (cards, TITLE_WIDTH) intp: the title's word ids, `len(words)` past its end
    full: np.ndarray  # uint32: a bit for each title position (none fits a longer title: 1 << TITLE_WIDTH)
    subject: np.ndarray  # uint16: a bit for each position of a word default_action needs answered
    long: np.ndarray  # bool: the title has more than TITLE_WIDTH words
    agency: np.ndarray  # intp: the card's distinctive agency words, as an id (0: none)
    naming: dict[str, tuple[int, ...]]  # a word → the agency ids whose distinctive words it is
    agencies: int  # agency ids run from 0 to agencies - 1
    prior: np.ndarray  # float64: the popularity prior

    def answered_bits(self, answered: set[str], docnums: np.ndarray) -> np.ndarray:
        """uint16 for each card of `docnums`: a bit for each title position whose word answers the query."""
        mask = np.zeros(len(self.words) + 1, bool)  # by word id, and past a title's end
        ids = [i for i in map(self.words.get, answered) if i is not None]
        if ids:
            mask[ids] = True
        hits = mask.take(self.title.take(docnums, axis=0))
        return np.packbits(hits, axis=1, bitorder="little").view("<u2").ravel()

    def named(self, answered: set[str], docnums: np.ndarray) -> np.ndarray:
        """Bool for each card of `docnums`: the query says one of its agency's distinctive words."""
        mask = np.zeros(self.agencies, bool)
        ids = [i for t in answered for i in self.naming.get(t, ())]
        if ids:
            mask[ids] = True
        return mask.take(self.agency.take(docnums))


def build(
    titles: Sequence[tuple[str, ...]],
    subjects: Sequence[frozenset[str]],
    agency_terms: Sequence[frozenset[str]],
    prior: Sequence[float],
) -> Columns:
    """The columns of a generation's cards, by docnum (`titles`: the analysed titles; `subjects`:
    default_action.subject_words of each; `agency_terms`: each card's distinctive agency words)."""
    words: dict[str, int] = {}
    for title in titles:
        for w in title:
            words.setdefault(w, len(words))
    size, pad = len(titles), len(words)
    title_ids = np.full((size, TITLE_WIDTH), pad, np.intp)
    full = np.zeros(size, np.uint32)
    subject = np.zeros(size, np.uint16)
    for d, (title, subj) in enumerate(zip(titles, subjects, strict=True)):
        kept = title[:TITLE_WIDTH]
        title_ids[d, : len(kept)] = [words[w] for w in kept]
        full[d] = (1 << len(title)) - 1 if len(title) <= TITLE_WIDTH else 1 << TITLE_WIDTH
        subject[d] = sum(1 << j for j, w in enumerate(kept) if w in subj)
    # One id per distinct set of agency words (the empty set first: a card naming no agency).
    agency_id: dict[frozenset[str], int] = {frozenset(): 0}
    agency = np.array([agency_id.setdefault(ts, len(agency_id)) for ts in agency_terms], np.intp)
    naming: dict[str, list[int]] = {}
    for ts, i in agency_id.items():
        for t in ts:
            naming.setdefault(t, []).append(i)
    return Columns(
        words,
        title_ids,
        full,
        subject,
        np.array([len(t) > TITLE_WIDTH for t in titles], bool),
        agency,
        {t: tuple(ids) for t, ids in naming.items()},
        len(agency_id),
        np.array(prior, np.float64),
    )
