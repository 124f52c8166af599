"""The search engine the API calls: query understanding, ranking, facets, highlights."""

from analyzers import warm_up
from search.engine import Engine, SearchRequest

__all__ = ["Engine", "SearchRequest", "warm_up"]
