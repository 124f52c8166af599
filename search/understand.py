"""Query understanding: from the text a citizen typed to a plan of what to match.

The plan is a sequence of slots, one per content word or recognised expression of the query; each
slot lists the alternatives that satisfy it (the words as typed, synonyms, a typo correction, a
transliteration, the two halves of a word typed without its space). `interpretation` says, in the
response, what was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers import analyze, analyze_word, is_word, normalize
from analyzers.tokens import WORD
from search import layout, transliterate
from search.lexicon import Lexicon
from search.signals import Signals
from search.synonyms import Synonyms

MAX_SLOTS = 32  # a longer query is cut: no citizen's need takes more words

SYNONYM_WEIGHT = 0.85
CORRECTION_WEIGHT = 0.75
TRANSLITERATION_WEIGHT = 0.9
JOINED_WEIGHT = 0.9
SPLIT_WEIGHT = 0.8
CLITIC_WEIGHT = 0.8
# Spoken Persian glues possessives and the copula to words without a space (کارت ملیم, صاحبش,
# نوبت حجم, چنده). hazm's lexicon lists many such forms as words of their own, so the analyzer,
# which never cuts a known word, keeps them whole: the query also tries the word without them.
CLITICS = ("مون", "تون", "شون", "مو", "تو", "شو", "م", "ت", "ش", "ه")


@dataclass(frozen=True)
class Alternative:
    terms: tuple[str, ...]
    weight: float = 1.0
    kind: str = "typed"  # typed | synonym | correction | transliteration | joined | split


@dataclass
class Slot:
    typed: tuple[str, ...]
    alternatives: list[Alternative]
    known: bool = True
    word_pos: int = -1  # position of its first word in the normalized text
    optional: bool = False  # a verb: scores when it matches, never required (بگیرم, فروختم)


@dataclass
class Plan:
    text: str  # what was analysed (after a keyboard-layout fix)
    slots: list[Slot] = field(default_factory=list)
    interpretation: list[dict] = field(default_factory=list)
    corrected: str | None = None
    normalized: str = ""  # the analysed text after character folds and hazm's spacing

    @property
    def empty(self) -> bool:
        return not self.slots

    @property
    def terms(self) -> list[str]:
        return [t for s in self.slots for t in s.typed]

    @property
    def known_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.known]

    @property
    def required(self) -> list[Slot]:
        return [s for s in self.slots if s.known and not s.optional]

    @property
    def optional(self) -> list[Slot]:
        return [s for s in self.slots if s.known and s.optional]

    @property
    def content_slots(self) -> list[Slot]:
        return [s for s in self.slots if not s.optional]


def _coverage(text: str, lex: Lexicon, signals: Signals) -> float:
    """Share of the text's words that would find something in this index."""
    words = [t.text for t in analyze(text, parts=False, joined=False)]
    if not words:
        return 0.0
    hits = 0
    for w in words:
        if w in lex.known or (w.isascii() and signals.finglish and transliterate.candidates(w, lex.vocab, 1)):
            hits += 1
    return hits / len(words)


