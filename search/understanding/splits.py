"""Step: a word typed without its space (کارتملی → کارت ملی).

Only for a word the language does not know: the first cut that leaves two words the cards use is
offered. A word no card has either is shown corrected (وامخودرو → وام خودرو). The index knows two
words run together when some card has them side by side (its derived `joined` field matches
کارتملی), but a card may write them apart (کارت هوشمند ملی): the split is offered besides, with no
correction shown.
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
    if not ctx.signals.splits or is_latin(word) or is_word(term.base or word):
        return
    vocab = ctx.lex.vocab
    known = word in ctx.lex.known
    for k in range(2, len(word) - 1):
        left, right = word[:k], word[k:]
        if vocab.freq(left) and vocab.freq(right):
            slot.add((left, right), WEIGHT, "split")
            if not known:
                ctx.note("split", word, f"{left} {right}")
                ctx.fixes[term.pos] = f"{left} {right}"
            return
