"""Life situations: a query that describes one (تازه بچه‌دار شدیم, بابام فوت کرده) finds that
event's services, in the order a citizen needs them, from the controlled vocabulary of life events
the generation carries (corpus/life_events.json, store/life_events.py)."""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from search import information as words_information
from search import retrieval
from search.generation import LoadedGeneration
from search.results import LifeEventSteps, Step
from search.signals import Signals
from search.understanding import Plan
from store.life_events import LifeEvent, written_terms

# How a situation's services rank: the more of the query the situation's trigger is, the nearer
# the top of the results its services come (a query that names a service besides, «وام ازدواج»,
# keeps that service first); each step ranks a little below the one before it.
STEP_SCORE = 0.9  # share of the best score a service of a query that is all situation gets
# A situation's services score as the square root of the share of the query the situation is: the
# order of weak matches already weighs that share (by its square, as every card's coverage).
SHARE_POWER = 0.5
STEP_DECAY = 0.03  # each next step, this share less
TRIGGER_GAP = 2  # words between a trigger's words, in all, for them to say one thing


class Situation(NamedTuple):
    event: LifeEvent
    share: float  # how much of the query the trigger is: 1 when it is the whole query
    docs: list[int]  # the event's services this generation serves, in the event's order
    # The share of the query the catalogue's own words are: below 1 when the trigger has words no
    # card uses (دزد, باردار, پراید), which no other card can answer.
    known: float
    information: float  # how much the question says of the situation
    said: float  # the share of the query the trigger's words the catalogue knows are


def recognise(plan: Plan, gen: LoadedGeneration, signals: Signals) -> Situation | None:
    """The situation the query describes: every term of one of an event's triggers among the
    query's words (as typed, or in the written form of a spoken word)."""
    if plan.empty or not len(gen.life_events):
        return None
    # Most queries name no trigger at all: where each word is is only looked up for those that do.
    matching = gen.life_events.matching(frozenset([t for slot in plan.slots for t in slot.typed]), written_terms)
    if not matching:
        return None
    where: dict[str, list[int]] = {}
    for i, slot in enumerate(plan.slots):
        for t in slot.typed:
            where.setdefault(t, []).append(i)
    matching = [m for m in matching if _together(m[1], where)]
    if not matching:
        return None
    # The words that count are those retrieval requires (verbs too when there is nothing else).
    content = [s for s in plan.slots if not s.optional] or plan.slots
    words = [s for s in content if s.known]
    info = retrieval.information(words, gen, signals)
    found = None
    for event_id in dict.fromkeys(event_id for _, _, event_id in sorted(matching)):
        # Every trigger of the event the query says counts: «بچه‌مون به دنیا اومد» is بچه and به دنیا آمدن.
        trigger = frozenset().union(*(key for _, key, e in matching if e == event_id))
        situation = _situation(gen.life_events.by_id[event_id], trigger, plan, gen, content, words, info)
        # Of two situations the question tells, the one it says more of: «اسباب‌کشی» is more than
        # «بچه‌ها ... مدرسه» in «اسباب‌کشی می‌کنیم، مدرسه بچه‌ها چه می‌شود»; a tie goes to the
        # longer trigger, then to the event first in the file.
        if situation is not None and (found is None or situation.information > found.information):
            found = situation
    return found


def _situation(event: LifeEvent, trigger: frozenset[str], plan: Plan, gen, content, words, info) -> Situation | None:
    docs = gen.life_event_services.get(event.id, [])
    # How much of the query's information the trigger's words are (everyday words weigh little).
    said = sum(i for s, i in zip(words, info, strict=True) if set(s.typed) & trigger)
    # A trigger word no card uses is the vocabulary of life events': it says as much as a word the
    # event's services alone would use.
    unknown = [s for s in content if not s.known and set(s.typed) & trigger]
    event_word = words_information.idf(max(1, len(docs)), max(gen.doc_count, 1)) ** retrieval.INFORMATION_POWER
    told = len(unknown) * event_word
    if not said + told:
        return None  # the trigger is only in the question's verbs: «طول می‌کشه» is no کشت
    # A verb of the trigger says the situation with its other words: «خونه نیومده» is more than خونه.
    told += event_word * sum(1 for s in plan.slots if s.optional and s not in content and set(s.typed) & trigger)
    total = sum(info) + told
    return Situation(event, (said + told) / total, docs, sum(info) / total, said + told, said / total)


