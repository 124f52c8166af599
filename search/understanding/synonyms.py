"""Step: synonyms and colloquial names (corpus/synonyms.tsv) as alternatives of a slot.

The longest expression of the synonym list that starts at a word becomes one slot (گواهینامه
رانندگی, not two), and the other members of its group satisfy it too, at a slightly lower weight.
The list itself is read with each generation (search/synonyms.py).
"""

from __future__ import annotations

from analyzers import Token
from search.understanding.context import Context
from search.understanding.plan import Alternative, Slot

SWITCH = "synonyms"
WEIGHT = 0.85


def slot_at(terms: list[Token], i: int, ctx: Context) -> Slot:
    """The slot that starts at `terms[i]`: one word, or the longest synonym expression found there."""
    n, expansions = ctx.synonyms.match([t.text for t in terms], i) if ctx.signals.synonyms else (0, set())
    typed = tuple(t.text for t in terms[i : i + max(n, 1)])
    slot = Slot(typed, [Alternative(typed)], word_pos=terms[i].pos)
    if n:
        for expr in sorted(expansions):
            slot.add(expr, WEIGHT, "synonym")
        ctx.note("synonym", " ".join(typed), [" ".join(e) for e in sorted(expansions)])
    return slot
