"""The engine the API calls: one object per process, serving the current index generation.

The engine re-reads the generation pointer at most every `refresh_interval` seconds and opens a
newly published generation before swapping it in; a request that started on the old one finishes
on it, because it holds its own reference.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import analyzers
from search import catalogue, matching, ranking
from search import facets as facet_counts
from search import query as query_builder
from search.card_store import Shown
from search.generation import FACETS, CardFacts, LoadedGeneration
from search.highlight import highlight_fragment, highlight_title
from search.index_dir import IndexUnavailable, current_generation
from search.signals import DEFAULT as DEFAULT_SIGNALS
from search.signals import Signals
from search.snippets import snippet
from search.understanding import understand

SORTS = ("relevance", "popularity", "title")
RETRY_FAILED = 10.0  # seconds before a generation that failed to open is tried again
FACET_LIMIT = 50  # values listed per facet; selected ones are always added
MIN_KNOWN_SHARE = 0.5  # below this share of words the index knows, a query is taken as nonsense
RELAXED_IDF_SHARE = 0.4  # share of the query's information a weak match must still carry
RELAXED_SLOT_SHARE = 0.5  # share of a long query's words a weak match must still have
EXPAND_BELOW = 10  # fewer cards with every word than this: cards with most words follow, marked weak
WEAK_FULL = 0.99  # coverage of a card matching every known word of a query with unknown words


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    size: int = 10
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet → selected values
    sort: str = "relevance"
    electronic: bool = False  # only services whose application stage is online


log = logging.getLogger("dargah.search")


class Engine:
    def __init__(self, index_dir: Path | str, refresh_interval: float = 0.5, signals: Signals = DEFAULT_SIGNALS):
        self.index_dir = Path(index_dir)
        self.signals = signals
        self.refresh_interval = refresh_interval
        self._gen: LoadedGeneration | None = None
        self._lock = threading.Lock()
        self._loading: str | None = None  # name of a generation being opened in the background
        self._failed: dict[str, float] = {}  # generation → when it could not be opened
        self._watcher: threading.Thread | None = None

    # -- generations -------------------------------------------------------------------------

    def load(self) -> LoadedGeneration:
        """Open the current generation now (start-up) and watch for newer ones; raises
        IndexUnavailable when there is none to serve."""
        analyzers.warm_up()
        name, path = current_generation(self.index_dir)
        try:
            gen = LoadedGeneration.open(name, path)
        except Exception as e:
            # A damaged current generation: serve the newest older one that opens.
            gen = self._newest_good_before(name)
            if gen is None:
                raise IndexUnavailable(f"generation {name} cannot be opened: {e}") from e
            log.error("generation %s cannot be opened (%s); serving %s instead", name, e, gen.name)
            self._failed[name] = time.monotonic()
        gen.warm_search()
        with self._lock:
            self._gen = gen
        # Ready to search now; suggestions and the agencies' ranking (seconds at 10,000 cards)
        # are built beside the first requests rather than before them.
        threading.Thread(target=self._warm, args=(gen,), name="generation-warm", daemon=True).start()
        self._start_watcher()
        return gen

    def generation(self) -> LoadedGeneration:
        """The generation to serve a request from. Never waits for a newer one to open: the
        watcher swaps it in once it is ready, and this request keeps the one it got."""
        gen = self._gen
        if gen is None:
            raise IndexUnavailable(f"no index generation is loaded from {self.index_dir}")
        return gen

    def _newest_good_before(self, name: str) -> LoadedGeneration | None:
        base = self.index_dir / "generations"
        older = sorted(
            (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name < name), reverse=True
        )
        for path in older:
            try:
                return LoadedGeneration.open(path.name, path)
            except Exception:
                continue
        return None

    def _start_watcher(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, name="generation-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.refresh_interval)
            try:
                self.refresh()
            except Exception:  # keep watching whatever happens; the current generation serves on
                log.exception("generation refresh failed")

    def refresh(self) -> bool:
        """Swap in the published generation if it differs from the serving one; True if swapped."""
        try:
            name, path = current_generation(self.index_dir)
        except IndexUnavailable:
            return False  # the pointer is missing or being replaced: keep serving
        current = self._gen
        if current is not None and current.name == name:
            return False
        if time.monotonic() - self._failed.get(name, -RETRY_FAILED) < RETRY_FAILED:
            return False  # retried now and then: on a network volume files can appear late
        try:
            gen = LoadedGeneration.open(name, path)
            gen.warm_search()
        except Exception:
            # A damaged generation never replaces a good one.
            log.exception("generation %s cannot be opened; still serving %s", name, current.name if current else None)
            self._failed[name] = time.monotonic()
            return False
        gc.unfreeze()  # the generation being replaced must be collectable once requests let go
        with self._lock:
            self._gen = gen
        log.info("now serving generation %s", name)
        self._warm(gen)
        return True

    @staticmethod
    def _warm(gen: LoadedGeneration) -> None:
        """Finish warming a generation that serves, then take what it holds out of the cyclic
        garbage collector's sight: a full collection walks every object (the cards, caches: about
        240,000 at 10,000 cards) and stalls every request of the process for 150 ms. Reference
        counting still frees them."""
        gen.warm()
        gc.collect()
        gc.freeze()

    @property
    def ready(self) -> bool:
        return self._gen is not None

    def generation_name(self) -> str | None:
        """The generation a request starting now would be served from (None before the first load)."""
        if self._gen is None:
            return None
        try:
            return self.generation().name
        except IndexUnavailable:
            return None

    def card_count(self) -> int | None:
        return len(self._gen.by_id) if self._gen is not None else None

    # -- requests ----------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> dict:
        started = time.perf_counter()
        gen = self.generation()
        signals = self.signals
        plan = understand(req.q, gen.lexicon, gen.synonyms, signals)
        weights = query_builder.FIELD_WEIGHTS if signals.field_weights else query_builder.FLAT_WEIGHTS

        # Sets of cards are bool vectors by docnum; scores and coverage are float vectors.
        scores = coverage = None
        if plan.empty:
            # An empty query browses everything; text with no content words (only stop words,
            # symbols or emoji) finds nothing.
            matched = gen.live.copy() if not req.q.strip() else np.zeros(gen.size, bool)
        else:
            matched, scores, coverage = self._match(gen.searcher(), plan, gen, weights)

        pinned = []
        if signals.best_bets and not plan.empty:
            pinned = [gen.by_id[i] for i in gen.best_bets.lookup(plan.terms) if i in gen.by_id]
            if coverage is not None:
                coverage[pinned] = np.where(matched[pinned], coverage[pinned], 1.0)  # a best bet is never weak
            matched[pinned] = True

        # A facet's own selection filters every other facet's counts and the hits, not itself.
        allowed = {f: facet_counts.allowed_by(gen, f, v) for f, v in req.filters.items() if v and f in FACETS}
        if req.electronic:
            matched &= gen.electronic
        in_all = matched.copy()
        for mask in allowed.values():
            in_all &= mask

        by_facet, made = {}, {}
        for f in FACETS:
            others = tuple(g for g in allowed if g != f)
            if others not in made:  # facets filtered by the same others share one vector
                docs = matched
                for g in others:
                    docs = docs & allowed[g]
                made[others] = docs
            by_facet[f] = made[others]
        facets_out = facet_counts.count_all(gen, by_facet, req.filters, FACET_LIMIT)

        offset = (req.page - 1) * req.size
        ranked = self._rank(gen, plan, req, in_all, offset + req.size, coverage, scores)
        if pinned and req.sort == "relevance":
            pins = [d for d in pinned if in_all[d]]
            ranked = [(d, ranked[0][1] if ranked else 1.0) for d in pins] + [r for r in ranked if r[0] not in pins]
        page = ranked[offset : offset + req.size]
        wanted = frozenset(t for slot in plan.slots if slot.known for a in slot.alternatives for t in a.terms)
        weak_at = (lambda d: coverage[d] < 1.0) if coverage is not None else (lambda d: False)
        hits = [self._hit(gen.facts[d], gen.shown(d), score, bool(weak_at(d)), wanted) for d, score in page]
        weak = coverage is not None and bool((coverage[matched] < 1.0).any())
        return {
            "query": {
                "q": req.q,
                "normalized": plan.normalized,  # normalised once, by understanding
                "terms": plan.terms,
                "corrected": plan.corrected,
                "interpretation": plan.interpretation
                + ([{"kind": "relaxed", "matched": "most words"}] if weak else []),
                "relaxed": weak,
            },
            "total": int(np.count_nonzero(in_all)),
            "page": req.page,
            "size": req.size,
            "hits": hits,
            "facets": facets_out,
            "generation": gen.name,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def _match(self, searcher, plan, gen, weights):
        """(matched cards, BM25F scores, coverage or None) for a plan with content words.

        Every content slot the index knows must match; verbs are optional and only add to the
        score. When few cards have every slot, the cards that match the slots carrying most of the
        query's information (IDF) follow them, marked weak (coverage below 1: the share of the
        query's information they carry); a query whose words mostly mean nothing to this index
        finds nothing rather than noise.
        """
        required, optional = plan.required, plan.optional
        if not required:
            required, optional = optional, []
        nonsense = self.signals.nonsense
        if not required or (nonsense and len(required) < len(plan.content_slots) * MIN_KNOWN_SHARE):
            return np.zeros(gen.size, bool), None, None
        terms = gen.term_scores
        slots = [matching.slot_match(terms, searcher, s, weights) for s in required]
        extra = [matching.slot_match(terms, searcher, s, weights) for s in optional]
        # Scores add up over every slot that matched: verbs add to a match, never make one.
        scores = matching.total_score(slots + extra, gen.size)
        matched = matching.all_of(slots, gen.size)
        # A word the index does not know at all makes every hit partial.
        full = WEAK_FULL if any(not s.known for s in plan.content_slots) else 1.0
        coverage = None if full == 1.0 else np.where(matched, full, 0.0)
        if len(required) == 1 or np.count_nonzero(matched) >= EXPAND_BELOW:
            return matched, scores, coverage
        share = self._partial(slots, required, gen)
        partial = (share > 0) & ~matched
        if not partial.any():
            return matched, scores, coverage
        coverage = np.where(matched, full, np.minimum(share, WEAK_FULL))
        return matched | partial, scores, coverage

    def _partial(self, slots: list[matching.SlotMatch], required, gen) -> np.ndarray:
        """By docnum, the share of the query's IDF a card matching enough of its slots carries
        (0 for the others)."""
        n = max(gen.doc_count, 1)
        vocab = gen.lexicon.vocab
        idf = [math.log1p(n / max(1, max(vocab.freq(t) for a in s.alternatives for t in a.terms))) for s in required]
        total = sum(idf)
        need = len(required) - 1 if len(required) <= 3 else math.ceil(RELAXED_SLOT_SHARE * len(required))
        covered = np.zeros(gen.size, np.float64)
        counts = np.zeros(gen.size, np.int16)
        for m, w in zip(slots, idf, strict=False):
            covered += m.mask * w
            counts += m.mask
        if self.signals.nonsense:
            covered[(covered < RELAXED_IDF_SHARE * total) | (counts < need)] = 0.0
        return covered / total

    def _rank(
        self, gen, plan, req, docs: np.ndarray, limit: int, coverage: np.ndarray | None, scores: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """The best `limit` of the cards in `docs`, re-scored by the ranking signals, full
        matches before weak ones."""
        if not docs.any():
            return []
        if scores is None or req.sort != "relevance":
            order = gen.title_order if req.sort == "title" else gen.popularity_order
            return [(int(d), 0.0) for d in order[docs[order]][:limit]]
        candidates = np.flatnonzero(docs)
        sc = scores[candidates]
        if coverage is not None:
            # A weak match ranks by how much of the query it answers before how well it answers it.
            sc = sc * coverage[candidates] ** 2
        depth = max(limit, ranking.RERANK_DEPTH)
        if len(candidates) > depth:
            # Everything scoring at least the depth-th best, so ties at the edge are kept whole.
            edge = np.partition(sc, len(sc) - depth)[len(sc) - depth]
            keep = sc >= edge
            candidates, sc = candidates[keep], sc[keep]
        order = np.lexsort((candidates, -sc))
        scored = list(zip(candidates[order[:depth]].tolist(), sc[order[:depth]].tolist(), strict=False))
        # Weak matches are ordered by coverage after re-scoring: they need every candidate scored.
        need = limit if coverage is None and limit <= ranking.RERANK_DEPTH else None
        top = (
            ranking.rerank(scored[: ranking.RERANK_DEPTH], plan, gen, self.signals, need)
            + scored[ranking.RERANK_DEPTH :]
        )
        if coverage is not None:
            # Cards with every word of the query come before those with most of them.
            top.sort(key=lambda x: coverage[x[0]] < 1.0)
        return [(d, round(sc, 4)) for d, sc in top[:limit]]

    @staticmethod
    def _hit(facts: CardFacts, shown: Shown, score: float, weak: bool, wanted: frozenset[str]) -> dict:
        return {
            "id": facts.id,
            "title": shown.title,
            "agency": facts.agency,
            "cluster": facts.cluster,
            "url": shown.url,
            "score": score,
            "weak": weak,
            "snippet": snippet(shown.description),
            "highlights": {
                "title": highlight_title(shown.title, shown.title_words, wanted),
                "description": highlight_fragment(shown.description, shown.description_words, wanted),
            },
            "e_readiness": facts.e_readiness,
            "electronic": facts.electronic,
            "popularity": shown.popularity,
        }

    def service(self, service_id: str) -> dict | None:
        """The card plus derived fields: e_readiness and its agency's national rank."""
        gen = self.generation()
        d = gen.by_id.get(service_id)
        if d is None:
            return None
        card = gen.card(d)
        return {**card, "e_readiness": catalogue.e_readiness(card), "agency_rank": gen.agency_rank.get(card["agency"])}

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
