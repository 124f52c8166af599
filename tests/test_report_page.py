"""The national e-readiness report in a real browser (the fixtures of test_browser.py: a real
`dargah serve` over the bundled catalogue, Debian's Chromium, every console error, uncaught
exception, CSP violation and failed request failing the test).

Every number expected on the page is read from the same server's /api/v1/report.
"""

# ruff: noqa: F811 (the fixtures imported from test_browser are parameters of the tests by the same name)

from __future__ import annotations

import importlib.util
import math
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from conftest import ROOT
from test_browser import (  # noqa: F401 (pytest fixtures, used by name)
    ARTIFACTS,
    PHONE,
    api,
    assert_no_sideways_scroll,
    base,
    browser,
    expect,
    fa,
    open_page,
    page,
    problems,
    pytestmark,
    q,
    shown,
)


def pct(x: float) -> str:
    """A share as the page shows it: a whole percent (halves rounded up, as JavaScript's Math.round
    does) in Persian digits."""
    return fa(math.floor(x * 100 + 0.5)) + "٪"


def cells(page, selector: str) -> list[list[str]]:
    """The text of each visible row's cells (th and td) of a table body."""
    return page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.filter(r => !r.hidden).map(r => [...r.cells].map(c => c.innerText.trim()))",
    )


def assert_charts_are_drawn(page, root: str) -> int:
    """Every chart under `root` is an SVG with a size and an accessible name; returns how many."""
    charts = page.locator(f"{root} svg.svg-chart")
    expect(charts.first).to_be_visible()
    sizes = charts.evaluate_all(
        "svgs => svgs.filter(s => s.getClientRects().length).map(s => {"
        " const r = s.getBoundingClientRect();"
        " return [r.width, r.height, s.getAttribute('role'), s.getAttribute('aria-label') || '',"
        " s.childElementCount]; })"
    )
    assert sizes
    for width, height, role, name, children in sizes:
        assert width > 0 and height > 0, sizes
        assert role == "img" and name.strip() and children > 0
    return len(sizes)


def test_report_charts_and_their_tables_hold_the_apis_numbers(page, base, api):
    report = api("report")
    page.goto(base + "/")
    page.get_by_role("link", name="گزارش آمادگی الکترونیکی").click()
    expect(page).to_have_url(re.compile(r"[?&]view=report"))
    expect(page.locator("#report-title")).to_be_focused()
    expect(page.locator(".site-nav a[data-nav=report]")).to_have_attribute("aria-current", "page")

    # National figures at a glance, in Persian digits, dated in the Jalali calendar.
    glance = page.locator("#report-glance")
    expect(glance).to_contain_text(fa(report["services"]))
    expect(glance).to_contain_text(pct(report["e_readiness"]))
    expect(glance).to_contain_text(pct(report["fully_electronic"]))
    expect(glance).to_contain_text(pct(report["complete_share"]))
    expect(page.locator("#report-meta time")).to_have_text(re.compile(r"^[۰-۹]+ \S+ [۰-۹]{4}$"))
    assert not re.search(r"[0-9]", page.locator("#view-report").inner_text()), "numbers use Persian digits"

    # The charts are drawn, and each table beside a chart holds the API's numbers.
    expect(page.locator("#agencies tbody tr")).to_have_count(len(report["by_agency"]))
    expect(page.locator("#trend-table tbody tr").first).to_be_visible()
    drawn = assert_charts_are_drawn(page, "#view-report")
    assert drawn == 3 + len(report["by_agency"])  # stages, distribution, trend, a stacked bar per agency
    stage_names = ["اطلاع‌رسانی", "دریافت درخواست", "پردازش", "تحویل"]
    stages = ["information", "application", "processing", "delivery"]
    assert cells(page, "#stages-table") == [
        [n, pct(report["stages"][k])] for n, k in zip(stage_names, stages, strict=True)
    ]
    assert cells(page, "#distribution-table") == [
        [pct(d["e_readiness"]), fa(d["count"])] for d in report["distribution"]
    ]
    assert cells(page, "#agencies table") == [
        [
            fa(r["rank"]),
            r["value"],
            fa(r["count"]),
            pct(r["e_readiness"]),
            *(pct(r["stages"][k]) for k in stages),
            pct(r["complete_share"]),
        ]
        for r in report["by_agency"]
    ]
    # The stacked bar's length is the agency's e-readiness, each stage adding a quarter of its share.
    last = report["by_agency"][-1]
    widths = (
        page.locator("#agencies tbody tr")
        .last.locator("svg rect:not(.stack-bg)")
        .evaluate_all("rects => rects.map(r => [r.getAttribute('class'), Number(r.getAttribute('width'))])")
    )
    assert sum(w for _, w in widths) == pytest.approx(last["e_readiness"] * 100, abs=1e-6)
    assert dict(widths) == {f"stage-{k}": pytest.approx(last["stages"][k] * 25) for k in stages if last["stages"][k]}
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)

    # By parent ministry; sorted by a stage; filtered by name.
    page.get_by_label("گروه‌بندی:").select_option("parent")
    expect(page.locator("#agencies tbody tr")).to_have_count(len(report["by_parent"]))
    expect(page.locator("#agencies tbody tr").first.locator(".agency-name")).to_have_text(
        report["by_parent"][0]["value"]
    )
    page.get_by_label("ترتیب جدول:").select_option("delivery")
    best = max(r["stages"]["delivery"] for r in report["by_parent"])
    expect(page.locator("#agencies tbody tr").first.locator(".stage-col-delivery")).to_have_text(pct(best))
    page.get_by_label("جست‌وجوی دستگاه:").fill("وزارت")
    ministries = [r for r in report["by_parent"] if "وزارت" in r["value"]]
    expect(page.locator("#agencies tbody tr:visible")).to_have_count(len(ministries))
    page.get_by_label("جست‌وجوی دستگاه:").fill("")
    page.get_by_label("گروه‌بندی:").select_option("cluster")
    expect(page.locator("#agencies tbody tr")).to_have_count(len(report["by_cluster"]))

    # The trend of one ministry: a point and a table row per publication.
    parent = report["by_parent"][0]["value"]
    series = api("report/history", parent=parent)["series"]
    page.get_by_label("روند:").select_option(f"parent:{parent}")
    expect(page.locator("#trend-table caption")).to_contain_text(parent)
    expect(page.locator("#trend-table tbody tr")).to_have_count(len(series))
    assert [row[1] for row in cells(page, "#trend-table")] == [pct(p["e_readiness"]) for p in series]
    expect(page.locator("#trend-chart circle.trend-point")).to_have_count(len(series))

    # The agencies most asked through the service bus, and the quality rules with their counts.
    most_asked = report["inquiries"]["most_asked"][:15]
    assert [row[:2] for row in cells(page, "#bus-table")] == [[a["agency"], fa(a["services"])] for a in most_asked]
    assert [row[2] for row in cells(page, "#quality-table")] == [fa(c["failing"]) for c in report["quality"]["checks"]]


