"""The page's address, as app.js `readState`/`urlFor` read and write it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from multidict import MultiMapping

from api import params
from search.engine import SORTS
from search.facets import FACETS

# As app.js: its page size, deepest page, and the API's bounds on a query and a filter.
PAGE_SIZE = 10
MAX_PAGE = params.MAX_DEPTH // PAGE_SIZE
MAX_Q = 200
MAX_VALUES = 20


@dataclass
class State:
    """app.js `readState`: what the address asks for."""

    q: str | None = None
    page: int = 1
    sort: str = "relevance"
    electronic: bool = False
    exact: bool = False  # the words as typed: no corrections
    filters: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FACETS})
    service: str | None = None
    view: str | None = None
    agency: str | None = None  # an agency's page of the report

    @property
    def has_filters(self) -> bool:
        return self.electronic or any(self.filters.values())

    @property
    def is_search(self) -> bool:
        return self.q is not None or self.has_filters

    def search_only(self, **changes) -> State:
        return replace(self, service=None, view=None, agency=None, **changes)


def read_state(query: MultiMapping) -> State:
    raw_page = query.get("page", "1").strip()
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 6 else 1
    sort = query.get("sort")
    filters = {}
    for f in FACETS:
        values = [v.strip()[:MAX_Q] for v in query.getall(f, []) if v.strip() and "\x00" not in v]
        filters[f] = list(dict.fromkeys(values))[:MAX_VALUES]
    q = query.get("q")
    return State(
        q=q.strip()[:MAX_Q].replace("\x00", "") if q is not None else None,
        page=min(max(page, 1), MAX_PAGE),
        sort=sort if sort in SORTS else "relevance",
        electronic=query.get("electronic") == "true",
        exact=query.get("exact") == "true",
        filters=filters,
        service=query.get("service") or None,
        view=query.get("view") or None,
        agency=query.get("agency") or None,
    )


def url_for(s: State) -> str:
    """app.js `urlFor`."""
    pairs: list[tuple[str, str]] = []
    if s.view == "agencies":
        pairs.append(("view", "agencies"))
    else:
        if s.q is not None:
            pairs.append(("q", s.q))
        for f in FACETS:
            pairs.extend((f, v) for v in s.filters.get(f, []))
        if s.electronic:
            pairs.append(("electronic", "true"))
        if s.exact:
            pairs.append(("exact", "true"))
        if s.sort and s.sort != "relevance":
            pairs.append(("sort", s.sort))
        if s.page > 1:
            pairs.append(("page", str(s.page)))
    if s.service:
        pairs.append(("service", s.service))
    qs = urlencode(pairs)
    return "/" + (f"?{qs}" if qs else "")


def fresh_state(**changes) -> State:
    return replace(State(), **changes)


def service_url(s: State | None, service_id: str) -> str:
    return url_for(replace(s.search_only() if s else State(), service=service_id))


def browse_url(facet: str, value: str) -> str:
    filters = {f: [] for f in FACETS}
    filters[facet] = [value]
    return url_for(fresh_state(q="", filters=filters))


def report_url(**params) -> str:
    return "/?" + urlencode({"view": "report", **params})
