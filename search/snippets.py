"""Short plain-text extracts of a card for result lists."""

from __future__ import annotations

SNIPPET_WORDS = 36


def snippet(description: str) -> str:
    """The opening of a description, cut at a word boundary."""
    # Split no further than needed: a long description's tail is never looked at.
    words = description.split(None, SNIPPET_WORDS)
    if len(words) <= SNIPPET_WORDS:
        return " ".join(words)
    return " ".join(words[:SNIPPET_WORDS]) + " …"
