"""What the signals read of every card, as arrays built once per generation, so that a page's
candidates are re-scored together (combine.py): each title's words as ids, which of them are the
default action's subject words, the card's agency by its distinctive words and its popularity prior.
A query then answers a title word by an id lookup, and the candidates whose score no title signal
can change are scored with no per-candidate work at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Title words kept per card (the bundled catalogue's longest title has 13): a longer title is left to the
# per-candidate signals whole, its bound the largest any title can have.
TITLE_WIDTH = 16
_POSITION_BITS = (1 << np.arange(TITLE_WIDTH)).astype(np.uint16)


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
        return hits.view(np.uint8) @ _POSITION_BITS

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
    kept = [title[:TITLE_WIDTH] for title in titles]
    lengths = np.fromiter(map(len, titles), np.intp, len(titles))
    filled = np.arange(TITLE_WIDTH) < np.minimum(lengths, TITLE_WIDTH)[:, None]  # the positions a title has
    title_ids = np.full((len(titles), TITLE_WIDTH), len(words), np.intp)
    title_ids[filled] = np.fromiter((words[w] for k in kept for w in k), np.intp)
    is_subject = np.zeros((len(titles), TITLE_WIDTH), bool)
    is_subject[filled] = np.fromiter((w in s for k, s in zip(kept, subjects, strict=True) for w in k), bool)
    full = np.where(lengths <= TITLE_WIDTH, (1 << np.minimum(lengths, TITLE_WIDTH)) - 1, 1 << TITLE_WIDTH)
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
        full.astype(np.uint32),
        is_subject.view(np.uint8) @ _POSITION_BITS,
        lengths > TITLE_WIDTH,
        agency,
        {t: tuple(ids) for t, ids in naming.items()},
        len(agency_id),
        np.array(prior, np.float64),
    )
