"""Step: two query words written apart that the cards write as one (اظهار نامه → اظهارنامه).

The analyzer gives every pair of neighbouring words its joined form. When a card writes that form
as one word, the two words become one slot, satisfied by both words or by the joined form. The
pair replaces the one-word slot of its first word unless that word has synonyms (which the pair
would lose).
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
    # Written as one word by some card, not merely two of a card's words side by side (the derived
    # `joined` field knows nearly every pair: ده روز, پیش رفتم would become one slot needing both).
    if not together or not ctx.lex.vocab.freq(together) or together == first.text:
        return None
    pair = (first.text, second.text)
    return Slot(pair, [Alternative(pair), Alternative((together,), WEIGHT, "joined")], word_pos=first.pos)