def test_agency_page_lists_the_cards_to_fix(page, base, api):
    report = api("report")
    page.goto(base + "/?view=report")
    # The agency with the most cards to fix, opened from the ranking.
    pages = {r["value"]: api(f"report/agencies/{q(r['value'])}") for r in report["by_agency"][:20]}
    name, agency = max(pages.items(), key=lambda kv: (sum(bool(c["failed"]) for c in kv[1]["cards"]), kv[0]))
    page.locator("#agencies .agency-name a", has_text=re.compile("^" + re.escape(name) + "$")).click()
    expect(page).to_have_url(re.compile(r"[?&]view=report&agency=" + re.escape(urllib.parse.quote_plus(name))))
    expect(page.locator("#agency-report-title")).to_have_text(name)
    expect(page.locator("#agency-report-title")).to_be_focused()

    figures = agency["figures"]
    glance = page.locator("#agency-glance")
    expect(glance).to_contain_text(f"{fa(figures['rank'])} از {fa(report['agencies'])}")
    expect(glance).to_contain_text(pct(figures["e_readiness"]))
    to_fix = [c for c in agency["cards"] if c["failed"]]
    items = page.locator("#cards-to-fix > li")
    expect(items).to_have_count(len(to_fix))
    assert items.evaluate_all("lis => lis.map(li => li.dataset.id)") == [c["id"] for c in to_fix]
    for n, card in enumerate(to_fix[:5]):
        expect(items.nth(n).locator("a")).to_have_text(shown(card["title"]))
        expect(items.nth(n).locator(".problems li")).to_have_count(len(card["failed"]))
    expect(page.locator("#agency-cards-table tbody tr")).to_have_count(len(agency["cards"]))
    assert [row[1] for row in cells(page, "#agency-checks-table")] == [
        fa(len(ids)) for ids in agency["checks"].values()
    ]
    assert [row[1] for row in cells(page, "#agency-trend-table")] == [pct(p["e_readiness"]) for p in agency["history"]]
    assert_charts_are_drawn(page, "#view-report-agency")
    page.screenshot(path=str(ARTIFACTS / "report-agency.png"), full_page=True)

    # A card to fix opens its service page.
    items.first.locator("a").click()
    expect(page.locator("#service-title")).to_have_text(shown(to_fix[0]["title"]))


