"""The search engine the API calls: query understanding, ranking, facets, highlights."""

from search.engine import Engine, SearchRequest

__all__ = ["Engine", "SearchRequest"]
