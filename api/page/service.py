"""One service's page (app.js `renderService`)."""

from __future__ import annotations

from api.page.address import State, browse_url, report_url, url_for
from api.page.markup import as_api_json, h, readiness_badge, readiness_class, service_system_link
from api.page.shell import Page
from api.page.words import STAGES, display, fa_date, fa_digits, fa_num, fa_percent, label, safe_url
from search import Engine


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
    card = as_api_json(card)
    agencies = len(as_api_json(engine.agencies())["agencies"])
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
            h("p", {"class": "service-cta"}, service_system_link(external, "button primary")) if external else None,
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
