"""As-you-type suggestions from service titles and the names people search by.

Each query word must be the beginning of some word of a suggestion (the last one may be partial:
«گواهی ر» suggests «تمدید گواهینامه رانندگی»), after the same letter folds as search, so Arabic
ي/ك, missing half-spaces and hamza seats do not matter. Words are kept in one sorted list, so a
prefix is found by bisection, not by scanning every suggestion.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from analyzers import fold_words
from search.understanding import layout_repair

MAX_SUGGESTIONS = 10


@functools.lru_cache(maxsize=20_000)  # keywords repeat from card to card; cleared after a build
def _memo_fold(text: str) -> tuple[str, ...]:
    return fold_words(text)


@dataclass(frozen=True)
class Suggestion:
    text: str
    id: str | None
    kind: str  # "service" | "query"
    weight: float


class Suggester:
    def __init__(self, entries: list[Suggestion]):
        self.entries = entries
        folded = [_memo_fold(e.text) for e in entries]
        self.first_word = [ws[0] if ws else "" for ws in folded]
        pairs = sorted({(w, i) for i, ws in enumerate(folded) for w in ws})
        self._keys = [w for w, _ in pairs]
        self._ids = [i for _, i in pairs]

    @classmethod
    def from_cards(cls, cards: list[dict]) -> Suggester:
        entries: list[Suggestion] = []
        names: dict[str, tuple[str, float]] = {}
        for card in cards:
            if card is None:
                continue
            pop = float(card.get("popularity") or 0)
            entries.append(Suggestion(card["title"], card["id"], "service", pop))
            # Keywords are the names people search by (پاسپورت, خلافی): offered as queries.
            for kw in card.get("keywords") or []:
                key = " ".join(_memo_fold(kw))
                if key:
                    text, weight = names.get(key, (kw, 0.0))
                    names[key] = (text, max(weight, pop))
        entries.extend(Suggestion(text, None, "query", weight) for text, weight in names.values())
        try:
            return cls(entries)
        finally:
            _memo_fold.cache_clear()

    def _starting_with(self, prefix: str) -> set[int]:
        lo = bisect.bisect_left(self._keys, prefix)
        hi = bisect.bisect_left(self._keys, prefix + "\U0010ffff")
        return set(self._ids[lo:hi])

    def suggest(self, q: str, limit: int = MAX_SUGGESTIONS) -> list[dict]:
        found = self._match(q)
        if not found and layout_repair.looks_mistyped(q):
            found = self._match(layout_repair.to_persian(q))
        words = fold_words(q) or fold_words(layout_repair.to_persian(q))
        head = words[0] if words else ""
        # Suggestions that begin the way the query begins come first, then the most demanded.
        ranked = sorted(
            found,
            key=lambda i: (not self.first_word[i].startswith(head), -self.entries[i].weight, self.entries[i].text),
        )
        seen: set[str] = set()
        out = []
        for i in ranked:
            e = self.entries[i]
            if e.text in seen:
                continue
            seen.add(e.text)
            out.append({"text": e.text, "id": e.id, "kind": e.kind})
            if len(out) == limit:
                break
        return out

    def _match(self, q: str) -> set[int]:
        words = fold_words(q)
        if not words:
            return set()
        found: set[int] | None = None
        for w in words:
            ids = self._starting_with(w)
            found = ids if found is None else found & ids
            if not found:
                return set()
        return found or set()
