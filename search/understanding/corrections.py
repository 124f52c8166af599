"""Step: typo corrections against the index vocabulary (a SymSpell deletion index, vocabulary.py).

A word the index does not know gains the one or two closest terms the cards use (the budget grows
with the word's length, frequent terms first). A word of the language that no card uses is not a
misspelling: correcting فردا to فرد or حافظ to حفظ turns a question the catalogue cannot answer
into noise. A word that splits into two words the cards use (splits.py) is not corrected either.
"""

from __future__ import annotations

from analyzers import Token, is_word
from search.understanding.context import Context
from search.understanding.plan import Slot
from search.understanding.transliteration import is_latin

SWITCH = "typos"
WEIGHT = 0.75  # divided by the edit distance


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    if not ctx.signals.typos or is_latin(term.text):
        return
    if term.text in ctx.lex.known:
        _reduced_to_a_word(slot, term, ctx)
    elif not is_word(term.base or term.text) and not slot.has("split"):
        _unknown(slot, term, ctx)


def _unknown(slot: Slot, term: Token, ctx: Context) -> None:
    word, base, vocab = term.text, term.base, ctx.lex.vocab
    # The word as typed (کفلات) is what was misspelt, not what inflection made of it (کفل).
    found = sorted(
        set(vocab.corrections(word, 2)) | set(vocab.corrections(base, 2) if base and base != word else ()),
        key=lambda c: (c[1], -vocab.freq(c[0])),
    )[:2]
    for cand, dist in found:
        slot.add((cand,), WEIGHT / dist, "correction")
    if found:
        ctx.note("correction", word, found[0][0])
        ctx.fixes[term.pos] = found[0][0]


def _reduced_to_a_word(slot: Slot, term: Token, ctx: Context) -> None:
    """A misspelling can reduce to a real word (کفلات → کفل, دانمه → دان): offer what the word as
    typed is one letter away from, when the cards use it more."""
    base, vocab = term.base, ctx.lex.vocab
    if not base or base == term.text or is_word(base):
        return
    for cand, _dist in vocab.corrections(base, 1):
        if vocab.freq(cand) > vocab.freq(term.text):
            slot.add((cand,), WEIGHT, "correction")
            ctx.note("correction", base, cand)
            ctx.fixes[term.pos] = cand
