"""What a search returns, as typed values: the engine decides what a result is, the API decides how
it is written as JSON (api/presenters.py), as GOV.UK's search-api keeps presenters apart from
queries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Hit:
    id: str
    title: str
    agency: str
    cluster: str
    url: str | None
    score: float
    weak: bool  # matches most but not all of the query's words
    snippet: str
    title_html: str  # the title, escaped, matches in <mark>
    description_html: str  # the best fragment of the description, likewise
    e_readiness: float
    electronic: bool
    popularity: float | None


# Not frozen: a frozen dataclass pays for object.__setattr__ on every field, and a search makes up
# to 250 facet values. orjson writes these as JSON objects as they are.
@dataclass(slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool
    label: str  # how the page shows the value (search/labels.py)


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class LifeEventSteps:
    """The life event a query describes and its services, in the order a citizen needs them."""

    id: str
    name: str
    title: str
    steps: list[Step]


@dataclass(frozen=True, slots=True)
class Understanding:
    """How the query was read: its normalised text, its terms, and what was done to it."""

    q: str
    normalized: str
    terms: list[str]
    corrected: str | None  # deprecated: showing_results_for or did_you_mean, whichever there is
    interpretation: list[dict]
    relaxed: bool  # some results match most but not all of the query's words
    life_event: LifeEventSteps | None = None
    showing_results_for: str | None = None  # the results are for this text, not for what was typed
    did_you_mean: str | None = None  # a suggestion; the results are for what was typed


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: Understanding
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    generation: str
    took_ms: float
