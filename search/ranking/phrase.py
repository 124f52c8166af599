"""Phrase signal: the query's words adjacent in the title, in order (تمدید گذرنامه in «تمدید
گذرنامه عادی»), as a share of the query."""

from __future__ import annotations

PHRASE_BOOST = 0.3


def phrase_score(title: tuple[str, ...], slot_terms: list[set[str]]) -> float:
    """Longest run of consecutive slots matched by consecutive title words, as a share of the query."""
    slots, length = len(slot_terms), len(title)
    if slots < 2 or not title:
        return 0.0
    best = 0
    for start, word in enumerate(title):
        # A run from this word begins at the first slot it answers.
        first = 0
        while first < slots and word not in slot_terms[first]:
            first += 1
        if first == slots:
            continue
        run = 1
        while first + run < slots and start + run < length and title[start + run] in slot_terms[first + run]:
            run += 1
        best = max(best, run)
    return best / slots if best >= 2 else 0.0
