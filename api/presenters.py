"""The engine's typed results as the API's JSON (the shapes the OpenAPI document describes)."""

from __future__ import annotations

from api.params import last_page
from search.results import Hit, SearchResult


def hit_json(hit: Hit) -> dict:
    return {
        "id": hit.id,
        "title": hit.title,
        "agency": hit.agency,
        "cluster": hit.cluster,
        "url": hit.url,
        "score": hit.score,
        "weak": hit.weak,
        "snippet": hit.snippet,
        "highlights": {"title": hit.title_html, "description": hit.description_html},
        "e_readiness": hit.e_readiness,
        "electronic": hit.electronic,
        "popularity": hit.popularity,
    }


def search_json(result: SearchResult) -> dict:
    """The search answer. Facet values stay typed: orjson writes them as {"value", "count",
    "selected", "label"} objects without a dictionary each."""
    q = result.query
    return {
        "query": {
            "q": q.q,
            "normalized": q.normalized,
            "terms": q.terms,
            "showing_results_for": q.showing_results_for,
            "did_you_mean": q.did_you_mean,
            "corrected": q.corrected,  # deprecated for one release: one of the two above
            "interpretation": q.interpretation,
            "relaxed": q.relaxed,
            # The life situation the query describes and its services in order (orjson writes the
            # dataclass as {"id", "name", "title", "steps": [{"id", "title"}]}), or null.
            "life_event": q.life_event,
        },
        "total": result.total,
        "page": result.page,
        "size": result.size,
        "pages": last_page(result.total, result.size),
        "hits": [hit_json(h) for h in result.hits],
        "facets": result.facets,
        "generation": result.generation,
        "took_ms": result.took_ms,
    }
