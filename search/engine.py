"""The engine the API calls: one object per process, serving the current index generation.

The engine re-reads the generation pointer at most every `refresh_interval` seconds and opens a
newly published generation before swapping it in; a request that started on the old one finishes
on it, because it holds its own reference.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import scoring

import analyzers
from search import facets as facet_counts
from search import query as query_builder
from search.generation import FACETS, LoadedGeneration
from search.index_dir import IndexUnavailable, current_generation
from search.snippets import snippet

SORTS = ("relevance", "popularity", "title")
FACET_LIMIT = 50  # values listed per facet; selected ones are always added


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    size: int = 10
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet → selected values
    sort: str = "relevance"


class Engine:
    def __init__(self, index_dir: Path | str, refresh_interval: float = 1.0):
        self.index_dir = Path(index_dir)
        self.refresh_interval = refresh_interval
        self._gen: LoadedGeneration | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._bm25 = scoring.BM25F(B=0.75, K1=1.2)

    # -- generations -------------------------------------------------------------------------

    def load(self) -> LoadedGeneration:
        """Open the current generation now (start-up); raises IndexUnavailable."""
        analyzers.warm_up()
        with self._lock:
            return self._refresh_locked(force=True)

    def generation(self) -> LoadedGeneration:
        """The generation to serve this request from, swapping in a newly published one."""
        gen = self._gen
        if gen is None or time.monotonic() - self._checked >= self.refresh_interval:
            with self._lock:
                gen = self._refresh_locked()
        return gen

    def _refresh_locked(self, force: bool = False) -> LoadedGeneration:
        now = time.monotonic()
        if not force and self._gen is not None and now - self._checked < self.refresh_interval:
            return self._gen
        self._checked = now
        try:
            name, path = current_generation(self.index_dir)
        except IndexUnavailable:
            if self._gen is not None:
                return self._gen  # keep serving what we have
            raise
        if self._gen is None or self._gen.name != name:
            try:
                self._gen = LoadedGeneration.open(name, path)
            except Exception as e:  # a damaged generation never replaces a good one
                if self._gen is None:
                    raise IndexUnavailable(f"generation {name} cannot be opened: {e}") from e
        return self._gen

    @property
    def ready(self) -> bool:
        return self._gen is not None

    # -- requests ----------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> dict:
        started = time.perf_counter()
        gen = self.generation()
        searcher = gen.searcher()
        plan = query_builder.plan(req.q)

        q = None
        relaxed = False
        if plan.empty:
            matched = gen.live_docnums()
        else:
            q = query_builder.build(plan, require_all=True)
            matched = list(searcher.docs_for_query(q))
            if not matched and len(plan.terms) > 1:
                q = query_builder.build(plan, require_all=False)
                matched = list(searcher.docs_for_query(q))
                relaxed = bool(matched)

        # A facet's own selection filters every other facet's counts and the hits, not itself.
        allowed = {f: facet_counts.allowed_by(gen, f, v) for f, v in req.filters.items() if v and f in FACETS}
        matched_set = set(matched)
        in_all = matched_set.intersection(*allowed.values()) if allowed else matched_set

        facets_out = {}
        for f in FACETS:
            others = [a for g, a in allowed.items() if g != f]
            docs = matched_set.intersection(*others) if others else matched_set
            facets_out[f] = facet_counts.count(gen, f, docs, req.filters.get(f, []), FACET_LIMIT)

        offset = (req.page - 1) * req.size
        ranked = self._rank(gen, searcher, q, req, in_all, offset + req.size)
        page = ranked[offset : offset + req.size]
        hits = [self._hit(gen.cards[d], score) for d, score in page]
        return {
            "query": {"q": req.q, "terms": plan.terms, "relaxed": relaxed},
            "total": len(in_all),
            "page": req.page,
            "size": req.size,
            "hits": hits,
            "facets": facets_out,
            "generation": gen.name,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def _rank(self, gen, searcher, q, req, docs: set[int], limit: int) -> list[tuple[int, float]]:
        if not docs:
            return []
        if q is None or req.sort != "relevance":
            cards = gen.cards
            if req.sort == "title":
                key = lambda d: (cards[d]["title"], cards[d]["id"])  # noqa: E731
            else:
                key = lambda d: (-(cards[d].get("popularity") or 0), cards[d]["id"])  # noqa: E731
            return [(d, 0.0) for d in sorted(docs, key=key)[:limit]]
        results = searcher.search(q, limit=limit, filter=docs, terms=False)
        return [(hit.docnum, round(hit.score, 4)) for hit in results]

    def _hit(self, card: dict, score: float) -> dict:
        return {
            "id": card["id"],
            "title": card["title"],
            "agency": card["agency"],
            "cluster": card["cluster"],
            "url": card.get("url"),
            "score": score,
            "snippet": snippet(card),
        }

    def service(self, service_id: str) -> dict | None:
        gen = self.generation()
        d = gen.by_id.get(service_id)
        return gen.cards[d] if d is not None else None

    @staticmethod
    def analyze(text: str) -> dict:
        return {"normalized": analyzers.normalize(text), "tokens": analyzers.terms(text)}

