"""The engine's typed results as the API's JSON (the shapes the OpenAPI document describes)."""

from __future__ import annotations

from api.params import last_page
from search.results import FacetValue, Hit, LifeEventSteps, SearchResult

# The typed values are written through dictionaries built here: orjson writes a slotted dataclass
# field by field through Python attribute lookups, several times slower than building the
# dictionaries first, and a search answer carries up to 250 facet values. The keys are the
# dataclasses' fields, in their order.


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


def facets_json(facets: dict[str, list[FacetValue]]) -> dict[str, list[dict]]:
    return {
        name: [{"value": v.value, "count": v.count, "selected": v.selected, "label": v.label} for v in values]
        for name, values in facets.items()
    }


def life_event_json(event: LifeEventSteps | None) -> dict | None:
    if event is None:
        return None
    return {
        "id": event.id,
        "name": event.name,
        "title": event.title,
        "steps": [{"id": step.id, "title": step.title} for step in event.steps],
    }


def search_json(result: SearchResult) -> dict:
    """The search answer, as the OpenAPI document's SearchResponse."""
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
            # The life situation the query describes and its services in order, or null.
            "life_event": life_event_json(q.life_event),
        },
        "total": result.total,
        "page": result.page,
        "size": result.size,
        "pages": last_page(result.total, result.size),
        "hits": [hit_json(h) for h in result.hits],
        "facets": facets_json(result.facets),
        "generation": result.generation,
        "took_ms": result.took_ms,
    }
