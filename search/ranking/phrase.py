"""Phrase signal: the query's words adjacent in the title, in order (تمدید گذرنامه in «تمدید
گذرنامه عادی»), as a share of the query."""

from __future__ import annotations

PHRASE_BOOST = 0.3


def phrase_score(title: tuple[str, ...], slot_terms: list[set[str]]) -> float:
    """Longest run of consecutive slots matched by consecutive title words, as a share of the query."""
    if len(slot_terms) < 2 or not title:
        return 0.0
    best = 0
    for start in range(len(title)):
        run = 0
        for allowed in slot_terms:
            if start + run < len(title) and title[start + run] in allowed:
                run += 1
            elif run:
                break
        best = max(best, run)
    return best / len(slot_terms) if best >= 2 else 0.0
