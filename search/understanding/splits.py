"""Step: a word typed without its space (کارتملی → کارت ملی).

Only for a word the index does not know and the language does not either: the first cut that
leaves two words the cards use is offered. The index knows two words run together when some card
has them side by side (its derived `joined` field matches کارتملی already), so a split is for
words that no card puts next to each other (وامخودرو → وام خودرو).
"""

from __future__ import annotations

from analyzers import Token, is_word
from search.understanding.context import Context
from search.understanding.plan import Slot
from search.understanding.transliteration import is_latin

SWITCH = "splits"
WEIGHT = 0.8


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    word = term.text
    if not ctx.signals.splits or word in ctx.lex.known or is_latin(word) or is_word(term.base or word):
        return
    vocab = ctx.lex.vocab
    for k in range(2, len(word) - 1):
        left, right = word[:k], word[k:]
        if vocab.freq(left) and vocab.freq(right):
            slot.add((left, right), WEIGHT, "split")
            ctx.note("split", word, f"{left} {right}")
            ctx.fixes[term.pos] = f"{left} {right}"
            return
