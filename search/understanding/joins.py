"""Step: two query words written apart that the cards write as one (اظهار نامه → اظهارنامه).

The analyzer gives every pair of neighbouring words its joined form. The index knows that form
when a card writes it as one word, and also when a card has the two words side by side (the
derived `joined` field): either way the two words become one slot, satisfied by both words or by
the joined form. The pair replaces the one-word slot of its first word, synonyms included, and the
second word is not looked up for synonyms (a known gap: tests/test_understanding.py).
"""

from __future__ import annotations

from analyzers import Token
from search.understanding.context import Context
from search.understanding.plan import Alternative, Slot

SWITCH = "joins"
WEIGHT = 0.9


def pair_slot(terms: list[Token], i: int, joined: dict[int, str], ctx: Context) -> Slot | None:
    """A slot for `terms[i]` and its neighbour, or None when the index does not know them joined."""
    if not ctx.signals.joins or i + 1 >= len(terms):
        return None
    first, second = terms[i], terms[i + 1]
    if second.pos != first.pos + 1:
        return None  # a stop word stood between them
    together = joined.get(first.pos)
    if not together or together not in ctx.lex.known or together == first.text:
        return None
    pair = (first.text, second.text)
    return Slot(pair, [Alternative(pair), Alternative((together,), WEIGHT, "joined")], word_pos=first.pos)
