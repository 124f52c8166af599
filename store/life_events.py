"""Life events (corpus/life_events.json): a small controlled vocabulary of the situations citizens
search from («بچه‌مون به دنیا اومد», «بابام فوت کرده»), each with the cards' own spellings of it
(aliases), the phrases that name it (triggers) and the ordered cards to do in it (steps).

Triggers and queries are compared after the project's analysis chain, so spelling, half-spaces,
inflection and Arabic ي/ك do not matter. An event matches a query when every analysed term of one
of its triggers is among the query's terms, in any order (a search also asks them to stand near each
other: search/situations.py); the trigger with the most terms wins, and a tie goes to the event that
comes first in the file.

Only `analyzers` and the standard library are imported here, so any layer can use this module.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers import terms as analyze_terms
from analyzers.spoken import to_written

Analyze = Callable[[str], Iterable[object]]  # text → terms (strings, or tokens with a .text)
# An event's services past its own steps, from the cards that name it: a list a citizen can follow.
MAX_STEPS = 8


def written_terms(text: str) -> list[str]:
    """Terms as a search query's are made: spoken forms in their written form, then analysed (a
    trigger written as spoken, بچم به دنیا اومده, meets the question that says it)."""
    return analyze_terms(to_written(text)[0])


@dataclass(frozen=True, slots=True)
class LifeEvent:
    id: str
    name: str
    title: str
    aliases: tuple[str, ...]
    triggers: tuple[str, ...]
    steps: tuple[str, ...]


def _term_set(analyze: Analyze, text: str) -> frozenset[str]:
    """The index terms of `text`: from a chain that gives tokens (analyzers.analyze), compound parts
    and joined neighbours are left out, so either chain compares the same terms."""
    return frozenset(t if isinstance(t, str) else t.text for t in analyze(text) if getattr(t, "kind", "term") == "term")


class LifeEvents:
    def __init__(self, events: Sequence[LifeEvent], about: str = ""):
        self.about = about
        self.events: list[LifeEvent] = list(events)
        self.by_id: dict[str, LifeEvent] = {}
        for event in self.events:
            if event.id in self.by_id:
                raise ValueError(f"life event {event.id!r} is defined twice")
            self.by_id[event.id] = event
        self._aliases: dict[frozenset[str], str] = {}
        self._alias_ids: dict[str, str | None] = {}
        for event in self.events:
            for alias in event.aliases:
                key = _term_set(analyze_terms, alias)
                other = self._aliases.setdefault(key, event.id)
                if other != event.id:
                    raise ValueError(f"alias {alias!r} of {event.id!r} is already an alias of {other!r}")
        # Trigger term sets per analysis function (the engine may analyse with its own chain; pass
        # the same function each time). The default chain's are made now, so a bad file fails here.
        self._triggers: dict[Analyze, list[tuple[frozenset[str], int, str]]] = {}
        self._by_term: dict[Analyze, dict[str, list[tuple[int, frozenset[str], str]]]] = {}
        self.triggers()

    @classmethod
    def load(cls, source: str | Path) -> LifeEvents:
        """From a path to the JSON file, or from its text."""
        if isinstance(source, Path) or not source.lstrip().startswith("{"):
            source = Path(source).read_text(encoding="utf-8")
        data = json.loads(unicodedata.normalize("NFC", source))
        events = [
            LifeEvent(
                id=e["id"],
                name=e["name"],
                title=e["title"],
                aliases=tuple(e.get("aliases", ())),
                triggers=tuple(e.get("triggers", ())),
                steps=tuple(e.get("steps", ())),
            )
            for e in data["events"]
        ]
        return cls(events, data.get("about", ""))

    def __len__(self) -> int:
        return len(self.events)

    def triggers(self, analyze: Analyze = analyze_terms) -> list[tuple[frozenset[str], int, str]]:
        """(terms, position of the event in the file, event id) of every trigger, longest first."""
        found = self._triggers.get(analyze)
        if found is None:
            found = []
            for rank, event in enumerate(self.events):
                for trigger in event.triggers:
                    key = _term_set(analyze, trigger)
                    if not key:  # a trigger of stop words only would match every query
                        raise ValueError(f"trigger {trigger!r} of {event.id!r} has no terms")
                    found.append((key, rank, event.id))
            found.sort(key=lambda t: (-len(t[0]), t[1]))
            self._triggers[analyze] = found
        return found

    def match(self, query: str | Iterable[str], analyze: Analyze = analyze_terms) -> LifeEvent | None:
        """The event the query describes, or None. `query` is text (analysed with `analyze`) or the
        query's analysed terms; the triggers are analysed with `analyze` in both cases."""
        found = self.match_trigger(query, analyze)
        return found[0] if found else None

    def match_trigger(
        self, query: str | Iterable[str], analyze: Analyze = analyze_terms
    ) -> tuple[LifeEvent, frozenset[str]] | None:
        """The event the query describes and the terms of the trigger that matched, or None."""
        have = _term_set(analyze, query) if isinstance(query, str) else frozenset(query)
        if not have:
            return None
        found = self.matching(have, analyze)
        if not found:
            return None
        _, key, event_id = min(found)
        return self.by_id[event_id], key

    def matching(self, have: frozenset[str], analyze: Analyze = analyze_terms) -> list[tuple[int, frozenset[str], str]]:
        """Every trigger whose terms are all in `have`, as (place in `triggers`, terms, event id).
        Only the triggers filed under one of the query's terms can match (a trigger is filed under
        its least term): a few of the thousand, not every one, per search."""
        by_term = self._filed(analyze)
        return [t for term in have for t in by_term.get(term, ()) if t[1] <= have]

    def _filed(self, analyze: Analyze) -> dict[str, list[tuple[int, frozenset[str], str]]]:
        """The triggers by their least term, each with its place in `triggers` (longest first, then
        file order): the first matching in that order is the one `match` picks."""
        found = self._by_term.get(analyze)
        if found is None:
            found = {}
            for order, (key, _, event_id) in enumerate(self.triggers(analyze)):
                found.setdefault(min(key), []).append((order, key, event_id))
            self._by_term[analyze] = found
        return found

    def alias_to_id(self, alias: str) -> str | None:
        """The event a card's life_events string names, compared after analysis."""
        found = self._alias_ids.get(alias, self)
        if found is self:  # the same few strings on many cards: analysed once
            found = self._alias_ids[alias] = self._aliases.get(_term_set(analyze_terms, alias))
        return found

    def services(
        self, declared: Iterable[tuple[str, Sequence[str], float]], present: Container[str]
    ) -> dict[str, list[str]]:
        """Each event's services in a catalogue: the event's own steps the catalogue has, in order,
        then, up to MAX_STEPS, the cards that name the event in their life_events (most popular
        first), so that a catalogue the steps were not written for still has its situations.
        `declared` is (card id, its life_events strings, its popularity) for every card."""
        named: dict[str, list[tuple[float, int, str]]] = {}
        for n, (card_id, names, popularity) in enumerate(declared):
            for event_id in {self.alias_to_id(name) for name in names} - {None}:
                named.setdefault(event_id, []).append((-popularity, n, card_id))
        out = {}
        for event in self.events:
            steps = [i for i in event.steps if i in present]
            listed = set(steps)
            more = [card_id for *_, card_id in sorted(named.get(event.id, ())) if card_id not in listed]
            out[event.id] = steps + more[: max(0, MAX_STEPS - len(steps))]
        return out

    def unknown_aliases(self, cards: Iterable[Mapping]) -> dict[str, list[str]]:
        """Card life_events strings that name no event: {string: [card ids]}, for the indexer's report."""
        unknown: dict[str, list[str]] = {}
        for card in cards:
            for alias in card.get("life_events") or ():
                if self.alias_to_id(alias) is None:
                    unknown.setdefault(alias, []).append(card.get("id", "?"))
        return unknown
