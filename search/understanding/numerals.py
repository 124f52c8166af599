"""Step: a number after the word it counts also asks for its other spellings, in words, in digits
and as an ordinal (پایه دو → پایه ۲, پایه دوم; پایه ۱ → پایه یکم): the ways cards write grades,
zones and articles. A number before a noun counts it (شش سال, دو تا از رفیقام) and is left alone.

«یک» before a noun is the indefinite article (یک شناسنامه, میخوام یک کارت بگیرم) and the analyzer
drops it as a stop word. After a content word and not before another (گواهینامه پایه یک, پایه یک
بگیرم) it is a number: it comes back as a slot of its own, optional as a verb is, so that it ranks
the card that has it first and never leaves out a card that does not.
"""

from __future__ import annotations

import functools

from analyzers import Token
from analyzers.chars import fold_characters
from search.understanding.context import Context
from search.understanding.plan import Alternative, Plan, Slot

SWITCH = "numerals"
WEIGHT = 0.9
# The small numbers cards name things by, with their ordinal in ‑م (اول, first, is a word of its
# own: پایه اول ابتدایی); نه (no) and ده (village) are left out, being words too.
_SPELLINGS = (
    ("یک", "1", "یکم"),
    ("دو", "2", "دوم"),
    ("سه", "3", "سوم"),
    ("چهار", "4", "چهارم"),
    ("پنج", "5", "پنجم"),
    ("شش", "6", "ششم"),
    ("هفت", "7", "هفتم"),
    ("هشت", "8", "هشتم"),
)
FORMS = {form: spellings for spellings in _SPELLINGS for form in spellings[:2]}  # word or digits → all
ARTICLE = "یک"


@functools.lru_cache(maxsize=10_000)  # queries repeat their words
def _folded(word: str) -> str:
    return fold_characters(word)


def add_spellings(plan: Plan, words: list[str], terms: list[Token], ctx: Context) -> None:
    """Other spellings for each number that follows a content word and comes before none; a «یک»
    the analyzer dropped is put back there. `words` are the normalized text's words, `terms` the
    analysed ones (their positions index `words`)."""
    if not ctx.signals.numerals:
        return
    term_at = {t.pos: t for t in terms}
    for p, word in enumerate(words):
        if p - 1 not in term_at or (number := _folded(word)) not in FORMS:
            continue
        after = term_at.get(p + 1)
        if after is not None and not (after.verb or after.text in ctx.verbs):
            continue  # a count: شش سال
        before = [i for i, s in enumerate(plan.slots) if s.word_pos <= p - 1]
        forms = [f for f in FORMS[number] if f != number and f in ctx.lex.known]
        if not before or plan.slots[before[-1]].optional or not forms:
            continue
        if p in term_at:
            slot = next((s for s in plan.slots if s.word_pos == p and len(s.typed) == 1), None)
            for form in forms if slot is not None else ():
                if all(alt.terms != (form,) for alt in slot.alternatives):
                    slot.add((form,), WEIGHT, "numeral")
        elif number == ARTICLE:
            slot = Slot((number,), [Alternative((f,), WEIGHT, "numeral") for f in forms], word_pos=p, optional=True)
            plan.slots.insert(before[-1] + 1, slot)
