"""What a serving process reads of every card when it opens a generation: one short JSON line per
card in `facts.jsonl`, in the order of cards.jsonl (card_files.py), written with it by the indexer.

    [id, title, agency, cluster, popularity, electronic, e-readiness, [values of each of FACETS], [life events]]

Ranking, sorting, facets and the catalogue views need these few fields of every card, and a
card's line in cards.jsonl is its whole text (kilobytes): parsing each at load took most of a
50,000-card generation's opening.

A generation written before this file has none: its facts are made from its cards as the indexer
makes them (`of_card`), with the same result.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from store.report import STAGES

FACTS = "facts.jsonl"
FACETS = ("cluster", "agency", "audience", "level", "channel")


def facet_values(card: dict, facet: str) -> list[str]:
    """The values a card has for one facet (several for multi-valued facets)."""
    if facet == "audience":
        return list(card.get("audience") or [])
    if facet == "channel":
        return sorted({c.get("type") for c in card.get("channels") or [] if c.get("type")})
    if facet == "level":
        return [card["level"]] if card.get("level") else []
    return [card[facet]]


def e_readiness(card: dict) -> float:
    """The share of the service's four delivery stages that are electronic."""
    stages = card.get("e_stages") or {}
    return sum(bool(stages.get(s)) for s in STAGES) / len(STAGES)


def is_electronic(card: dict) -> bool:
    """The application stage is online: what `electronic=true` filters on."""
    return bool((card.get("e_stages") or {}).get("application"))


def of_card(card: dict) -> list:
    """A card's facts, as its line in facts.jsonl holds them."""
    return [
        card["id"],
        card["title"],
        card["agency"],
        card["cluster"],
        float(card.get("popularity") or 0),
        is_electronic(card),
        e_readiness(card),
        [facet_values(card, f) for f in FACETS],
        list(card.get("life_events") or ()),
    ]


def line(card: dict) -> bytes:
    return orjson.dumps(of_card(card)) + b"\n"


def lines_of(cards: Iterable[dict]) -> bytes:
    return b"".join(line(c) for c in cards)
