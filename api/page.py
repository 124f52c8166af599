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

import datetime
import math
import re
from dataclasses import dataclass, field, replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import orjson
from multidict import MultiMapping

from api import presenters
from search import Engine, SearchRequest
from search import report as national_report
from search.engine import SORTS
from search.facets import FACETS

SHELL = (Path(__file__).parent / "static" / "index.html").read_text(encoding="utf-8")

# As app.js: its page size, deepest page and preview of a long facet.
PAGE_SIZE = 10
MAX_PAGE = 20
MAX_Q = 200
MAX_VALUES = 20
FACET_PREVIEW = 8
COLLAPSED = ("audience", "level", "channel")
FACET_TITLES = {
    "cluster": "خوشه خدمت",
    "agency": "دستگاه اجرایی",
    "audience": "مخاطب",
    "level": "سطح ارائه",
    "channel": "کانال دریافت",
}
LABELS = {
    "audience": {"citizen": "شهروندان", "business": "کسب‌وکارها", "government": "دستگاه‌ها"},
    "level": {"national": "ملی", "provincial": "استانی", "local": "شهرستانی"},
    "channel": {
        "web": "وب",
        "mobile_app": "اپلیکیشن موبایل",
        "ussd": "کد دستوری",
        "kiosk": "کیوسک",
        "counter_office": "دفاتر پیشخوان",
        "in_person": "حضوری",
        "phone": "تلفن",
    },
}
STAGES = (
    ("information", "اطلاع‌رسانی"),
    ("application", "دریافت درخواست"),
    ("processing", "پردازش"),
    ("delivery", "تحویل"),
)
CHECK_LABELS = {
    "no_url": "درخواست الکترونیکی بدون نشانی سامانه",
    "no_documents": "بدون فهرست مدارک",
    "no_steps": "بدون مراحل انجام",
    "no_channels": "بدون کانال دریافت",
    "stale": "به‌روز نشده در یک سال گذشته",
    "short_description": "شرح کوتاه‌تر از یک جمله",
}
CHECK_RULES = {
    "no_url": "مرحله دریافت درخواست الکترونیکی است اما نشانی سامانه (url) ثبت نشده است.",
    "no_documents": "هیچ مدرک لازمی ثبت نشده است.",
    "no_steps": "مراحل دریافت خدمت ثبت نشده است.",
    "no_channels": "هیچ کانال دریافت خدمت ثبت نشده است.",
    "stale": "تاریخ به‌روزرسانی ثبت نشده یا بیش از یک سال پیش از انتشار این گزارش است.",
    "short_description": "شرح خدمت ثبت نشده یا کمتر از شش واژه است.",
}
HOME_TITLE = "درگاه — جست‌وجوی خدمات دولت"

# -- what people read ---------------------------------------------------------------------------------

# Titles and descriptions typed with Arabic letters are shown with the Persian ones: display only,
# the words themselves (and Arabic-Indic digits) stay as they are in the card.
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


def display(text) -> str:
    return str(text or "").translate(_PERSIAN_LETTERS)


def fa_digits(text) -> str:
    return str(text).translate(_PERSIAN_DIGITS)


def fa_num(n) -> str:
    """A number as Intl.NumberFormat("fa-IR") writes it: Persian digits, the Arabic thousands separator."""
    return f"{n:,}".replace(",", "٬").translate(_PERSIAN_DIGITS)


def fa_percent(x) -> str:
    # Halves up, as the script's Math.round (Python's round() would round them to even).
    return fa_num(math.floor((float(x or 0)) * 100 + 0.5)) + "٪"


