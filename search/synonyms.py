"""Synonyms and colloquial names (corpus/synonyms.tsv, carried by each index generation).

Each line is one group of equivalent expressions separated by TABs; lines starting with # are
comments. Expressions are analysed with the same chain as queries, so a group written with
half-spaces also fires for a query typed without them. At query time, an expression found in the
query gains the other members of its group as alternatives (at a slightly lower weight); the cards
are never rewritten, so the judgement of what a card says stays with the card.
"""

from __future__ import annotations

import functools

from analyzers import terms as analyze_terms
from search.vocabulary import Vocabulary

Expr = tuple[str, ...]


class Synonyms:
    def __init__(self, text: str = ""):
        self.groups: dict[Expr, set[Expr]] = {}
        self.longest = 1
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            members = {tuple(analyze_terms(m)) for m in line.split("\t") if m.strip()}
            members.discard(())
            if len(members) < 2:
                continue
            for m in members:
                self.groups.setdefault(m, set()).update(members - {m})
                self.longest = max(self.longest, len(m))

    @functools.cached_property
    def words(self) -> Vocabulary:
        """Every word of every expression: what misspelt colloquial words are corrected to."""
        return Vocabulary({w: 1 for expr in self.groups for w in expr})

    def has_word(self, word: str) -> bool:
        return word in self.words

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """The file's words within the word's typo budget, closest first."""
        return self.words.corrections(word, 1)

    def __len__(self) -> int:
        return len(self.groups)

    def match(self, terms: list[str], start: int) -> tuple[int, set[Expr]]:
        """(length, alternatives) of the longest expression starting at `start`, or (0, set())."""
        for n in range(min(self.longest, len(terms) - start), 0, -1):
            expr = tuple(terms[start : start + n])
            if expr in self.groups:
                return n, self.groups[expr]
        return 0, set()
