"""A search's page: the count, how the query was read, a life situation's steps, the active filters,
the facets as a form of checkboxes, the results, an empty state and the paging links (app.js
`renderResults` and the functions it calls)."""

from __future__ import annotations

import math

from api import presenters
from api.page.address import MAX_PAGE, PAGE_SIZE, State, fresh_state, service_url, url_for
from api.page.home import popular
from api.page.markup import Markup, as_api_json, children_html, h, marked, readiness_badge, service_system_link
from api.page.shell import Page
from api.page.words import COLLAPSED, FACET_PREVIEW, FACET_TITLES, display, fa_num, fold, label, safe_url
from search import Engine, SearchRequest
from search.facets import FACETS


def search_page(engine: Engine, s: State) -> Page:
    req = SearchRequest(
        q=s.q or "",
        page=s.page,
        size=PAGE_SIZE,
        filters=s.filters,
        sort=s.sort,
        electronic=s.electronic,
        exact=s.exact,
    )
    data = as_api_json(presenters.search_json(engine.search(req)))
    total = data["total"]
    pages = data.get("pages") or min(math.ceil(total / PAGE_SIZE), MAX_PAGE)
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
    page.fills["result-count"] = children_html(count)
    page.fills["notices"] = notices(s, q, data.get("hits") or [])
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
            h("p", {"class": "hit-actions"}, service_system_link(external, "external-link")) if external else None,
        ),
    )


def notice(kind: str, *children) -> str:
    return h("p", {"class": f"notice {kind}"}, *children)


def query_link(s: State, text: str) -> Markup:
    return h("a", {"href": url_for(fresh_state(q=text, sort=s.sort, electronic=s.electronic))}, h("bdi", None, text))


def notices(s: State, q: dict, hits: list[dict]) -> str:
    """As app.js renderNotices: how the query was read."""
    out = []
    typed = s.q or ""
    interpretation = q.get("interpretation") or []
    kinds = {it.get("kind") for it in interpretation}
    # The results are for other words than those typed: say so, and offer the words as typed.
    shown_for = q.get("showing_results_for")
    if shown_for and not s.exact and fold(shown_for) != fold(typed):
        if "layout" in kinds:
            why = ["«", h("bdi", {"dir": "ltr"}, typed), "» با چینش صفحه‌کلید انگلیسی تایپ شده بود. "]
        elif "transliteration" in kinds:
            why = ["«", h("bdi", {"dir": "ltr"}, typed), "» فارسی با حروف لاتین بود. "]
        else:
            why = []
        exact = h(
            "a",
            {"href": url_for(s.search_only(page=1, exact=True)), "class": "exact-link"},
            "جست‌وجو برای «",
            h("bdi", {"dir": "auto"}, typed),
            "» به همان صورت که نوشتید",
        )
        out.append(
            notice(
                "showing",
                *why,
                "نتایج برای «",
                h("strong", None, h("bdi", None, shown_for)),
                "» نشان داده شده است. ",
                exact,
            )
        )
    # A suggestion: the results are for what was typed.
    did_you_mean = q.get("did_you_mean")
    if did_you_mean and not s.exact and fold(did_you_mean) != fold(typed):
        out.append(notice("didyoumean", "منظورتان «", query_link(s, did_you_mean), "» بود؟"))
    all_weak = bool(hits) and all(hit.get("weak") for hit in hits)
    for it in interpretation:
        kind, src, to = it.get("kind"), it.get("from"), it.get("to")
        if kind == "synonym" and isinstance(to, list) and to:
            words = [["، " if i else "", h("bdi", None, t)] for i, t in enumerate(to)]
            out.append(notice("synonym", "هم‌معنی‌های «", h("bdi", None, src), "» هم جست‌وجو شد: ", words))
        elif kind == "relaxed" and s.page == 1 and s.sort == "relevance" and all_weak:
            # Only when even the best hits lack a word is it news (they carry «تطابق ناقص» anyway).
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
