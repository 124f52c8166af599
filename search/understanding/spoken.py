"""Step: spoken Persian in its written form, before analysis (میخوام ماشینمو بفروشم → می‌خواهم
ماشین بفروشم), from the table of analyzers/data/spoken_forms.tsv and the spoken verb paradigm
(analyzers/spoken_verbs.py). Each kind of rule is a switch of its own: spoken verb forms, spoken
conjugations made from their stems (بندازم → بیندازم), auxiliaries, spoken words (خونه → خانه,
بابا → پدر) and clitics glued to words (ماشینمو → ماشین). Cards are written Persian and never
rewritten; a written verb form is then a verb the plan does not require, and a spoken word meets the
word cards use."""

from __future__ import annotations

from analyzers import analyze_word, spoken_verbs
from analyzers.folding import fold_word
from analyzers.spoken import to_written
from analyzers.tokens import WORD
from search.understanding.context import Context

SWITCHES = {
    "verb": "spoken_verbs",
    "verb_paradigm": "spoken_verb_paradigm",
    "auxiliary": "spoken_auxiliaries",
    "word": "spoken_words",
    "clitic": "spoken_clitics",
    "vowel": "spoken_vowels",
}
VERB_KINDS = ("verb", "verb_paradigm", "auxiliary")
SWITCH = "spoken_words"  # the step's main switch; every kind has its own (SWITCHES)


def warm_up() -> None:
    """Load the table and conjugate the paradigm now (a first search must not pay for it)."""
    to_written("خونه")
    spoken_verbs.conjugations()


def rewrite(text: str, ctx: Context) -> str:
    kinds = [kind for kind, switch in SWITCHES.items() if getattr(ctx.signals, switch)]
    if not kinds:
        return text
    written, changes = to_written(text, kinds)
    if not changes:
        return text
    # Speech drops a noun's final ه before an ending (بیمم is بیمه + م): where the table's stem is
    # a word too (بیم), the one the catalogue uses more is meant.
    vocab = ctx.lex.vocab
    for _spoken, stem, kind in changes:
        if kind == "clitic" and vocab.freq(stem + "ه") > vocab.freq(stem):
            written = WORD.sub(lambda m, stem=stem: stem + "ه" if m.group() == stem else m.group(), written)
    # A written verb form is a verb, even where the analyzer does not recognise it (نیامده).
    ctx.verbs.update(analyze_word(fold_word(w)).term for _, w, kind in changes if kind in VERB_KINDS)
    ctx.note("spoken", " ".join(c[0] for c in changes), " ".join(c[1] for c in changes))
    return written
