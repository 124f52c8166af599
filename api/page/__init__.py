"""The page rendered on the server, so that it works without JavaScript (progressive enhancement).

`GET /` answers with the page's own shell (static/index.html) whose regions are already filled for
the address asked: the home page, a search with its facets as a form, a service, the report's
tables. The addresses are the script's (app.js `readState`/`urlFor`), and the markup is the one the
script builds, so the script takes the page over as it is (it marks `<main data-rendered>`) and only
renders again when the reader moves on. Everything comes from the engine, through the API's
presenters: the page shows what the API answers.

Text is escaped with `html.escape`; the only HTML taken from the engine is its highlights, and even
those are rebuilt keeping nothing but text and <mark>, as the script does.
"""

from __future__ import annotations

from api.page.address import MAX_PAGE, State, read_state, url_for
from api.page.home import HOME_TITLE, home_page
from api.page.markup import h, marked
from api.page.report import agency_report_page, report_page
from api.page.results import search_page
from api.page.service import service_page
from api.page.shell import SHELL, VIEW_IDS, Page, fill
from api.page.words import display, fa_date, fa_num, fa_percent
from search import Engine

__all__ = [
    "MAX_PAGE",
    "Page",
    "State",
    "display",
    "fa_date",
    "fa_num",
    "fa_percent",
    "finish",
    "marked",
    "read_state",
    "render",
    "unavailable",
    "url_for",
]


def render(engine: Engine, s: State, shell: str = SHELL) -> tuple[Page, str]:
    """The page for an address and its HTML. Engine work: call it off the event loop."""
    page = build(engine, s)
    return page, finish(page, s, shell)


def build(engine: Engine, s: State) -> Page:
    """Which view an address shows, as app.js `render` decides it."""
    if s.service:
        page = service_page(engine, s)
    elif s.view in ("report", "agencies"):
        page = agency_report_page(engine, s.agency) if s.view == "report" and s.agency else report_page(engine)
    elif s.is_search:
        page = search_page(engine, s)
    else:
        page = home_page(engine)
    return page


def finish(page: Page, s: State, shell: str = SHELL) -> str:
    if page.view:
        page.shown.add(VIEW_IDS[page.view])
    page.attrs.setdefault("main", {})["data-rendered"] = page.view if page.view and page.rendered else False
    page.attrs["q"] = {"value": s.q or ""}
    for nav, on in (
        ("nav-browse", page.view == "search" and s.q == "" and not s.has_filters),
        ("nav-report", page.view in ("report", "reportAgency")),
    ):
        page.attrs[nav] = {"aria-current": "page" if on else False}
    return fill(shell, page)


UNAVAILABLE = {
    429: "درخواست‌های این نشانی از اندازه گذشت؛ چند لحظه دیگر دوباره تلاش کنید.",
    503: "سامانه جست‌وجو در حال آماده‌شدن است؛ چند لحظه دیگر دوباره تلاش کنید.",
}


def unavailable(s: State, status: int) -> Page:
    """The page could not be rendered now (too many requests, no generation yet, too busy): the
    shell says so; the script, if it runs, renders the address itself and retries on its own."""
    box = h(
        "div",
        {"class": "error-box", "role": "alert"},
        h("p", {"class": "error-title"}, UNAVAILABLE.get(status, UNAVAILABLE[503])),
        h("p", None, h("a", {"href": url_for(s)}, "تلاش دوباره")),
    )
    return Page(None, HOME_TITLE, status=status, fills={"page-error": box}, shown={"page-error"}, rendered=False)
