"""Short plain-text extracts of a card for result lists."""

from __future__ import annotations

import functools

SNIPPET_WORDS = 36


# A card's snippet is the same on every page it is on; its description is the same string object
# (generation.shown keeps cards), whose hash Python keeps, so finding it again costs no scan.
@functools.lru_cache(maxsize=1024)
def snippet(description: str) -> str:
    """The opening of a description, cut at a word boundary."""
    # Split no further than needed: a long description's tail is never looked at.
    words = description.split(None, SNIPPET_WORDS)
    if len(words) <= SNIPPET_WORDS:
        return " ".join(words)
    return " ".join(words[:SNIPPET_WORDS]) + " …"