@pytest.fixture
def tolerate_404(problems):
    yield
    problems.items = [p for p in problems.items if "404" not in p]  # the API answering 404 is the point


def test_unknown_agency_is_a_message_not_an_error(page, base, tolerate_404):
    page.goto(base + "/?view=report&agency=" + q("دستگاهی که نیست"))
    expect(page.locator("#view-report-agency .error-box")).to_contain_text("دستگاهی با این نام در گزارش نیست")


def test_print_stylesheet_hides_navigation(page, base):
    page.goto(base + "/?view=report")
    expect(page.locator("#agencies tbody tr").first).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-nav", "#search-form", ".site-footer", ".report-actions", "#report-by"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#report-title")).to_be_visible()
    expect(page.locator("#distribution-chart svg")).to_be_visible()
    expect(page.locator("#agencies tbody tr").first).to_be_visible()
    page_size = page.evaluate(
        "[...document.styleSheets].flatMap(s => [...s.cssRules])"
        ".filter(r => r instanceof CSSPageRule).map(r => r.style.getPropertyValue('size'))"
    )
    assert [size.lower() for size in page_size] == ["a4"]
    # Nothing sticks out of an A4 page's printable width.
    page.set_viewport_size({"width": 700, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4")
    page.emulate_media(media="screen")
    expect(page.locator(".site-nav")).to_be_visible()


def test_report_on_a_phone_has_no_horizontal_scroll(browser, base, api, problems):
    context, page = open_page(browser, base, problems, **PHONE)
    try:
        page.goto(base + "/?view=report")
        expect(page.locator("#agencies tbody tr").first).to_be_visible()
        expect(page.locator("#trend-table tbody tr").first).to_be_visible()
        assert_charts_are_drawn(page, "#view-report")
        assert_no_sideways_scroll(page, "report")
        page.screenshot(path=str(ARTIFACTS / "phone-report.png"), full_page=True)
        name = api("report")["by_agency"][0]["value"]
        page.goto(base + "/?view=report&agency=" + q(name))
        expect(page.locator("#agency-report-title")).to_have_text(name)
        assert_no_sideways_scroll(page, "agency report")
    finally:
        context.close()


def test_report_pages_name_every_chart_table_and_control(page, base, api):
    """What axe would also check, kept here so it runs where axe-core is not installed."""
    name = api("report")["by_agency"][0]["value"]
    for url, root in (("/?view=report", "#view-report"), (f"/?view=report&agency={q(name)}", "#view-report-agency")):
        page.goto(base + url)
        expect(page.locator(f"{root} svg.svg-chart").first).to_be_visible()
        assert_charts_are_drawn(page, root)
        tables = page.locator(f"{root} table").evaluate_all(
            "ts => ts.map(t => [t.id, (t.caption && t.caption.textContent.trim()) || '',"
            " [...t.querySelectorAll('th')].every(th => th.getAttribute('scope'))])"
        )
        assert tables and all(caption and scoped for _, caption, scoped in tables), tables
        unlabelled = page.locator(f"{root} select, {root} input").evaluate_all(
            "els => els.filter(e => !e.labels || !e.labels.length).map(e => e.id)"
        )
        assert unlabelled == []


def axe_source() -> str | None:
    """axe-core's script, wherever it is installed: $DARGAH_AXE_JS, the axe-playwright-python
    package (which ships it), or node_modules/axe-core."""
    candidates = [os.environ.get("DARGAH_AXE_JS")]
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.origin:
        candidates.append(str(Path(spec.origin).parent / "axe.min.js"))
    candidates.append(str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    for candidate in filter(None, candidates):
        if Path(candidate).is_file():
            return Path(candidate).read_text("utf-8")
    return None


def test_axe_finds_no_serious_violation_on_the_report_pages(page, base, api):
    source = axe_source()
    if source is None:
        pytest.skip("axe-core is not installed (pip install axe-playwright-python, or set DARGAH_AXE_JS)")
    name = api("report")["by_agency"][0]["value"]
    for url, ready in (
        ("/?view=report", "#trend-table tbody tr"),
        (f"/?view=report&agency={q(name)}", "#agency-cards-table tbody tr"),
    ):
        page.goto(base + url)
        expect(page.locator(ready).first).to_be_visible()
        page.evaluate(source)  # through DevTools, not a <script>: the page's CSP stays in force
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{url}:\n" + "\n".join(serious)
