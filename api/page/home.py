"""The home page: the clusters and the most used services."""

from __future__ import annotations

from api import presenters
from api.page.address import browse_url, service_url
from api.page.markup import as_api_json, h, readiness_badge
from api.page.shell import Page
from api.page.words import display, fa_num
from search import Engine, SearchRequest

HOME_TITLE = "درگاه — جست‌وجوی خدمات دولت"


def popular(engine: Engine, size: int = 8) -> list[dict]:
    # The home page shows these services, not facets: none is counted.
    req = SearchRequest(q="", sort="popularity", size=size, facets=())
    return as_api_json(presenters.search_json(engine.search(req)))["hits"]


def home_page(engine: Engine) -> Page:
    clusters = as_api_json(engine.clusters())["clusters"]
    chips = [
        h(
            "li",
            None,
            h(
                "a",
                {"class": "chip", "href": browse_url("cluster", c["value"])},
                c["value"],
                h("span", {"class": "chip-count"}, fa_num(c["count"])),
            ),
        )
        for c in clusters
    ]
    hits = [
        h(
            "li",
            None,
            h("a", {"href": service_url(None, hit["id"]), "class": "popular-title"}, display(hit["title"])),
            h("span", {"class": "popular-meta"}, hit["agency"]),
            readiness_badge(hit["e_readiness"]),
        )
        for hit in popular(engine)
    ]
    return Page("home", HOME_TITLE, fills={"home-clusters": "".join(chips), "home-popular": "".join(hits)})
