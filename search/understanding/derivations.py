"""Step: a word followed by «شدن» also asks for the noun of that becoming (بازنشسته شدن →
بازنشستگی, معاف شدن → معافیت, بیکار شدم → بیکاری, عضو بشم → عضویت).

Citizens say what happens to them with a verb; cards name the service with the noun. The noun is
made the ways Persian makes it: a final ه becomes ‑گی, an Arabic participle takes ‑یت, others ‑ی.
Only a noun the cards use is asked for, a little lower than the word as typed; with no شدن after
it a word is left alone (راننده is not رانندگی, مسکن is not مسکونی).
"""

from __future__ import annotations

import itertools

from analyzers import Token, analyze_word
from analyzers.chars import ZWNJ
from search.understanding.context import Context
from search.understanding.plan import Slot

SWITCH = "derivations"
WEIGHT = 0.9


def _becoming_forms() -> frozenset[str]:
    """The forms of شدن, written and spoken, with and without the half-space after می (a verb typed
    apart from its می, «می شم», is joined by the spoken step before this one reads it)."""
    past = ["شد" + e for e in ("", "م", "ی", "یم", "ید", "ند", "ن", "ه", "ست")]
    present = ["ش" + e for e in ("م", "ه", "ی", "یم", "ین", "ن")] + [
        "شو" + e for e in ("م", "د", "ی", "یم", "ید", "ند")
    ]
    prefixed = [p + sep + f for p, f in itertools.product(("می", "نمی"), present) for sep in ("", ZWNJ)]
    return frozenset(
        past + ["ن" + f for f in past] + prefixed + ["ب" + f for f in present] + ["ن" + f for f in present]
    )


BECOMING = _becoming_forms()
# ‑یت makes nouns of Arabic participles (معاف → معافیت, محروم → محرومیت, ممنوع → ممنوعیت), which
# begin with م; other words take ‑ی (بیکار → بیکاری), never ‑یت (جمع شدن is no جمعیت).
PARTICIPLE_START, MIN_PARTICIPLE = "م", 4


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    if not ctx.signals.derivations or term.pos + 1 >= len(ctx.words) or ctx.words[term.pos + 1] not in BECOMING:
        return
    word = term.base or term.text
    if word.endswith("ه"):
        nouns = [word[:-1] + "گی"]
    elif word.startswith(PARTICIPLE_START) and len(word) >= MIN_PARTICIPLE:
        nouns = [word + "یت", word + "ی"]
    else:
        nouns = [word + "ی"]
    vocab = ctx.lex.vocab
    for noun in nouns:
        analysed = analyze_word(noun).term
        if analysed and analysed != term.text and vocab.freq(analysed):
            slot.add((analysed,), WEIGHT, "derivation")
            return
