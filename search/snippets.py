"""Short plain-text extracts of a card for result lists."""

from __future__ import annotations

SNIPPET_WORDS = 36


def snippet(card: dict) -> str:
    """The opening of the description, cut at a word boundary."""
    words = (card.get("description") or "").split()
    if len(words) <= SNIPPET_WORDS:
        return " ".join(words)
    return " ".join(words[:SNIPPET_WORDS]) + " …"
