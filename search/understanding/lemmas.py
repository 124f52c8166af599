"""Step: a word's lemma as an alternative (فرزندان → فرزند, مستاجرین → مستاجر, مدارک → مدرک).

The analyzer keeps a word the lexicon lists whole as it is written, plurals included; the index
holds each such word of a card with its lemma beside it (the derived field `lemma`). A query word
with a lemma also asks for the lemma, a little lower than the word as typed: a card writing the
word exactly ranks first, a card writing its base (or another inflection of it) still matches.
The other direction, a query writing the base, needs no step: every query term is also looked up
in the cards' lemma field (query.field_boosts).
"""

from __future__ import annotations

from analyzers import Token, lemma
from search.understanding.context import Context
from search.understanding.plan import Slot

SWITCH = "lemmas"
WEIGHT = 0.8


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    if not ctx.signals.lemmas:
        return
    base = lemma(term.text)
    if base and all(alt.terms != (base,) for alt in slot.alternatives):
        slot.add((base,), WEIGHT, "lemma")
