"""The national e-readiness report's tables and an agency's page (the script adds the charts, the
tables' sorting and filtering, and an agency's inquiries and trend)."""

from __future__ import annotations

from html import escape

from api.page.address import browse_url, report_url, service_url
from api.page.markup import Markup, children_html, h, readiness_class
from api.page.shell import Page
from api.page.words import CHECK_LABELS, CHECK_RULES, STAGES, display, fa_date, fa_num, fa_percent, fold
from search import Engine
from search import report as national_report


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
    page.fills["report-meta"] = children_html(
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
                {"data-name": fold(row["value"]), "data-value": row["value"]},
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