def _together(trigger: frozenset[str], where: dict[str, list[int]]) -> bool:
    """Whether the trigger's words are near each other in the question, at most TRIGGER_GAP words
    apart in all: «خونمونو زدن» is a burglary, «برق خونه ... زنگ بزنم» is not."""
    if len(trigger) == 1:
        return True
    spans = (max(c) - min(c) for c in itertools.product(*(where[t] for t in trigger)))
    return min(spans) <= len(trigger) - 1 + TRIGGER_GAP


def admit(
    situation: Situation, matched: np.ndarray, scores: np.ndarray | None, coverage: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Count the situation's services as matched (in place), as good an answer as the query's best
    and as full an answer as the share of the query the situation is; returns the scores and the
    coverage (each made if there was none)."""
    docs = situation.docs
    if not docs:
        return scores, coverage
    if situation.known < 1.0:
        # The rest of the catalogue answers only the words it knows of the query.
        coverage = np.where(matched, situation.known, 0.0) if coverage is None else coverage * situation.known
    if coverage is not None:
        # A service of the situation answers the situation and whatever else of the question it
        # has beyond the trigger's words (counted once): «خونه خریدیم، قبض برقشو به اسم خودمون
        # کنیم» puts the steps that change a bill's owner before paying a bill.
        own = coverage[docs]
        rest = np.maximum(own - situation.said, 0.0)
        coverage[docs] = np.minimum(np.maximum(own, situation.share + rest), 1.0)
    if scores is None:
        scores = np.zeros(len(matched), np.float64)
    best = float(scores[matched].max()) if matched.any() else 1.0
    for i, d in enumerate(docs):
        floor = best * situation.share**SHARE_POWER * max(0.0, STEP_SCORE - STEP_DECAY * i)
        scores[d] = max(scores[d], floor)
    matched[docs] = True
    return scores, coverage


def summary(situation: Situation, gen: LoadedGeneration, shown: list[int]) -> LifeEventSteps:
    """The situation's steps for a search: a service the event lists for many places (each city's
    building permit) is one step, the place's the search shows first (the city the question names),
    else the first the event lists."""
    docs = gen.life_event_services.get(situation.event.id, [])
    place = {d: i for i, d in enumerate(shown)}
    variants: dict[str, list[int]] = {}
    for d in docs:
        if gen.regional[d]:
            variants.setdefault(_service(gen.facts[d].id), []).append(d)
    steps, done = [], set()
    for d in docs:
        key = _service(gen.facts[d].id) if gen.regional[d] else None
        if key in done:
            continue
        if key is not None:
            done.add(key)
            d = min(variants[key], key=lambda v: place.get(v, len(place)))
        steps.append(Step(gen.facts[d].id, gen.facts[d].title))
    return LifeEventSteps(situation.event.id, situation.event.name, situation.event.title, steps)


def _service(card_id: str) -> str:
    """What a regional card's id says of its service, without its place: tehran-building-permit →
    building-permit."""
    return card_id.partition("-")[2]


def steps_of(event: LifeEvent, gen: LoadedGeneration) -> LifeEventSteps:
    """The event with its services this generation serves, in the event's order."""
    docs = gen.life_event_services.get(event.id, [])
    return LifeEventSteps(event.id, event.name, event.title, [Step(gen.facts[d].id, gen.facts[d].title) for d in docs])
