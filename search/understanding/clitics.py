"""Step: spoken clitics on words the lexicon lists whole (کارت ملیم, صاحبش, نوبت حجم, چنده).

Spoken Persian glues possessives and the copula to words without a space. hazm's lexicon lists
many such forms as words of their own, so the analyzer, which never cuts a known word, keeps them
whole: the query also tries the word without them, when the cards use what remains more than the
word. Only for a word nothing else was offered for.
"""

from __future__ import annotations

from analyzers import Token, analyze_word
from search.understanding.context import Context
from search.understanding.plan import Slot

SWITCH = "clitics"
WEIGHT = 0.8
CLITICS = ("مونو", "تونو", "شونو", "مون", "تون", "شون", "مو", "تو", "شو", "م", "ت", "ش", "ه", "ی")
# The indefinite ‑ی (وامی برای ازدواج) ends adjectives as well (ملی, قانونی): it is tried on a word
# no card uses, never leaving a stem shorter than this, or on a word the cards use this many times
# less than what remains (چکی برگشت خورده: چکی once, چک 42 times; never ملی, قانونی, تلفنی).
INDEFINITE, MIN_INDEFINITE_STEM, RARER_THAN_STEM = "ی", 3, 10
# The clitics by their last letter, in CLITICS' order: a word is tried only for those it may end in.
_BY_LAST_LETTER = {c[-1]: tuple(k for k in CLITICS if k[-1] == c[-1]) for c in CLITICS}


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    if not ctx.signals.clitics or len(slot.alternatives) > 1:
        return
    word, typed, vocab = term.base or term.text, slot.alternatives[0].terms[0], ctx.lex.vocab
    for clitic in _BY_LAST_LETTER.get(word[-1:], ()):
        if not word.endswith(clitic) or len(word) - len(clitic) < 2:
            continue
        # Only the longest clitic the word ends with is tried (مون, not م).
        stem = analyze_word(word[: -len(clitic)])
        if clitic == INDEFINITE and not _indefinite(typed, stem.term, len(word) - 1, vocab):
            return
        if stem.term and stem.term != typed and not stem.verb and vocab.freq(stem.term) > vocab.freq(typed):
            slot.add((stem.term,), WEIGHT, "clitic")
        return


def _indefinite(typed: str, stem: str, stem_length: int, vocab) -> bool:
    """Whether a word's final ی may be the indefinite ‑ی rather than part of an adjective."""
    if not vocab.freq(typed):
        return stem_length >= MIN_INDEFINITE_STEM
    return vocab.freq(stem) >= RARER_THAN_STEM * vocab.freq(typed)
