"""Step: two query words written apart that the cards write as one (گواهی نامه → گواهینامه).

The analyzer gives every pair of neighbouring words its joined form; when the index knows that
form, the two words become one slot satisfied by either. A pair wins over a one-word synonym of its
first word: پزشک خانواده is one thing, not دکتر and خانواده.
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
