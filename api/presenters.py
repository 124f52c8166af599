"""The engine's typed results as the API's JSON (the shapes the OpenAPI document describes)."""

from __future__ import annotations

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
    "selected"} objects without a dictionary each."""
    q = result.query
    return {
        "query": {
            "q": q.q,
            "normalized": q.normalized,
            "terms": q.terms,
            "corrected": q.corrected,
            "interpretation": q.interpretation,
            "relaxed": q.relaxed,
            # The life situation the query describes and its services in order (orjson writes the
            # dataclass as {"id", "name", "title", "steps": [{"id", "title"}]}), or null.
            "life_event": q.life_event,
        },
        "total": result.total,
        "page": result.page,
        "size": result.size,
        "hits": [hit_json(h) for h in result.hits],
        "facets": result.facets,
        "generation": result.generation,
        "took_ms": result.took_ms,
    }
