"""The index vocabulary of one generation, for typo correction and for checking candidates
(transliterations, keyboard-layout fixes, split compounds) against what the cards really say.

Typo candidates come from a deletion index (SymSpell): every term is stored under the strings
obtained by deleting one or two of its letters, so a misspelt query word finds the terms within
edit distance two by looking up its own deletions, with no scan of the vocabulary.
"""

from __future__ import annotations

import functools
from collections import defaultdict

KEPT_CORRECTIONS = 10_000  # words whose corrections a vocabulary keeps (forgotten all at once past it)


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def max_typos(word: str) -> int:
    """Edits tolerated for a word of this length: short words have too many neighbours."""
    n = len(word)
    if n <= 3:
        return 0
    if n <= 6:
        return 1
    return 2


# Beyond this many terms come or gone, the deletion index is built anew rather than patched.
MAX_PATCHED_TERMS = 2000


def _typo_indexed(term: str) -> bool:
    return not term.isdigit() and len(term) >= 3


def _term_deletes(term: str) -> set[str]:
    return _deletes(term, max(1, max_typos(term)))


def _delete_index(terms) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        if _typo_indexed(term):
            for d in _term_deletes(term):
                index[d].append(term)
    return dict(index)


def _patched(index: dict[str, list[str]] | None, before, after) -> dict[str, list[str]] | None:
    """The deletion index of the terms `after` from `index`, that of the terms `before`; None when
    there is nothing to patch or so much that building anew is cheaper. `index` is left as it is:
    the generation it belongs to may still be serving, so every list touched is a new one."""
    if index is None:
        return None
    added = [t for t in after.keys() - before.keys() if _typo_indexed(t)]
    removed = [t for t in before.keys() - after.keys() if _typo_indexed(t)]
    if len(added) + len(removed) > MAX_PATCHED_TERMS:
        return None
    if not added and not removed:
        return index  # the same terms: the same index (only frequencies differ, read from df)
    patched = dict(index)
    for term in removed:
        for d in _term_deletes(term):
            kept = [t for t in patched[d] if t != term]
            if kept:
                patched[d] = kept
            else:
                del patched[d]
    for term in added:
        for d in _term_deletes(term):
            patched[d] = [*patched.get(d, ()), term]
    return patched


class Vocabulary:
    def __init__(self, doc_freq: dict[str, int], previous: Vocabulary | None = None):
        """`previous`: the vocabulary of the generation this one was copied from; its deletion
        index, once built, is patched with the terms that came and went instead of built anew."""
        self.df = doc_freq
        self._deletes: dict[str, list[str]] | None = None
        self._corrections: dict[tuple[str, int], tuple[tuple[str, int], ...]] = {}
        self._previous = previous

    def __contains__(self, term: str) -> bool:
        return term in self.df

    def freq(self, term: str) -> int:
        return self.df.get(term, 0)

    def warm(self) -> None:
        """Build the deletion index now (at load), not in the first request that needs it."""
        self._delete_index()

    def _delete_index(self) -> dict[str, list[str]]:
        if self._deletes is None:
            previous, self._previous = self._previous, None
            patched = _patched(previous._deletes, previous.df, self.df) if previous is not None else None
            self._deletes = patched if patched is not None else _delete_index(self.df)
        return self._deletes

    def corrections(self, word: str, limit: int = 3) -> list[tuple[str, int]]:
        """Vocabulary terms within the word's typo budget, closest and most frequent first. Kept
        by word (the vocabulary never changes; queries repeat their words)."""
        found = self._corrections.get((word, limit))
        if found is None:
            if len(self._corrections) >= KEPT_CORRECTIONS:
                self._corrections.clear()
            found = self._corrections[word, limit] = tuple(self._find_corrections(word, limit))
        return list(found)

    def _find_corrections(self, word: str, limit: int) -> list[tuple[str, int]]:
        budget = max_typos(word)
        if budget == 0 or word.isdigit() or word.isascii():
            return []
        index = self._delete_index()
        seen: set[str] = set()
        scored: list[tuple[int, int, str]] = []
        for d in _deletes(word, budget):
            for term in index.get(d, ()):
                if term in seen or term == word:
                    continue
                seen.add(term)
                dist = damerau_levenshtein(word, term, budget + 1)
                if dist <= min(budget, max_typos(term) or 1):
                    scored.append((dist, -self.df[term], term))
        scored.sort()
        return [(t, d) for d, _f, t in scored[:limit]]

    @functools.cached_property
    def prefixes(self) -> frozenset[str]:
        """Every prefix of every term: lets transliteration prune candidates letter by letter."""
        return frozenset(t[:i] for t in self.df for i in range(1, len(t) + 1))
