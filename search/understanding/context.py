"""What every step of understanding reads, and what it writes besides the slot it works on."""

from __future__ import annotations

from dataclasses import dataclass, field

from search.lexicon import Lexicon
from search.signals import Signals
from search.synonyms import Synonyms


@dataclass
class Context:
    lex: Lexicon  # what this generation's index knows
    synonyms: Synonyms
    signals: Signals  # each step returns at once when its own switch is off
    interpretation: list[dict] = field(default_factory=list)  # what was done, for the response
    fixes: dict[int, str] = field(default_factory=dict)  # word position → what replaced it, for did-you-mean
    colloquial: dict[int, str] = field(default_factory=dict)  # word position → typed word corrected to a synonym's
    verbs: set[str] = field(default_factory=set)  # terms known to be verbs beside the analyzer's (spoken.py)
    words: list[str] = field(default_factory=list)  # the normalised query's words, by a token's pos

    def note(self, kind: str, typed: str, to) -> None:
        self.interpretation.append({"kind": kind, "from": typed, "to": to})
