"""Step: typo corrections against the index vocabulary (a SymSpell deletion index, vocabulary.py).

A word the index does not know gains the one or two closest terms the cards use (the budget grows
with the word's length, frequent terms first). A word of the language that no card uses is not a
misspelling: correcting فردا to فرد or حافظ to حفظ turns a question the catalogue cannot answer
into noise. But a word only the lexicon lists, that everyday Persian does not use either
(گزرنامه), is: it gains the near word the cards use most. A word that splits into two words the
cards use (splits.py) is not corrected.

Colloquial words are corrected too, before the words are grouped into slots (`colloquial`):
citizens type the names everyone says (پاسپورت, not گذرنامه) and misspell them as any word, but
the cards do not use them, so the index vocabulary has nothing near them and a split (پاس پرت)
was the only reading left. A word that neither the cards nor everyday Persian use, one typo away
from a word of the synonym file, becomes that word: its synonyms (گذرنامه) then satisfy its slot
as they would had it been typed right. A word the cards have something nearer to is left to the
correction against the index vocabulary. Its slot is then a correction's: the word as typed, the
correction and its synonyms at a correction's weight (`as_typed`).
"""

from __future__ import annotations

from dataclasses import replace

from analyzers import Token, is_word
from search.information import zipf
from search.understanding.clitics import CLITICS
from search.understanding.context import Context
from search.understanding.plan import Alternative, Slot
from search.understanding.transliteration import is_latin

SWITCH = "typos"
WEIGHT = 0.75  # divided by the edit distance
# A lexicon word below this Zipf frequency in everyday Persian (wordfreq) is not in use: 0 for a
# word wordfreq does not list at all among its 31,000.
IN_USE = 1.0
MIN_NEIGHBOUR_FREQ = 3  # cards using the neighbour a word not in use is corrected to


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    if not ctx.signals.typos or is_latin(term.text):
        return
    if term.text in ctx.lex.known:
        _reduced_to_a_word(slot, term, ctx)
    elif slot.has("split"):
        return
    elif not is_word(term.base or term.text):
        _unknown(slot, term, ctx)
    elif zipf(term.text) < IN_USE:
        _listed_but_unused(slot, term, ctx)


def _unknown(slot: Slot, term: Token, ctx: Context) -> None:
    word, base, vocab = term.text, term.base, ctx.lex.vocab
    # The word as typed (کفلات) is what was misspelt, not what inflection made of it (کفل).
    found = sorted(
        set(vocab.corrections(word, 2)) | set(vocab.corrections(base, 2) if base and base != word else ()),
        key=lambda c: (c[1], -vocab.freq(c[0]), c[0]),  # the word itself breaks ties: the same on every run
    )[:2]
    for cand, dist in found:
        slot.add((cand,), WEIGHT / dist, "correction")
    if found:
        ctx.note("correction", word, found[0][0])
        ctx.fixes[term.pos] = found[0][0]


def _listed_but_unused(slot: Slot, term: Token, ctx: Context) -> None:
    """A word the lexicon lists but that neither the cards nor everyday Persian use (گزرنامه: hazm
    lists it, nobody writes it) is most likely a misspelling of a near word the cards use often."""
    vocab = ctx.lex.vocab
    if any(term.text.endswith(c) and vocab.freq(term.text[: -len(c)]) for c in CLITICS):
        return  # a spoken ending on a word the cards use (ملیم): the clitics step's business
    found = [c for c, _ in vocab.corrections(term.text, 1) if vocab.freq(c) >= MIN_NEIGHBOUR_FREQ]
    if found:
        best = max(found, key=vocab.freq)
        slot.add((best,), WEIGHT, "correction")
        ctx.note("correction", term.text, best)
        ctx.fixes[term.pos] = best


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


def colloquial(terms: list[Token], ctx: Context) -> list[Token]:
    """`terms`, each misspelt colloquial word replaced by the synonym file's word."""
    if not ctx.signals.typos or not ctx.signals.synonyms:
        return terms
    return [_colloquial(t, ctx) for t in terms]


def _colloquial(term: Token, ctx: Context) -> Token:
    typed = term.base or term.text
    if (
        term.verb
        or term.text in ctx.lex.known
        or is_latin(typed)
        or ctx.synonyms.has_word(term.text)
        or (is_word(typed) and zipf(typed) >= IN_USE)
        or any(typed.endswith(c) and ctx.lex.vocab.freq(typed[: -len(c)]) for c in CLITICS)  # ملیم: clitics.py's
    ):
        return term
    found = ctx.synonyms.corrections(typed) or ctx.synonyms.corrections(term.text)
    if not found:
        return term
    word, dist = found[0]
    nearest_card_word = ctx.lex.vocab.corrections(typed, 1)
    if nearest_card_word and nearest_card_word[0][1] < dist:
        return term
    ctx.note("correction", typed, word)
    ctx.fixes[term.pos] = word
    ctx.colloquial[term.pos] = term.text
    return replace(term, text=word, base="")


def as_typed(slot: Slot, span: list[Token], ctx: Context) -> Slot:
    """A slot built on colloquially corrected words, as a correction slot: the words as typed,
    then the corrections (and their synonyms) at a correction's weight."""
    if not any(t.pos in ctx.colloquial for t in span):
        return slot
    typed = tuple(ctx.colloquial.get(t.pos, t.text) for t in span)
    alternatives = [Alternative(typed)] + [
        Alternative(a.terms, a.weight * WEIGHT, "correction" if a.kind == "typed" else a.kind)
        for a in slot.alternatives
    ]
    return Slot(typed, alternatives, word_pos=slot.word_pos)
