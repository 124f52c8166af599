"""What understanding makes of a query: a plan of slots, each with the alternatives that satisfy it.

The plan is a sequence of slots, one per content word or recognised expression of the query; each
slot lists the alternatives that satisfy it (the words as typed, and whatever the steps of
understanding added: synonyms, a typo correction, a transliteration, the two halves of a word typed
without its space). `interpretation` says, in the response, what was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Alternative:
    terms: tuple[str, ...]
    weight: float = 1.0
    kind: str = "typed"  # typed | synonym | correction | transliteration | joined | split | clitic


@dataclass
class Slot:
    typed: tuple[str, ...]
    alternatives: list[Alternative]
    known: bool = True
    word_pos: int = -1  # position of its first word in the normalized text
    optional: bool = False  # a verb: scores when it matches, never required (بگیرم, فروختم)

    def add(self, terms: tuple[str, ...], weight: float, kind: str) -> None:
        self.alternatives.append(Alternative(terms, weight, kind))

    def has(self, kind: str) -> bool:
        return any(a.kind == kind for a in self.alternatives)


@dataclass
class Plan:
    text: str  # what was analysed (after a keyboard-layout fix)
    slots: list[Slot] = field(default_factory=list)
    interpretation: list[dict] = field(default_factory=list)
    corrected: str | None = None  # deprecated in the API: showing_results_for or did_you_mean
    showing_results_for: str | None = None  # corrections the results are for (the typed words found nothing)
    did_you_mean: str | None = None  # corrections only suggested (the typed words found cards)
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
