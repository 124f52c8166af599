"""From a citizen's text to a Whoosh query object, built term by term.

The text never reaches Whoosh's query parser: it is analysed by the same chain as the cards and
each resulting term becomes a Term query, so `field:value`, `*`, `~` or `^` are just characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from analyzers import Token, analyze

# BM25F field weights: title > keywords > agency > description > documents and steps.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 6.0,
    "keywords": 3.5,
    "agency": 2.0,
    "cluster": 1.2,
    "description": 1.0,
    "body": 0.5,
}
PARTS_WEIGHT = 0.6  # a part of a compound: گواهی in گواهی‌نامه
JOINED_WEIGHT = 0.9  # two words of the card written together match one query word

MAX_TERMS = 32  # a longer query is cut: no citizen's need takes more words


@dataclass
class Plan:
    """What the engine will run for one query text."""

    terms: list[str]  # the content terms, in order
    joined: dict[int, list[str]] = field(default_factory=dict)  # position → query words written together
    interpretation: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms


def plan(text: str) -> Plan:
    tokens: list[Token] = analyze(text)
    terms = [t for t in tokens if t.kind == "term"][:MAX_TERMS]
    joined: dict[int, list[str]] = {}
    for t in tokens:
        if t.kind == "joined":
            joined.setdefault(t.pos, []).append(t.text)
            joined.setdefault(t.pos + 1, []).append(t.text)
    positions = [t.pos for t in terms]
    return Plan([t.text for t in terms], {i: joined.get(p, []) for i, p in enumerate(positions)})


def term_clause(term: str, together: list[str]) -> wq.Query:
    """Everything that lets one query word match a card."""
    alternatives: list[wq.Query] = [wq.Term(f, term, boost=w) for f, w in FIELD_WEIGHTS.items()]
    alternatives.append(wq.Term("parts", term, boost=PARTS_WEIGHT))
    alternatives.append(wq.Term("joined", term, boost=JOINED_WEIGHT))
    for word in together:
        alternatives.extend(wq.Term(f, word, boost=w * JOINED_WEIGHT) for f, w in FIELD_WEIGHTS.items())
    return wq.Or(alternatives)


def build(p: Plan, *, require_all: bool = True) -> wq.Query:
    clauses = [term_clause(t, p.joined.get(i, [])) for i, t in enumerate(p.terms)]
    if len(clauses) == 1:
        return clauses[0]
    return wq.And(clauses) if require_all else wq.Or(clauses)