def jalali(day: datetime.date) -> tuple[int, int, int]:
    """The Solar Hijri (Jalali) date of a Gregorian one (the arithmetic of the usual conversion)."""
    gy, gm, gd = day.year, day.month, day.day
    before = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + before[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def fa_date(iso: str) -> str:
    """A date as the script shows it (Intl "fa-IR", dateStyle long): «۱۴ آذر ۱۴۰۵»."""
    try:
        y, m, d = jalali(datetime.date.fromisoformat(str(iso)[:10]))
    except ValueError:
        return fa_digits(iso)
    return fa_digits(f"{d} {_MONTHS[m - 1]} {y}")


def label(facet: str, value: str) -> str:
    return LABELS.get(facet, {}).get(value, value)


def safe_url(url) -> str | None:
    """Only http(s) addresses become links; anything else (javascript:, data:) stays text."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if re.match(r"(?i)^https?://[^\s]+$", url) else None


class _Marked(HTMLParser):
    """Highlighted text rebuilt keeping only text and <mark>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.out.append("<mark>")

    def handle_endtag(self, tag):
        if tag == "mark":
            self.out.append("</mark>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


def marked(html_text, fallback) -> str:
    if not isinstance(html_text, str) or not html_text:
        return escape(display(fallback))
    parser = _Marked()
    parser.feed(display(html_text))
    parser.close()
    opened = "".join(parser.out).count("<mark>") - "".join(parser.out).count("</mark>")
    return "".join(parser.out) + "</mark>" * max(0, opened)


# -- building markup ------------------------------------------------------------------------------------


class Markup(str):
    """Text that is already HTML (an element built here, or highlights rebuilt by `marked`)."""


def h(tag: str, attrs: dict | None = None, *children) -> Markup:
    """An element, as the script's h(): attribute values and text children are escaped, `Markup`
    children are not; None and False are left out."""
    parts = [f"<{tag}"]
    for k, v in (attrs or {}).items():
        if v is None or v is False:
            continue
        parts.append(f" {k}" if v is True else f' {k}="{escape(str(v))}"')
    parts.append(">")
    parts.append(_children(children))
    if tag not in ("input", "meta", "link", "br"):
        parts.append(f"</{tag}>")
    return Markup("".join(parts))


def _children(children) -> str:
    out = []
    for c in children:
        if c is None or c is False:
            continue
        if isinstance(c, Markup):
            out.append(c)
        elif isinstance(c, (list, tuple)):
            out.append(_children(c))
        else:
            out.append(escape(str(c), quote=False))
    return "".join(out)


# -- the address: the state of the page -----------------------------------------------------------------


@dataclass
class State:
    """app.js `readState`: what the address asks for."""

    q: str | None = None
    page: int = 1
    sort: str = "relevance"
    electronic: bool = False
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
        if s.sort and s.sort != "relevance":
            pairs.append(("sort", s.sort))
        if s.page > 1:
            pairs.append(("page", str(s.page)))
    if s.service:
        pairs.append(("service", s.service))
    qs = urlencode(pairs)
    return "/" + (f"?{qs}" if qs else "")


def _fresh(**changes) -> State:
    return replace(State(), **changes)


def service_url(s: State | None, service_id: str) -> str:
    return url_for(replace(s.search_only() if s else State(), service=service_id))


def browse_url(facet: str, value: str) -> str:
    filters = {f: [] for f in FACETS}
    filters[facet] = [value]
    return url_for(_fresh(q="", filters=filters))


def report_url(**params) -> str:
    return "/?" + urlencode({"view": "report", **params})


# -- the page: a shell with filled regions ----------------------------------------------------------------


@dataclass
class Page:
    view: str | None  # the shell's view shown (home, search, service, report, reportAgency), if any
    title: str
    status: int = 200
    fills: dict[str, str] = field(default_factory=dict)  # element id → its content
    shown: set[str] = field(default_factory=set)  # element ids whose `hidden` goes
    hidden: set[str] = field(default_factory=set)  # element ids that get `hidden`
    attrs: dict[str, dict[str, str | bool]] = field(default_factory=dict)  # element id → attributes set
    rendered: bool = True  # the script may take this view over as it is
    # A search's normalised text and whether it found nothing, for the query log: the script does
    # not ask the API again for a page the server rendered, so the page logs what it searched.
    searched: tuple[str, bool] | None = None


VIEW_IDS = {
    "home": "view-home",
    "search": "view-search",
    "service": "view-service",
    "report": "view-report",
    "reportAgency": "view-report-agency",
}


def _start_tag(shell: str, element_id: str) -> re.Match:
    m = re.search(r'<([a-zA-Z][\w-]*)\b[^>]*\sid="' + re.escape(element_id) + r'"[^>]*>', shell)
    if m is None:
        raise KeyError(f"the page's shell has no element with id {element_id!r}")
    return m


def _end_of(shell: str, tag: str, start: int) -> int:
    """Where the element whose content starts at `start` closes (counting nested same-name tags)."""
    depth = 1
    for m in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(shell, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.start()
    raise ValueError(f"<{tag}> is not closed in the page's shell")


def _set_attrs(tag_text: str, attrs: dict[str, str | bool]) -> str:
    for name, value in attrs.items():
        tag_text = re.sub(rf'\s{name}(="[^"]*")?(?=[\s>/])', "", tag_text)
        if value is False or value is None:
            continue
        added = f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        tag_text = tag_text[:-1] + added + ">"
    return tag_text


def fill(shell: str, page: Page) -> str:
    attrs: dict[str, dict[str, str | bool]] = {}
    for element_id in page.shown:
        attrs.setdefault(element_id, {})["hidden"] = False
    for element_id in page.hidden:
        attrs.setdefault(element_id, {})["hidden"] = True
    for element_id, more in page.attrs.items():
        attrs.setdefault(element_id, {}).update(more)
    for element_id in set(attrs) | set(page.fills):
        m = _start_tag(shell, element_id)
        tag_text = _set_attrs(m.group(0), attrs.get(element_id, {}))
        if element_id in page.fills:
            end = _end_of(shell, m.group(1), m.end())
            shell = shell[: m.start()] + tag_text + page.fills[element_id] + shell[end:]
        else:
            shell = shell[: m.start()] + tag_text + shell[m.end() :]
    return re.sub(r"<title>[^<]*</title>", f"<title>{escape(page.title)}</title>", shell, count=1)


def render(engine: Engine, s: State, shell: str = SHELL) -> tuple[Page, str]:
    """The page for an address and its HTML. Engine work: call it off the event loop."""
    page = build(engine, s)
    return page, finish(page, s, shell)


def build(engine: Engine, s: State) -> Page:
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


def _json(value):
    """The engine's answer as the API writes it (dataclasses as objects), so that the page reads
    exactly what the script reads."""
    return orjson.loads(orjson.dumps(value))


# -- home --------------------------------------------------------------------------------------------------


def readiness_class(x: float) -> str:
    return "high" if x >= 0.75 else "mid" if x >= 0.5 else "low" if x > 0 else "none"


def readiness_badge(x) -> Markup:
    v = float(x or 0)
    return h(
        "span",
        {"class": f"badge readiness {readiness_class(v)}", "title": "میزان الکترونیکی بودن مراحل خدمت"},
        f"الکترونیکی {fa_percent(v)}",
    )


def popular(engine: Engine, size: int = 8) -> list[dict]:
    return _json(presenters.search_json(engine.search(SearchRequest(q="", sort="popularity", size=size))))["hits"]


def home_page(engine: Engine) -> Page:
    clusters = _json(engine.clusters())["clusters"]
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


# -- search ------------------------------------------------------------------------------------------------


def search_page(engine: Engine, s: State) -> Page:
    req = SearchRequest(
        q=s.q or "", page=s.page, size=PAGE_SIZE, filters=s.filters, sort=s.sort, electronic=s.electronic
    )
    data = _json(presenters.search_json(engine.search(req)))
    total = data["total"]
    pages = min(math.ceil(total / PAGE_SIZE), MAX_PAGE)
    q = data.get("query") or {}
    what = [" برای «", h("bdi", None, s.q), "»"] if s.q else []
    if total:
        count = [h("strong", None, fa_num(total)), " خدمت", what]
        if pages > 1:
            count.append(f" — صفحه {fa_num(s.page)} از {fa_num(pages)}")
    else:
        count = ["هیچ خدمتی", what, " پیدا نشد"]
    page = Page("search", f"{s.q} — جست‌وجو در درگاه" if s.q else "همه خدمات — درگاه")
    page.searched = (q.get("normalized", ""), total == 0)
    page.fills["result-count"] = _children(count)
    page.fills["notices"] = notices(s, q)
    steps = life_event(s, q.get("life_event"))
    if steps:
        page.fills["life-event"] = steps
        page.shown.add("life-event")
    chips = active_filters(s)
    page.fills["active-filters"] = "".join(chips)
    if chips:
        page.shown |= {"active-filters", "clear-filters", "filter-badge"}
        page.fills["filter-badge"] = fa_num(len(chips))
    page.fills["facets"] = facets(s, data.get("facets") or {})
    page.fills["filters-keep"] = keep_query(s)
    page.attrs["electronic"] = {"checked": s.electronic}
    page.fills["sort"] = "".join(
        h("option", {"value": value, "selected": value == s.sort}, name)
        for value, name in (("relevance", "مرتبط‌ترین"), ("popularity", "پرکاربردترین"), ("title", "عنوان (الفبایی)"))
    )
    first = (s.page - 1) * PAGE_SIZE + 1
    page.fills["results"] = "".join(result(s, hit, first + i) for i, hit in enumerate(data["hits"]))
    page.attrs["results"] = {"start": str(first), "data-total": str(total)}
    if not data["hits"]:
        page.fills["empty"] = empty(engine, s, total)
        page.shown.add("empty")
    links = pagination(s, pages)
    if links:
        page.fills["pagination"] = links
        page.shown.add("pagination")
    return page


def keep_query(s: State) -> str:
    """What the filters' form sends besides its own fields: the query (a new filter starts again at
    page one, as the script does)."""
    return h("input", {"type": "hidden", "name": "q", "value": s.q}) if s.q is not None else ""


def result(s: State, hit: dict, n: int) -> str:
    external = safe_url(hit.get("url"))
    highlights = hit.get("highlights") or {}
    snippet = marked(highlights.get("description"), hit.get("snippet"))
    return h(
        "li",
        {"class": "hit weak" if hit.get("weak") else "hit", "data-id": hit["id"], "data-n": n},
        h(
            "article",
            None,
            h(
                "h2",
                {"class": "hit-title"},
                h(
                    "a",
                    {"href": service_url(s, hit["id"]), "class": "hit-link"},
                    Markup(marked(highlights.get("title"), hit["title"])),
                ),
            ),
            h(
                "p",
                {"class": "hit-meta"},
                h("span", {"class": "hit-agency"}, hit["agency"]),
                h("span", {"class": "sep", "aria-hidden": "true"}, " • "),
                h("span", {"class": "hit-cluster"}, hit["cluster"]),
            ),
            h(
                "p",
                {"class": "badges"},
                readiness_badge(hit.get("e_readiness")),
                h("span", {"class": "badge online"}, "درخواست برخط") if hit.get("electronic") else None,
                h("span", {"class": "badge weak", "title": "همه واژه‌های جست‌وجو در این خدمت نیست"}, "تطابق ناقص")
                if hit.get("weak")
                else None,
            ),
            h("p", {"class": "hit-snippet"}, Markup(snippet)) if snippet else None,
            h(
                "p",
                {"class": "hit-actions"},
                h(
                    "a",
                    {"href": external, "class": "external-link", "target": "_blank", "rel": "noopener noreferrer"},
                    "ورود به سامانه خدمت",
                    h("span", {"aria-hidden": "true"}, " ↗"),
                ),
            )
            if external
            else None,
        ),
    )


def notice(kind: str, *children) -> str:
    return h("p", {"class": f"notice {kind}"}, *children)


def _fold(text: str) -> str:
    """app.js `fold`: names compared the way people type them."""
    text = re.sub(r"[\u200c\u200f\u064b-\u065f]", "", str(text or "").replace("ى", "ی").translate(_PERSIAN_LETTERS))
    return re.sub(r"\s+", " ", text).strip().lower()


def query_link(s: State, text: str) -> Markup:
    return h("a", {"href": url_for(_fresh(q=text, sort=s.sort, electronic=s.electronic))}, h("bdi", None, text))


def notices(s: State, q: dict) -> str:
    """As app.js renderNotices: how the query was read."""
    out = []
    shown_for = q.get("showing_results_for")
    did_you_mean = q.get("did_you_mean", q.get("corrected") if shown_for is None else None)
    if shown_for and _fold(shown_for) != _fold(s.q or ""):
        out.append(notice("didyoumean", "نتایج برای «", h("strong", None, shown_for), "» نشان داده شده است."))
    if did_you_mean and _fold(did_you_mean) != _fold(s.q or ""):
        out.append(notice("didyoumean", "منظورتان «", query_link(s, did_you_mean), "» بود؟"))
    for it in q.get("interpretation") or []:
        kind, src, to = it.get("kind"), it.get("from"), it.get("to")
        if kind == "layout":
            out.append(
                notice(
                    "interpretation",
                    "«",
                    h("bdi", {"dir": "ltr"}, src),
                    "» با چینش صفحه‌کلید انگلیسی تایپ شده بود؛ نتایج برای «",
                    h("strong", None, to),
                    "» نشان داده شده است.",
                )
            )
        elif kind == "transliteration":
            out.append(
                notice(
                    "interpretation",
                    "«",
                    h("bdi", {"dir": "ltr"}, src),
                    "» را «",
                    h("strong", None, to),
                    "» خواندیم (فارسی با حروف لاتین).",
                )
            )
        elif kind == "split":
            out.append(
                notice("interpretation", "«", h("bdi", None, src), "» را «", h("strong", None, to), "» خواندیم.")
            )
        elif kind == "synonym" and isinstance(to, list) and to:
            words = [["، " if i else "", h("bdi", None, t)] for i, t in enumerate(to)]
            out.append(notice("synonym", "هم‌معنی‌های «", h("bdi", None, src), "» هم جست‌وجو شد: ", words))
        elif kind == "relaxed":
            out.append(
                notice(
                    "relaxed",
                    "هیچ خدمتی همه واژه‌های جست‌وجوی شما را نداشت؛ "
                    "خدمت‌هایی که بیشتر واژه‌ها را دارند با برچسب «تطابق ناقص» آمده‌اند.",
                )
            )
    return "".join(out)


def life_event(s: State, event: dict | None) -> str:
    """As app.js renderLifeEvent: what to do, step by step, each step a link to its service."""
    steps = (event or {}).get("steps") or []
    if not steps:
        return ""
    items = [
        h(
            "li",
            {"class": "life-event-step"},
            h("span", {"class": "step-number", "aria-hidden": "true"}, fa_num(i + 1)),
            h("a", {"href": service_url(s, step["id"])}, display(step["title"])),
        )
        for i, step in enumerate(steps)
    ]
    return (
        h("h2", {"id": "life-event-title", "class": "life-event-title"}, display(event["title"]))
        + h("p", {"class": "life-event-intro"}, "کارهایی که معمولاً در این وضعیت لازم است، به ترتیب:")
        + h("ol", {"class": "life-event-steps"}, items)
    )


def without(s: State, facet: str, value: str) -> State:
    filters = {f: list(v) for f, v in s.filters.items()}
    filters[facet] = [v for v in filters[facet] if v != value]
    return s.search_only(filters=filters, page=1)


def active_filters(s: State) -> list[str]:
    """Each active filter, a link to the same search without it."""
    chips = []
    cross = h("span", {"class": "chip-x", "aria-hidden": "true"}, "×")
    for f in FACETS:
        for v in s.filters[f]:
            chips.append(
                h(
                    "li",
                    None,
                    h(
                        "a",
                        {
                            "class": "chip removable",
                            "href": url_for(without(s, f, v)),
                            "aria-label": f"حذف فیلتر {FACET_TITLES[f]}: {label(f, v)}",
                        },
                        h("span", {"class": "chip-facet"}, FACET_TITLES[f] + ": "),
                        label(f, v),
                        cross,
                    ),
                )
            )
    if s.electronic:
        chips.append(
            h(
                "li",
                None,
                h(
                    "a",
                    {
                        "class": "chip removable",
                        "href": url_for(s.search_only(electronic=False, page=1)),
                        "aria-label": "حذف فیلتر فقط خدمات الکترونیکی",
                    },
                    "فقط الکترونیکی",
                    cross,
                ),
            )
        )
    return chips


def facets(s: State, facets: dict) -> str:
    """As app.js renderFacets, with checkboxes the filters' form sends; a long list's rest folds
    into a <details> instead of the script's button."""
    groups = []
    for f in FACETS:
        values = facets.get(f) or []
        if not values and not s.filters[f]:
            continue

        def values_list(vs, f=f):
            return h(
                "ul",
                {"class": "facet-values"},
                [
                    h(
                        "li",
                        None,
                        h(
                            "label",
                            {"class": "facet-value" if v["count"] else "facet-value zero"},
                            h(
                                "input",
                                {
                                    "type": "checkbox",
                                    "name": f,
                                    "data-facet": f,
                                    "value": v["value"],
                                    "checked": bool(v["selected"]),
                                },
                            ),
                            h("span", {"class": "facet-label"}, label(f, v["value"])),
                            h("span", {"class": "facet-count"}, fa_num(v["count"])),
                        ),
                    )
                    for v in vs
                ],
            )

        if f in COLLAPSED:
            selected = len(s.filters[f])
            groups.append(
                h(
                    "details",
                    {"class": "facet collapsible", "data-facet": f, "open": selected > 0},
                    h(
                        "summary",
                        None,
                        FACET_TITLES[f],
                        h("span", {"class": "count-badge"}, fa_num(selected)) if selected else None,
                    ),
                    h(
                        "fieldset",
                        None,
                        h("legend", {"class": "visually-hidden"}, FACET_TITLES[f]),
                        values_list(values),
                    ),
                )
            )
            continue
        shown = [v for i, v in enumerate(values) if i < FACET_PREVIEW or v["selected"]]
        rest = [v for i, v in enumerate(values) if not (i < FACET_PREVIEW or v["selected"])]
        more = (
            h(
                "details",
                {"class": "facet-rest"},
                h("summary", {"class": "link-button facet-more"}, f"نمایش همه ({fa_num(len(values))})"),
                values_list(rest),
            )
            if rest
            else None
        )
        groups.append(
            h(
                "fieldset",
                {"class": "facet", "data-facet": f},
                h("legend", None, FACET_TITLES[f]),
                values_list(shown),
                more,
            )
        )
    return "".join(groups)


def empty(engine: Engine, s: State, total: int) -> str:
    if total > 0:  # past the last page (an old shared link)
        return h("h2", None, "این صفحه نتیجه‌ای ندارد") + h(
            "p", None, h("a", {"href": url_for(s.search_only(page=1))}, "بازگشت به صفحه نخست نتایج")
        )
    tips = []
    if s.q:
        tips.append(h("li", None, "املای واژه‌ها را بررسی کنید، یا واژه‌های کمتر و کلی‌تری بنویسید."))
        tips.append(h("li", None, "نام رایج خدمت را امتحان کنید؛ مثلاً «گواهینامه» یا «گذرنامه»."))
    if s.has_filters:
        everything = s.search_only(filters={f: [] for f in FACETS}, electronic=False, page=1)
        tips.append(
            h("li", None, "فیلترهای انتخاب‌شده را بردارید: ", h("a", {"href": url_for(everything)}, "حذف همه فیلترها"))
        )
    heading = ["نتیجه‌ای برای «", h("bdi", None, s.q), "» پیدا نشد"] if s.q else "با این فیلترها خدمتی پیدا نشد"
    services = [
        h("li", None, h("a", {"href": service_url(None, hit["id"])}, display(hit["title"]))) for hit in popular(engine)
    ]
    return (
        h("h2", None, heading)
        + (h("ul", {"class": "tips"}, tips) if tips else "")
        + h("h3", None, "پرکاربردترین خدمات")
        + h("ul", {"class": "popular-inline"}, services)
    )


def pagination(s: State, pages: int) -> str:
    if pages <= 1:
        return ""

    def link(p, text, aria=None, cls=None):
        if p == s.page and not cls:
            return h("span", {"class": "page current", "aria-current": "page"}, text)
        return h(
            "a",
            {"class": f"page {cls}" if cls else "page", "href": url_for(s.search_only(page=p)), "aria-label": aria},
            text,
        )

    items = []
    if s.page > 1:
        items.append(link(s.page - 1, "→ قبلی", "صفحه قبلی", "prev"))
    wanted = {p for p in (1, pages, s.page - 1, s.page, s.page + 1) if 1 <= p <= pages}
    if s.page <= 3:
        wanted |= {p for p in (2, 3, 4) if p <= pages}
    if s.page >= pages - 2:
        wanted |= {p for p in (pages - 1, pages - 2, pages - 3) if p >= 1}
    last = 0
    for p in sorted(wanted):
        if p - last > 1:
            items.append(h("span", {"class": "page gap", "aria-hidden": "true"}, "…"))
        items.append(link(p, fa_num(p), f"صفحه {fa_num(p)}"))
        last = p
    if s.page < pages:
        items.append(link(s.page + 1, "بعدی ←", "صفحه بعدی", "next"))
    return h("ul", None, [h("li", None, i) for i in items])


# -- one service -------------------------------------------------------------------------------------------


def _section(title: str, body, cls: str | None = None):
    if not body:
        return None
    return h("section", {"class": f"service-section {cls}" if cls else "service-section"}, h("h2", None, title), body)


def _list(tag: str, items, cls: str):
    if not isinstance(items, list) or not items:
        return None
    return h(tag, {"class": cls}, [h("li", None, display(t)) for t in items])


def service_page(engine: Engine, s: State) -> Page:
    card = engine.service(s.service)
    back_to = url_for(s.search_only()) if s.is_search else "/"
    back = h(
        "p",
        {"class": "back"},
        h("a", {"href": back_to, "class": "back-button"}, "→ بازگشت به نتایج" if s.is_search else "→ بازگشت"),
    )
    if card is None:
        box = h(
            "div",
            {"class": "error-box", "role": "alert"},
            h("p", {"class": "error-title"}, "خدمتی با این شناسه پیدا نشد."),
            h("p", None, "شاید خدمت حذف شده یا نشانی اشتباه است. ", h("a", {"href": "/"}, "جست‌وجو در همه خدمات")),
        )
        return Page("service", "خدمت پیدا نشد — درگاه", status=404, fills={"service": back + box}, rendered=False)
    card = _json(card)
    agencies = len(_json(engine.agencies())["agencies"])
    return Page("service", f"{display(card['title'])} — درگاه", fills={"service": back + service_card(card, agencies)})


def service_card(c: dict, agency_total: int | None) -> str:
    external = safe_url(c.get("url"))
    readiness = float(c.get("e_readiness") or 0)
    stages = c.get("e_stages") or {}
    channels = c.get("channels") if isinstance(c.get("channels"), list) else []
    audience = c.get("audience") if isinstance(c.get("audience"), list) else []
    facts = [
        (k, v)
        for k, v in (
            ("هزینه", fa_digits(c["fee"]) if c.get("fee") else None),
            ("مدت زمان انجام", fa_digits(c["duration"]) if c.get("duration") else None),
            ("مخاطب", "، ".join(label("audience", a) for a in audience) if audience else None),
            ("سطح ارائه", label("level", c["level"]) if c.get("level") else None),
            ("دستگاه مادر", c.get("parent_agency")),
            ("آخرین به‌روزرسانی", fa_date(c["updated_at"]) if c.get("updated_at") else None),
        )
        if v
    ]
    rank = (
        h(
            "p",
            {"class": "agency-rank"},
            "رتبه «",
            h("a", {"href": browse_url("agency", c["agency"])}, c["agency"]),
            "» در رتبه‌بندی ملی: ",
            h("strong", None, fa_num(c["agency_rank"])),
            f" از {fa_num(agency_total)} دستگاه" if agency_total else "",
            " — ",
            h("a", {"href": report_url(agency=c["agency"])}, "گزارش آمادگی این دستگاه"),
        )
        if c.get("agency_rank")
        else None
    )
    channel_items = []
    for ch in channels:
        link = safe_url(ch.get("address"))
        address = ch.get("address")
        channel_items.append(
            h(
                "li",
                None,
                h("span", {"class": "channel-type"}, label("channel", ch.get("type"))),
                h(
                    "span",
                    {"class": "channel-address"},
                    h("a", {"href": link, "target": "_blank", "rel": "noopener noreferrer", "dir": "ltr"}, address)
                    if link
                    else address,
                )
                if address
                else None,
            )
        )
    stage_items = [
        h(
            "li",
            {"class": "yes" if stages.get(k) else "no"},
            h("span", {"class": "stage-mark", "aria-hidden": "true"}, "✓" if stages.get(k) else "✗"),
            name,
            h("span", {"class": "visually-hidden"}, ": الکترونیکی" if stages.get(k) else ": غیرالکترونیکی"),
        )
        for k, name in STAGES
    ]
    return h(
        "article",
        {"class": "service-card"},
        h(
            "header",
            {"class": "service-head"},
            h("p", {"class": "service-cluster"}, h("a", {"href": browse_url("cluster", c["cluster"])}, c["cluster"])),
            h("h1", {"id": "service-title", "class": "page-title", "tabindex": "-1"}, display(c["title"])),
            h("p", {"class": "service-agency"}, c["agency"]),
            h(
                "p",
                {"class": "badges"},
                readiness_badge(readiness),
                h("span", {"class": "badge online"}, "درخواست برخط") if stages.get("application") else None,
            ),
            h(
                "p",
                {"class": "service-cta"},
                h(
                    "a",
                    {"href": external, "class": "button primary", "target": "_blank", "rel": "noopener noreferrer"},
                    "ورود به سامانه خدمت",
                    h("span", {"aria-hidden": "true"}, " ↗"),
                ),
            )
            if external
            else None,
        ),
        h(
            "div",
            {"class": "service-grid"},
            h(
                "div",
                {"class": "service-main"},
                h("p", {"class": "service-description"}, display(c["description"])) if c.get("description") else None,
                _section("مراحل دریافت خدمت", _list("ol", c.get("steps"), "steps")),
                _section("مدارک لازم", _list("ul", c.get("documents"), "documents")),
                _section("استعلام‌های دستگاه", _list("ul", c.get("inquiries"), "plain-list")),
                _section("قوانین و مقررات", _list("ul", c.get("legal_basis"), "plain-list")),
                h("p", {"class": "muted"}, "مراحل و مدارک این خدمت هنوز ثبت نشده است.")
                if not c.get("steps") and not c.get("documents")
                else None,
            ),
            h(
                "aside",
                {"class": "service-side"},
                h(
                    "section",
                    {"class": "side-card readiness-card"},
                    h("h2", None, "آمادگی الکترونیکی"),
                    h(
                        "div",
                        {"class": "readiness-big"},
                        h("span", {"class": f"readiness-value {readiness_class(readiness)}"}, fa_percent(readiness)),
                        h(
                            "meter",
                            {
                                "min": "0",
                                "max": "1",
                                "low": "0.5",
                                "high": "0.75",
                                "optimum": "1",
                                "value": str(readiness),
                                "aria-label": "آمادگی الکترونیکی",
                            },
                            fa_percent(readiness),
                        ),
                    ),
                    h("ul", {"class": "stages"}, stage_items),
                    rank,
                ),
                _section(
                    "کانال‌های دریافت خدمت",
                    h("ul", {"class": "channels"}, channel_items)
                    if channel_items
                    else h("p", {"class": "muted"}, "کانالی ثبت نشده است."),
                    "side-card",
                ),
                _section(
                    "اطلاعات خدمت",
                    h("dl", {"class": "facts"}, [[h("dt", None, k), h("dd", None, v)] for k, v in facts]),
                    "side-card",
                )
                if facts
                else None,
            ),
        ),
    )


# -- the national e-readiness report: its tables (the script adds the charts) ----------------------------


def table(caption: str, head: list[str], rows: list[list]) -> str:
    """A table's content as app.js `table()`: the first cell of a row is its header."""
    body = [
        h("tr", None, [h("th" if i == 0 else "td", {"scope": "row"} if i == 0 else None, c) for i, c in enumerate(r)])
        for r in rows
    ]
    return (
        h("caption", {"class": "visually-hidden"}, caption)
        + h("thead", None, h("tr", None, [h("th", {"scope": "col"}, c) for c in head]))
        + h("tbody", None, body)
    )


def report_page(engine: Engine) -> Page:
    gen = engine.generation()
    r = gen.report.national
    page = Page("report", "گزارش ملی آمادگی الکترونیکی — درگاه")
    page.fills["report-meta"] = _children(
        [
            f"بر پایه {fa_num(r['services'])} شناسنامه خدمت از {fa_num(r['agencies'])} دستگاه، منتشرشده در ",
            h("time", {"datetime": r["published_at"]}, fa_date(r["published_at"][:10])),
            ".",
        ]
    )
    glance = (
        ("خدمات", fa_num(r["services"])),
        ("دستگاه‌ها", fa_num(r["agencies"])),
        ("میانگین آمادگی الکترونیکی", fa_percent(r["e_readiness"])),
        ("تمام‌الکترونیکی (هر چهار مرحله)", fa_percent(r["fully_electronic"])),
        ("فقط اطلاع‌رسانی", fa_percent(r["information_only"])),
        ("شناسنامه کامل", fa_percent(r["complete_share"])),
    )
    page.fills["report-glance"] = "".join(
        h("div", {"class": "glance-item"}, h("dt", None, k), h("dd", None, v)) for k, v in glance
    )
    page.fills["stages-table"] = table(
        "سهم خدمات الکترونیکی در هر مرحله",
        ["مرحله", "سهم خدمات"],
        [[name, fa_percent(r["stages"][k])] for k, name in STAGES],
    )
    page.fills["distribution-table"] = table(
        "تعداد خدمات در هر سطح آمادگی الکترونیکی",
        ["آمادگی الکترونیکی", "تعداد خدمات"],
        [[fa_percent(d["e_readiness"]), fa_num(d["count"])] for d in r.get("distribution") or []],
    )
    page.fills["agencies"] = ranking(r)
    series = national_report.history(gen.report, engine.index_dir)
    page.fills["trend-table"] = table(
        "آمادگی الکترونیکی کل کشور در هر انتشار",
        ["تاریخ انتشار", "آمادگی الکترونیکی", "رتبه", "خدمات", "شناسنامه کامل"],
        [
            [
                h("time", {"datetime": e["published_at"]}, fa_date(e["published_at"][:10])),
                fa_percent(e["e_readiness"]),
                fa_num(e["rank"]) if e.get("rank") else "—",
                fa_num(e["count"]),
                fa_percent(e["complete_share"]),
            ]
            for e in series
        ],
    )
    q = r.get("inquiries") or {}
    page.fills["bus-lead"] = escape(
        f"{fa_num(q.get('services', 0))} خدمت به استعلام از دستگاه‌های دیگر وابسته است؛ درخواست "
        f"{fa_num(q.get('electronic_services', 0))} خدمت از آن‌ها الکترونیکی است "
        "و همین‌جاست که گذرگاه خدمات دولت اهمیت دارد. "
        f"{fa_num(q.get('unrecognised', 0))} سطر استعلام از {fa_num(q.get('lines', 0))} سطر، "
        "نام دستگاهی از این فهرست را ندارد.",
        quote=False,
    )
    page.fills["bus-table"] = table(
        "دستگاه‌هایی که بیشترین استعلام از آن‌ها می‌شود",
        [
            "دستگاه",
            "خدمات دستگاه‌های دیگر که به آن وابسته‌اند",
            "دستگاه‌های استعلام‌کننده",
            "از این میان، خدمات با درخواست الکترونیکی",
        ],
        [
            [
                h("a", {"href": report_url(agency=a["agency"])}, a["agency"]),
                fa_num(a["services"]),
                fa_num(a["agencies"]),
                fa_num(a["electronic_services"]),
            ]
            for a in (q.get("most_asked") or [])[:15]
        ],
    )
    checks = (r.get("quality") or {}).get("checks") or []
    page.fills["quality-table"] = table(
        "بررسی‌های کیفیت شناسنامه و تعداد شناسنامه‌هایی که هر یک را رد می‌کنند",
        ["بررسی", "قاعده", "شناسنامه‌های ناقص"],
        [
            [CHECK_LABELS.get(c["check"], c["check"]), CHECK_RULES.get(c["check"], c["rule"]), fa_num(c["failing"])]
            for c in checks
        ],
    )
    return page


def ranking(r: dict) -> str:
    """The agencies' ranking table (the script's, by agency, in rank order), without the bars' SVG."""
    rows = []
    for row in r["by_agency"]:
        rows.append(
            h(
                "tr",
                {"data-name": _fold(row["value"]), "data-value": row["value"]},
                h("td", {"class": "rank"}, fa_num(row["rank"])),
                h(
                    "th",
                    {"scope": "row", "class": "agency-name"},
                    h("a", {"href": report_url(agency=row["value"])}, row["value"]),
                ),
                h(
                    "td",
                    {"class": "num"},
                    h(
                        "a",
                        {
                            "href": browse_url("agency", row["value"]),
                            "aria-label": f"{fa_num(row['count'])} خدمت {row['value']}",
                        },
                        fa_num(row["count"]),
                    ),
                ),
                h(
                    "td",
                    {"class": "bar-cell"},
                    h(
                        "div",
                        {"class": "bar"},
                        h(
                            "span",
                            {"class": f"bar-value {readiness_class(row['e_readiness'])}"},
                            fa_percent(row["e_readiness"]),
                        ),
                    ),
                ),
                [h("td", {"class": f"stage-cell stage-col-{k}"}, fa_percent(row["stages"][k])) for k, _ in STAGES],
                h("td", {"class": "num complete-cell"}, fa_percent(row["complete_share"])),
            )
        )
    head = h(
        "tr",
        None,
        h("th", {"scope": "col"}, "رتبه"),
        h("th", {"scope": "col"}, "دستگاه"),
        h("th", {"scope": "col", "class": "num"}, "خدمات"),
        h("th", {"scope": "col"}, "آمادگی الکترونیکی"),
        [h("th", {"scope": "col", "class": f"stage-cell stage-col-{k}"}, name) for k, name in STAGES],
        h("th", {"scope": "col", "class": "num complete-cell"}, "شناسنامه کامل"),
    )
    return h(
        "div",
        {"class": "table-wrap"},
        h(
            "table",
            {"class": "ranking report-ranking", "data-by": "agency"},
            h("caption", {"class": "visually-hidden"}, "دستگاه‌ها به ترتیب آمادگی الکترونیکی خدماتشان، با سهم هر مرحله"),
            h("thead", None, head),
            h("tbody", None, Markup("".join(rows))),
        ),
    )


def agency_report_page(engine: Engine, name: str) -> Page:
    """One agency's page of the report: its figures and its services' stages (the script adds the
    charts, the trend and the inquiries)."""
    p = engine.generation().report.agencies.get(name)
    if p is None:
        box = h(
            "div",
            {"class": "error-box", "role": "alert"},
            h("p", {"class": "error-title"}, "دستگاهی با این نام در گزارش نیست."),
            h("p", None, h("a", {"href": "/?view=report"}, "بازگشت به گزارش ملی")),
        )
        return Page("reportAgency", "دستگاه پیدا نشد — درگاه", status=404, fills={"agency-report": box}, rendered=False)
    f = p["figures"]
    total = engine.generation().report.national["agencies"]
    glance = (
        ("رتبه ملی", f"{fa_num(f['rank'])} از {fa_num(total)}"),
        ("خدمات", fa_num(f["count"])),
        ("آمادگی الکترونیکی", fa_percent(f["e_readiness"])),
        ("تمام‌الکترونیکی", fa_percent(f["fully_electronic"])),
        ("شناسنامه کامل", fa_percent(f["complete_share"])),
    )
    cards = [
        [
            h("a", {"href": service_url(None, c["id"])}, display(c["title"])),
            fa_percent(c["e_readiness"]),
            *(
                h(
                    "span",
                    {"class": "yes" if c["stages"][k] else "no"},
                    "✓ الکترونیکی" if c["stages"][k] else "✗ غیرالکترونیکی",
                )
                for k, _ in STAGES
            ),
            "؛ ".join(CHECK_LABELS.get(k, k) for k in c["failed"]) if c["failed"] else "—",
        ]
        for c in p["cards"]
    ]
    content = h(
        "article",
        {"class": "agency-report"},
        h(
            "header",
            {"class": "report-head"},
            h("h1", {"id": "agency-report-title", "class": "page-title", "tabindex": "-1"}, p["agency"]),
            h(
                "p",
                {"class": "page-lead"},
                ["دستگاه مادر: ", p["parent"], "."] if p.get("parent") else "بدون دستگاه مادر.",
                " ",
                h("a", {"href": browse_url("agency", p["agency"])}, "خدمات این دستگاه در جست‌وجو"),
            ),
        ),
        h(
            "dl",
            {"class": "glance", "id": "agency-glance"},
            [h("div", {"class": "glance-item"}, h("dt", None, k), h("dd", None, v)) for k, v in glance],
        ),
        h(
            "section",
            {"class": "report-section", "aria-labelledby": "agency-cards-title"},
            h("h2", {"id": "agency-cards-title", "class": "section-title"}, "خدمات دستگاه و مراحل الکترونیکی آن‌ها"),
            h(
                "div",
                {"class": "table-wrap"},
                h(
                    "table",
                    {"class": "ranking", "id": "agency-cards-table"},
                    Markup(
                        table(
                            "خدمات دستگاه با مراحل الکترونیکی و بررسی‌های ردشده",
                            ["خدمت", "آمادگی", *(name for _, name in STAGES), "کاستی‌ها"],
                            cards,
                        )
                    ),
                ),
            ),
        ),
    )
    return Page(
        "reportAgency",
        f"{p['agency']} — گزارش آمادگی الکترونیکی — درگاه",
        fills={"agency-report": content},
    )


def unavailable(s: State, status: int) -> Page:
    """The engine could not answer (no generation yet, too busy): the shell says so; the script,
    if it runs, retries on its own."""
    box = h(
        "div",
        {"class": "error-box", "role": "alert"},
        h("p", {"class": "error-title"}, "سامانه جست‌وجو در حال آماده‌شدن است؛ چند لحظه دیگر دوباره تلاش کنید."),
        h("p", None, h("a", {"href": url_for(s)}, "تلاش دوباره")),
    )
    return Page(None, HOME_TITLE, status=status, fills={"page-error": box}, shown={"page-error"}, rendered=False)