def understand(text: str, lex: Lexicon, synonyms: Synonyms, signals: Signals) -> Plan:
    interpretation: list[dict] = []
    if signals.layout and layout.looks_mistyped(text):
        mapped = layout.to_persian(text)
        if _coverage(mapped, lex, signals) > max(0.49, _coverage(text, lex, signals)):
            interpretation.append({"kind": "layout", "from": text, "to": mapped})
            text = mapped

    tokens = analyze(text)
    normalized = normalize(text)
    words = WORD.findall(normalized)
    terms = [t for t in tokens if t.kind == "term"][:MAX_SLOTS]
    joined = {t.pos: t.text for t in tokens if t.kind == "joined"}
    plan = Plan(text=text, interpretation=interpretation, normalized=normalized)
    fixes: dict[int, str] = {}  # word position → what replaced it, for `corrected`

    i = 0
    while i < len(terms):
        term = terms[i]
        n, expansions = synonyms.match([t.text for t in terms], i) if signals.synonyms else (0, set())
        span = max(n, 1)
        typed = tuple(t.text for t in terms[i : i + span])
        slot = Slot(typed, [Alternative(typed)], word_pos=term.pos)
        for expr in sorted(expansions):
            slot.alternatives.append(Alternative(expr, SYNONYM_WEIGHT, "synonym"))
        if n:
            interpretation.append(
                {"kind": "synonym", "from": " ".join(typed), "to": [" ".join(e) for e in sorted(expansions)]}
            )
        # Two query words written apart that the cards write together (گواهی نامه → گواهینامه).
        if span == 1 and i + 1 < len(terms) and terms[i + 1].pos == term.pos + 1:
            together = joined.get(term.pos)
            if together and together in lex.known and together not in typed:
                slot = Slot(
                    (term.text, terms[i + 1].text),
                    [Alternative((term.text, terms[i + 1].text)), Alternative((together,), JOINED_WEIGHT, "joined")],
                    word_pos=term.pos,
                )
                span = 2
        if span == 1 and not term.verb:
            # Latin words are repaired even when a card uses them: "code posti" means کد پستی.
            if term.text not in lex.known or (term.text.isascii() and term.text.isalpha()):
                _repair(slot, term.text, term.base, lex, signals, interpretation, fixes, term.pos)
            elif signals.typos and term.base and term.base != term.text and not is_word(term.base):
                # A misspelling can reduce to a real word (کفلات → کفل, دانمه → دان): offer what
                # the word as typed is one letter away from, too.
                for cand, _dist in lex.vocab.corrections(term.base, 1):
                    if lex.vocab.freq(cand) > lex.vocab.freq(term.text):
                        slot.alternatives.append(Alternative((cand,), CORRECTION_WEIGHT, "correction"))
                        interpretation.append({"kind": "correction", "from": term.base, "to": cand})
                        fixes[term.pos] = cand

        if span == 1 and not term.verb and len(slot.alternatives) == 1 and signals.typos:
            _clitic(slot, term.base or term.text, lex)
        slot.optional = span == 1 and term.verb
        slot.known = any(all(t in lex.known for t in a.terms) for a in slot.alternatives)
        plan.slots.append(slot)
        i += span

    if fixes:
        plan.corrected = " ".join(fixes.get(p, w) for p, w in enumerate(words))
    elif interpretation and interpretation[0]["kind"] == "layout":
        plan.corrected = text
    return plan


def _clitic(slot: Slot, word: str, lex: Lexicon) -> None:
    """Offer `word` without a spoken clitic when the cards use what remains more than the word."""
    typed = slot.alternatives[0].terms[0]
    for clitic in CLITICS:
        if not word.endswith(clitic) or len(word) - len(clitic) < 2:
            continue
        stem = analyze_word(word[: -len(clitic)])
        if stem.term and stem.term != typed and not stem.verb and lex.vocab.freq(stem.term) > lex.vocab.freq(typed):
            slot.alternatives.append(Alternative((stem.term,), CLITIC_WEIGHT, "clitic"))
        return


def _repair(
    slot: Slot, term: str, base: str, lex: Lexicon, signals: Signals, interpretation: list, fixes: dict, pos: int
) -> None:
    """Alternatives for a word the index does not know (or a Latin one: see below)."""
    if term.isascii() and term.isalpha():
        if signals.finglish:
            found = transliterate.candidates(term, lex.vocab, 2)
            for rank, cand in enumerate(found):
                slot.alternatives.append(Alternative((cand,), TRANSLITERATION_WEIGHT - 0.1 * rank, "transliteration"))
            if found:
                interpretation.append({"kind": "transliteration", "from": term, "to": found[0]})
                fixes[pos] = found[0]
        return
    if not signals.typos or is_word(base or term):
        # A word of the language that no card uses is not a misspelling: correcting فردا to فرد
        # or حافظ to حفظ turns a question the catalogue cannot answer into noise.
        return
    # A word typed without its space: کارتملی → کارت ملی.
    for k in range(2, len(term) - 1):
        left, right = term[:k], term[k:]
        if lex.vocab.freq(left) and lex.vocab.freq(right):
            slot.alternatives.append(Alternative((left, right), SPLIT_WEIGHT, "split"))
            interpretation.append({"kind": "split", "from": term, "to": f"{left} {right}"})
            fixes[pos] = f"{left} {right}"
            return
    # The word as typed (کفلات) is what was misspelt, not what inflection made of it (کفل).
    found = sorted(
        set(lex.vocab.corrections(term, 2)) | set(lex.vocab.corrections(base, 2) if base and base != term else ()),
        key=lambda c: (c[1], -lex.vocab.freq(c[0])),
    )[:2]
    for cand, dist in found:
        slot.alternatives.append(Alternative((cand,), CORRECTION_WEIGHT / dist, "correction"))
    if found:
        interpretation.append({"kind": "correction", "from": term, "to": found[0][0]})
        fixes[pos] = found[0][0]
