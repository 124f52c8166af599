"""Query understanding as small steps run in order, from the text a citizen typed to a plan.

    layout_repair      the whole text, before analysis
    spoken             spoken forms in their written form, before analysis
    corrections.colloquial  misspelt words of the synonym file, before they are grouped
    synonyms, joins    how the analysed words group into slots
    transliteration, splits, corrections, clitics, lemmas, derivations
                       alternatives for the one content word of a slot (never for a verb)
    numerals           a number's other spellings after the word it counts (پایه یک → پایه ۱)

Each step is a module with its own switch in Signals (its SWITCH), and returns at once when the
switch is off, so `make eval` measures each one alone.

`exact` turns off every step that reads the words as other words (layout repair, transliteration,
splits, corrections): the search a citizen asks for with «search for what I typed».

A correction is *applied* when the word as typed is unknown to the index (the results can only be
for the correction: `showing_results_for`), and only *suggested* when the typed word finds cards
of its own (`did_you_mean`).
"""

from __future__ import annotations

from dataclasses import replace

from analyzers import analyze, normalize
from analyzers.tokens import WORD
from search.lexicon import Lexicon
from search.signals import Signals
from search.synonyms import Synonyms
from search.understanding import (
    clitics,
    corrections,
    derivations,
    joins,
    layout_repair,
    lemmas,
    numerals,
    splits,
    spoken,
    transliteration,
)
from search.understanding import synonyms as synonym_slots
from search.understanding.context import Context
from search.understanding.plan import Plan

MAX_SLOTS = 32  # a longer query is cut: no citizen's need takes more words

WORD_STEPS = (transliteration, splits, corrections, clitics, lemmas, derivations)
STEPS = (layout_repair, spoken, synonym_slots, joins, *WORD_STEPS, numerals)
# The steps `exact` turns off: those that replace what was typed with something else.
REINTERPRETING = ("layout", "finglish", "splits", "typos")


def understand(text: str, lex: Lexicon, synonyms: Synonyms, signals: Signals, *, exact: bool = False) -> Plan:
    if exact:
        signals = replace(signals, **dict.fromkeys(REINTERPRETING, False))
    ctx = Context(lex, synonyms, signals)
    text = layout_repair.repair(text, ctx)
    typed = text
    text = spoken.rewrite(text, ctx)

    tokens = analyze(text)
    normalized = normalize(text)
    ctx.words = WORD.findall(normalized)
    terms = [t for t in tokens if t.kind == "term"][:MAX_SLOTS]
    # Latin words are read as Persian even when a card uses them (transliteration.py).
    typed_known = {t.pos for t in terms if t.text in lex.known and not transliteration.is_latin(t.text)}
    terms = corrections.colloquial(terms, ctx)
    joined = {t.pos: t.text for t in tokens if t.kind == "joined"}
    plan = Plan(text=text, interpretation=ctx.interpretation, normalized=normalized)

    i = 0
    while i < len(terms):
        slot = synonym_slots.slot_at(terms, i, ctx)
        if len(slot.typed) == 1 and not slot.has("synonym"):
            # A pair the cards write joined replaces a one-word slot (never one with synonyms).
            slot = joins.pair_slot(terms, i, joined, ctx) or slot
        slot = corrections.as_typed(slot, terms[i : i + len(slot.typed)], ctx)
        word = terms[i]
        verb = word.verb or word.text in ctx.verbs
        if len(slot.typed) == 1 and not verb and word.pos not in ctx.colloquial:
            for step in WORD_STEPS:
                step.expand(slot, word, ctx)
        slot.optional = len(slot.typed) == 1 and verb
        slot.known = any(all(t in lex.known for t in a.terms) for a in slot.alternatives)
        plan.slots.append(slot)
        i += len(slot.typed)
    numerals.add_spellings(plan, ctx.words, terms, ctx)

    layout = bool(ctx.interpretation) and ctx.interpretation[0]["kind"] == "layout"
    if ctx.fixes:
        words = ctx.words
        plan.corrected = " ".join(ctx.fixes.get(p, w) for p, w in enumerate(words))
        applied = {p: fix for p, fix in ctx.fixes.items() if p not in typed_known}
        if applied or layout:
            plan.showing_results_for = " ".join(applied.get(p, w) for p, w in enumerate(words))
        if len(applied) < len(ctx.fixes):
            plan.did_you_mean = plan.corrected
    elif layout:
        plan.corrected = plan.showing_results_for = typed
    return plan
