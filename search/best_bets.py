"""Curated best bets (corpus/best_bets.tsv, carried by each generation): for a query, services
pinned above the ranked results. Lines are `query<TAB>id id ...`; # starts a comment. The query is
analysed like any query, so the pin fires however the query is spelt."""

from __future__ import annotations

from analyzers import terms as analyze_terms


class BestBets:
    def __init__(self, text: str = ""):
        self.pins: dict[tuple[str, ...], list[str]] = {}
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#") or "\t" not in line:
                continue
            query, ids = line.split("\t", 1)
            key = tuple(analyze_terms(query))
            if key:
                self.pins[key] = ids.split()

    def __len__(self) -> int:
        return len(self.pins)

    def lookup(self, terms: list[str]) -> list[str]:
        return self.pins.get(tuple(terms), [])
