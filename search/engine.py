"""The engine the API calls: one object per process, answering requests from the generation it
serves (serving.py swaps generations). A search runs: understanding (understand.py) → retrieval
(retrieval.py) → best bets (pinning.py) → filters and facets (facets.py) → ranking (ranking.py) →
presentation (presentation.py), and returns typed results (results.py) that the API writes as JSON.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import analyzers
from search import facets as facet_counts
from search import pinning, presentation, ranking, situations
from search import query as query_builder
from search.facets import FACETS
from search.generation import LoadedGeneration
from search.results import LifeEventSteps, SearchResult, Understanding
from search.retrieval import Retrieved, retrieve
from search.serving import REFRESH_INTERVAL, GenerationServer
from search.signals import DEFAULT as DEFAULT_SIGNALS
from search.signals import Signals
from search.understanding import understand
from store import card_facts

SORTS = ("relevance", "popularity", "title")
FACET_LIMIT = 50  # values listed per facet; selected ones are always added


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    size: int = 10
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet → selected values
    sort: str = "relevance"
    electronic: bool = False  # only services whose application stage is online
    exact: bool = False  # the words as typed: no keyboard-layout repair, transliteration, split or correction
    facets: tuple[str, ...] = FACETS  # the facets the answer lists, in this order (filters apply whatever it is)


class Engine:
    def __init__(
        self, index_dir: Path | str, refresh_interval: float = REFRESH_INTERVAL, signals: Signals = DEFAULT_SIGNALS
    ):
        self.served = GenerationServer(index_dir, refresh_interval)
        self.signals = signals

    # -- the generation served (serving.py) ------------------------------------------------------

    @property
    def index_dir(self) -> Path:
        return self.served.index_dir

    def load(self) -> LoadedGeneration:
        return self.served.load()

    def generation(self) -> LoadedGeneration:
        return self.served.generation()

    def refresh(self) -> bool:
        return self.served.refresh()

    @property
    def ready(self) -> bool:
        return self.served.ready

    def generation_name(self) -> str | None:
        return self.served.generation_name()

    def card_count(self) -> int | None:
        return self.served.card_count()

    # -- requests --------------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        gen = self.generation()
        signals = self.signals
        plan = understand(req.q, gen.lexicon, gen.synonyms, signals, exact=req.exact)
        weights = query_builder.FIELD_WEIGHTS if signals.field_weights else query_builder.FLAT_WEIGHTS

        if plan.empty:
            # An empty query browses everything; text with no content words (only stop words,
            # symbols or emoji) finds nothing.
            browse = gen.live.copy() if not req.q.strip() else np.zeros(gen.size, bool)
            found = Retrieved(browse, None, None)
        else:
            found = retrieve(plan, gen, weights, signals)
        matched, scores, coverage = found

        pins = pinning.pinned(plan, gen) if signals.best_bets else []
        pinning.admit(pins, matched, coverage)
        situation = situations.recognise(plan, gen, signals) if signals.life_events else None
        if situation:
            scores, coverage = situations.admit(situation, matched, scores, coverage)

        # A facet's own selection filters every other facet's counts and the hits, not itself.
        allowed = {f: facet_counts.allowed_by(gen, f, v) for f, v in req.filters.items() if v and f in FACETS}
        if req.electronic:
            matched &= gen.electronic
        in_all = matched.copy()
        for mask in allowed.values():
            in_all &= mask
        facets = facet_counts.count_for_request(gen, matched, allowed, req.filters, FACET_LIMIT, req.facets)

        offset = (req.page - 1) * req.size
        ranked = ranking.rank(gen, plan, req.sort, in_all, offset + req.size, coverage, scores, signals)
        if pins and req.sort == "relevance":
            ranked = pinning.first(pins, in_all, ranked)
        wanted = frozenset(t for slot in plan.slots if slot.known for a in slot.alternatives for t in a.terms)
        weak_at = (lambda d: bool(coverage[d] < 1.0)) if coverage is not None else (lambda d: False)
        hits = [
            presentation.hit(gen.facts[d], gen.shown(d), score, weak_at(d), wanted)
            for d, score in ranked[offset : offset + req.size]
        ]
        relaxed = coverage is not None and bool((coverage[matched] < 1.0).any())
        interpretation = plan.interpretation + ([{"kind": "relaxed", "matched": "most words"}] if relaxed else [])
        return SearchResult(
            query=Understanding(
                req.q,
                plan.normalized,
                plan.terms,
                plan.corrected,
                interpretation,
                relaxed,
                situations.summary(situation, gen, [d for d, _ in ranked]) if situation else None,
                plan.showing_results_for,
                plan.did_you_mean,
            ),
            total=int(np.count_nonzero(in_all)),
            page=req.page,
            size=req.size,
            hits=hits,
            facets=facets,
            generation=gen.name,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def service(self, service_id: str) -> dict | None:
        """The card plus derived fields: e_readiness and its agency's national rank."""
        gen = self.generation()
        d = gen.by_id.get(service_id)
        if d is None:
            return None
        card = gen.card(d)
        return {**card, "e_readiness": card_facts.e_readiness(card), "agency_rank": gen.agency_rank.get(card["agency"])}

    def life_events(self) -> dict:
        """Every life event with its services, in the order of the controlled vocabulary."""
        gen = self.generation()
        return {"life_events": [situations.steps_of(e, gen) for e in gen.life_events.events], "generation": gen.name}

    def life_event(self, event_id: str) -> LifeEventSteps | None:
        gen = self.generation()
        event = gen.life_events.by_id.get(event_id)
        return situations.steps_of(event, gen) if event else None

    def suggest(self, q: str, limit: int = 10) -> dict:
        return {"suggestions": self.generation().suggester.suggest(q, limit)}

    def clusters(self) -> dict:
        gen = self.generation()
        return {"clusters": gen.clusters, "generation": gen.name}

    def agencies(self) -> dict:
        gen = self.generation()
        return {"agencies": gen.agency_ranking, "generation": gen.name}

    @staticmethod
    def analyze(text: str) -> dict:
        return {"normalized": analyzers.normalize(text), "tokens": analyzers.terms(text)}
