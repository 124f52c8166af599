"""The search page in a real browser, used the way a person uses it.

A real `dargah serve` over the bundled catalogue, Debian's Chromium driven by Playwright. Every
expectation about numbers and titles is read from the same server's JSON API, so the test follows
the catalogue rather than hard-coding it. Waits are on elements and URLs (Playwright's `expect`
retries), never sleeps. Screenshots land in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import DARGAH, ROOT, free_port, wait_ready

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed; `make browser` installs it"
)

if CHROMIUM.exists():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)


def fa(n: int) -> str:
    """A number as the page shows it: Persian digits, Persian thousands separator."""
    return f"{n:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def shown(title: str) -> str:
    """A title or description as the page shows it: Arabic ي/ك as the Persian letters (display only)."""
    return title.replace("ي", "ی").replace("ك", "ک")


def suggestion_texts(suggestions: list[dict]) -> list[str]:
    return [shown(s["text"]) if s["kind"] == "service" else s["text"] for s in suggestions]


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


# -- the server and the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(bundled_index):
    port = free_port()
    proc = subprocess.Popen(
        [*DARGAH, "serve", "--index", str(bundled_index), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/readyz")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def api(base):
    def get(path: str, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(f"{base}/api/v1/{path}" + (f"?{query}" if query else ""), timeout=10) as r:
            return json.load(r)

    return get


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Problems:
    """Console errors, uncaught exceptions, CSP violations and failed requests seen by one page."""

    def __init__(self):
        self.items: list[str] = []

    def add(self, kind: str, text: str) -> None:
        self.items.append(f"{kind}: {text}")


PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True}


def assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{where}: page is {widths[0]}px wide in a {widths[1]}px window"


def open_page(browser, base, problems: Problems, **context_args):
    context = browser.new_context(locale="fa-IR", **context_args)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: m.type == "error" and problems.add("console", m.text))
    page.on("pageerror", lambda e: problems.add("pageerror", str(e)))
    page.on(
        "requestfailed",
        lambda r: (r.failure or "") != "net::ERR_ABORTED" and problems.add("requestfailed", f"{r.url} {r.failure}"),
    )
    page.on(
        "response", lambda r: r.url.startswith(base) and r.status >= 400 and problems.add("http", f"{r.status} {r.url}")
    )
    # The page's own report of anything its Content-Security-Policy refused.
    page.expose_function("__cspViolation", lambda text: problems.add("csp", text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.__cspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')"
        " + ' at ' + e.sourceFile + ':' + e.lineNumber));"
    )
    return context, page


@pytest.fixture
def problems():
    found = Problems()
    yield found
    assert not found.items, "the page reported problems:\n" + "\n".join(found.items)


@pytest.fixture
def page(browser, base, problems):
    context, page = open_page(browser, base, problems, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def search_box(page):
    return page.get_by_role("combobox", name="جست‌وجوی خدمت")


def hit_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#results .hit-title").all_inner_texts()]


def search_for(page, text: str) -> None:
    box = search_box(page)
    box.fill(text)
    box.press("Enter")


# -- the tests --------------------------------------------------------------------------------------


def test_page_is_persian_right_to_left(page, base, api):
    response = page.goto(base + "/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The home page lists the clusters and the most used services, with Persian digits.
    clusters = api("clusters")["clusters"]
    expect(page.locator("#home-clusters li")).to_have_count(len(clusters))
    expect(page.locator("#home-clusters li").first).to_contain_text(fa(clusters[0]["count"]))
    expect(page.locator("#home-popular li").first).to_be_visible()
    assert not re.search(r"[0-9]", page.locator("#view-home").inner_text()), (
        "numbers shown to people use Persian digits"
    )


def test_suggestions_by_keyboard(page, base, api):
    page.goto(base + "/")
    box = search_box(page)
    listbox = page.get_by_role("listbox")
    expect(box).to_have_attribute("aria-expanded", "false")

    # Typing slowly, as a person does: suggestions appear under the box.
    typed = "تمدید گ"
    wanted = api("suggest", q=typed)["suggestions"]
    assert wanted, "the catalogue should suggest something for «تمدید گ»"
    box.click()
    box.press_sequentially(typed, delay=90)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    # (each in order: an earlier answer, for a shorter prefix, may show first)
    expect(options).to_contain_text(suggestion_texts(wanted))

    # Escape closes the list; ArrowDown opens it again.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    expect(options).to_contain_text(suggestion_texts(wanted))

    # Arrow down to the first service suggestion; the combobox points at it; Enter opens the service.
    index = next(i for i, s in enumerate(wanted) if s["kind"] == "service")
    service = wanted[index]
    for _ in range(index + 1):
        box.press("ArrowDown")
    chosen = options.nth(index)
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", chosen.get_attribute("id"))
    box.press("Enter")

    card = api(f"services/{service['id']}")
    expect(page).to_have_url(re.compile(r"[?&]service=" + re.escape(q(service["id"]))))
    expect(page.locator("#service-title")).to_have_text(shown(card["title"]))
    detail = page.locator("#view-service")
    expect(detail).to_contain_text(card["agency"])
    if card.get("documents"):
        expect(detail.get_by_role("heading", name="مدارک لازم")).to_be_visible()
        expect(detail.locator(".documents li")).to_have_count(len(card["documents"]))
    if card.get("steps"):
        expect(detail.get_by_role("heading", name="مراحل دریافت خدمت")).to_be_visible()
        expect(detail.locator(".steps li")).to_have_count(len(card["steps"]))
    expect(detail.locator(".readiness-value")).to_have_text(fa(round(card["e_readiness"] * 100)) + "٪")
    expect(detail.locator(".agency-rank")).to_contain_text(fa(card["agency_rank"]))
    page.screenshot(path=str(ARTIFACTS / "service.png"), full_page=True)

    # A query suggestion runs that search.
    typed = "گذرنامه"
    wanted = api("suggest", q=typed)["suggestions"]
    index = next(i for i, s in enumerate(wanted) if s["kind"] == "query")
    box.fill("")
    box.press_sequentially(typed, delay=90)
    expect(options).to_contain_text(suggestion_texts(wanted))
    for _ in range(index + 1):
        box.press("ArrowDown")
    box.press("Enter")
    chosen = wanted[index]["text"]
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(urllib.parse.quote_plus(chosen))))
    expect(page.locator("#result-count")).to_contain_text(fa(api("search", q=chosen)["total"]))
    expect(box).to_have_value(chosen)


def test_search_facets_pages_and_back(page, base, api):
    page.goto(base + "/")
    query = "گذرنامه"
    everything = api("search", q=query)
    search_for(page, query)
    count = page.locator("#result-count")
    expect(count).to_contain_text(fa(everything["total"]))
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(urllib.parse.quote_plus(query))))
    expect(page.locator("#results .hit")).to_have_count(len(everything["hits"]))
    expect(page.locator("#results .hit-title").first).to_have_text(shown(everything["hits"][0]["title"]))
    first_page = hit_titles(page)
    # Titles carry the API's highlights as <mark>, and each hit shows its e-readiness in Persian.
    expect(page.locator("#results .hit-title mark").first).to_be_visible()
    expect(page.locator("#results .badge.readiness").first).to_have_text(re.compile(r"^الکترونیکی [۰-۹]+٪$"))

    # Tick an agency with more than one page of services.
    agency = next((a for a in everything["facets"]["agency"] if a["count"] > 10), everything["facets"]["agency"][0])
    filtered = api("search", q=query, agency=agency["value"])
    assert filtered["total"] == agency["count"] < everything["total"]
    box = page.locator(f'#facets input[data-facet="agency"][value={json.dumps(agency["value"], ensure_ascii=False)}]')
    expect(box.locator("xpath=..")).to_contain_text(fa(agency["count"]))
    box.check()
    expect(count).to_contain_text(fa(filtered["total"]))
    expect(page).to_have_url(re.compile(r"[?&]agency=" + re.escape(urllib.parse.quote_plus(agency["value"]))))
    expect(page.locator("#results .hit-title").first).to_have_text(shown(filtered["hits"][0]["title"]))
    agencies_shown = page.locator("#results .hit-agency").all_inner_texts()
    assert agencies_shown and set(agencies_shown) == {agency["value"]}
    expect(page.locator("#active-filters")).to_contain_text(agency["value"])
    filtered_page1 = hit_titles(page)
    assert filtered_page1 != first_page
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    # Page two shows different services.
    page2 = api("search", q=query, agency=agency["value"], page=2)
    page.get_by_role("link", name="صفحه ۲").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.locator("#results .hit-title").first).to_have_text(shown(page2["hits"][0]["title"]))
    assert not set(hit_titles(page)) & set(filtered_page1)
    expect(page.locator("#pagination [aria-current=page]")).to_have_text("۲")

    # Back: page one of the filtered search, then the unfiltered search.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page.locator("#results .hit-title").first).to_have_text(filtered_page1[0])
    assert hit_titles(page) == filtered_page1
    expect(box).to_be_checked()
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"agency="))
    expect(count).to_contain_text(fa(everything["total"]))
    expect(box).not_to_be_checked()
    assert hit_titles(page) == first_page

    # Forward again, then a shared link opens the same filtered page directly.
    page.go_forward()
    expect(count).to_contain_text(fa(filtered["total"]))
    page.goto(f"{base}/?q={q(query)}&agency={q(agency['value'])}&page=2")
    expect(page.locator("#results .hit-title").first).to_have_text(shown(page2["hits"][0]["title"]))
    expect(search_box(page)).to_have_value(query)

    # Collapsed facets carry Persian labels; sorting is in the URL too.
    page.locator("#facets details[data-facet=channel] summary").click()
    expect(page.locator("#facets details[data-facet=channel] .facet-label").first).to_have_text(
        re.compile("^(وب|اپلیکیشن موبایل|کد دستوری|کیوسک|دفاتر پیشخوان|حضوری|تلفن)$")
    )
    page.get_by_label("مرتب‌سازی:").select_option("popularity")
    expect(page).to_have_url(re.compile(r"[?&]sort=popularity"))
    expect(page).not_to_have_url(re.compile(r"page=2"))
    by_popularity = api("search", q=query, agency=agency["value"], sort="popularity")
    expect(page.locator("#results .hit-title").first).to_have_text(shown(by_popularity["hits"][0]["title"]))


def test_corrections_layout_and_empty_state(page, base, api):
    page.goto(base + "/")

    # A misspelt word the cards do not have: the results are for the correction, said so, with a
    # link to the search for the word as typed.
    misspelt = api("search", q="گذرنانه")
    assert misspelt["query"]["showing_results_for"] == "گذرنامه" and misspelt["query"]["did_you_mean"] is None
    search_for(page, "گذرنانه")
    showing = page.locator(".notice.showing")
    expect(showing).to_contain_text("نتایج برای «گذرنامه»")
    expect(page.locator("#result-count")).to_contain_text(fa(misspelt["total"]))
    expect(page.locator(".notice.didyoumean")).to_have_count(0)
    showing.get_by_role("link", name=re.compile("به همان صورت که نوشتید")).click()
    expect(page).to_have_url(re.compile(r"[?&]exact=true"))
    expect(page.locator("#empty")).to_be_visible()  # no card has the word as typed
    expect(showing).to_have_count(0)

    # A suggestion: the results are for what was typed, «منظورتان ... بود؟» links to the other search.
    suggested = api("search", q="دلار مسافرتی")
    assert suggested["total"] > 0 and suggested["query"]["showing_results_for"] is None
    search_for(page, "دلار مسافرتی")
    dym = page.locator(".notice.didyoumean")
    expect(dym).to_contain_text("منظورتان")
    wanted = suggested["query"]["did_you_mean"]
    dym.get_by_role("link", name=wanted).click()
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(urllib.parse.quote_plus(wanted))))
    expect(page.locator("#result-count")).to_contain_text(fa(api("search", q=wanted)["total"]))

    # Persian typed on an English keyboard layout: «dhvhki» is یارانه.
    layout = api("search", q="dhvhki")
    assert layout["total"] > 0
    search_for(page, "dhvhki")
    expect(page.locator("#result-count")).to_contain_text(fa(layout["total"]))
    expect(page.locator(".notice.showing")).to_contain_text("یارانه")
    expect(page.locator(".notice.showing")).to_contain_text("dhvhki")
    expect(page.locator("#results .hit-title").first).to_have_text(shown(layout["hits"][0]["title"]))

    # Nothing found: a helpful empty state rather than a blank page.
    search_for(page, "زبزبزبز")
    empty = page.locator("#empty")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("پیدا نشد")
    expect(empty).to_contain_text("املای واژه‌ها")
    expect(empty.locator(".popular-inline a").first).to_be_visible()
    expect(page.locator("#pagination")).to_be_hidden()


def test_phone_width_has_no_horizontal_scroll(browser, base, api, problems):
    context, page = open_page(browser, base, problems, **PHONE)
    try:
        page.goto(base + "/")
        expect(page.locator("#home-popular li").first).to_be_visible()
        assert_no_sideways_scroll(page, "home")

        page.goto(f"{base}/?q={q('تمدید گذرنامه')}")
        expect(page.locator("#results .hit").first).to_be_visible()
        # Filters fold away on a phone, behind a button.
        filters = page.locator("#filters")
        expect(filters).to_be_hidden()
        assert_no_sideways_scroll(page, "results")
        page.screenshot(path=str(ARTIFACTS / "phone.png"))
        toggle = page.get_by_role("button", name=re.compile("فیلترها"))
        toggle.click()
        expect(filters).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        assert_no_sideways_scroll(page, "results with filters open")
        page.screenshot(path=str(ARTIFACTS / "phone-filters.png"), full_page=True)

        hit_id = api("search", q="تمدید گذرنامه")["hits"][0]["id"]
        page.goto(f"{base}/?service={q(hit_id)}")
        expect(page.locator("#service-title")).to_be_visible()
        assert_no_sideways_scroll(page, "service")
        page.screenshot(path=str(ARTIFACTS / "phone-service.png"), full_page=True)

        page.goto(base + "/?view=agencies")
        expect(page.locator("#agencies tbody tr").first).to_be_visible()
        assert_no_sideways_scroll(page, "agencies")
    finally:
        context.close()


def test_agencies_ranking(page, base, api):
    """The ranking is part of the report (tests/test_report_page.py); old links to it still work."""
    ranking = api("agencies")["agencies"]
    page.goto(base + "/?view=agencies")
    rows = page.locator("#agencies tbody tr")
    expect(rows).to_have_count(len(ranking))
    expect(page.locator("#ranking-title")).to_be_focused()
    first = rows.first
    expect(first.locator(".rank")).to_have_text(fa(ranking[0]["rank"]))
    expect(first.locator(".agency-name")).to_have_text(ranking[0]["value"])
    expect(first.locator(".bar-value")).to_have_text(fa(round(ranking[0]["e_readiness"] * 100)) + "٪")
    last = ranking[-1]
    expect(rows.last.locator(".rank")).to_have_text(fa(last["rank"]))
    page.screenshot(path=str(ARTIFACTS / "agencies.png"), full_page=False)

    # Narrowing the table, then opening an agency's services.
    target = ranking[len(ranking) // 2]
    page.get_by_label("جست‌وجوی دستگاه:").fill(target["value"])
    expect(page.locator("#agencies tbody tr:visible")).to_have_count(
        sum(target["value"] in a["value"] for a in ranking)
    )
    row = page.locator("#agencies tbody tr:visible").filter(
        has=page.locator(".agency-name", has_text=re.compile("^" + re.escape(target["value"]) + "$"))
    )
    row.locator("td.num a").click()
    expect(page).to_have_url(re.compile(r"[?&]agency=" + re.escape(urllib.parse.quote_plus(target["value"]))))
    expect(page.locator("#result-count")).to_contain_text(fa(target["count"]))
    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]view=agencies"))
    expect(page.get_by_label("جست‌وجوی دستگاه:")).to_have_value(target["value"])
    expect(page.locator("#agencies tbody tr:visible .agency-name").first).to_be_visible()


def test_error_state_and_retry(page, base, problems):
    page.goto(base + "/")
    searches = re.compile(r"/api/v1/search\?")

    def unavailable(route):
        problem = {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "the search index is not available yet",
        }
        route.fulfill(
            status=503, content_type="application/problem+json", body=json.dumps(problem), headers={"Retry-After": "5"}
        )

    page.route(searches, unavailable)
    search_for(page, "گذرنامه")
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("چند لحظه دیگر")
    expect(page.locator("#results .hit")).to_have_count(0)
    expect(page.locator("#results-region")).to_have_attribute("aria-busy", "false")

    page.unroute(searches, unavailable)
    error.get_by_role("button", name="تلاش دوباره").click()
    expect(page.locator("#results .hit").first).to_be_visible()
    expect(error).to_be_hidden()
    # The refused request was this test's doing; nothing else may have gone wrong.
    problems.items = [p for p in problems.items if "503" not in p]


def test_the_partial_match_notice_only_when_no_service_has_every_word(page, base, api):
    page.goto(base + "/")
    # Every word matched by the best services (some others lack one, and say so on their badge).
    full = api("search", q="tamdid gozarnameh")
    assert full["query"]["relaxed"] and not full["hits"][0]["weak"]
    search_for(page, "tamdid gozarnameh")
    expect(page.locator(".notice.showing")).to_contain_text("تمدید گذرنامه")
    expect(page.locator(".notice.relaxed")).to_have_count(0)
    # No service has every word: that is news.
    partial = api("search", q="bime tamin ejtemai")
    assert partial["hits"] and all(hit["weak"] for hit in partial["hits"])
    search_for(page, "bime tamin ejtemai")
    expect(page.locator(".notice.relaxed")).to_contain_text("هیچ خدمتی همه واژه‌های جست‌وجوی شما را نداشت")


def test_too_many_requests_counts_down_then_retries(page, base, problems):
    """A 429 says so in Persian, waits as long as Retry-After asks, counting down, then retries."""
    page.goto(base + "/")
    searches = re.compile(r"/api/v1/search\?")
    refused = []

    def too_many(route):
        refused.append(route.request.headers.get("accept-language"))
        problem = {"type": "about:blank", "title": "درخواست‌های بیش از اندازه", "status": 429, "detail": "کمی صبر کنید."}
        route.fulfill(
            status=429, content_type="application/problem+json", body=json.dumps(problem), headers={"Retry-After": "2"}
        )

    page.route(searches, too_many)
    search_for(page, "گذرنامه")
    error = page.locator("#error")
    expect(error).to_contain_text("بیش از اندازه")
    expect(error.locator(".error-countdown")).to_contain_text("ثانیه دیگر دوباره تلاش می‌کنیم")
    expect(error.get_by_role("button", name="تلاش دوباره")).to_be_disabled()
    assert refused == ["fa"]  # the page asks for Persian problems
    page.unroute(searches, too_many)
    # No click: the page retries by itself once the two seconds are over.
    expect(page.locator("#results .hit").first).to_be_visible(timeout=6000)
    expect(error).to_be_hidden()
    problems.items = [p for p in problems.items if "429" not in p]


def test_a_life_situation_shows_its_steps_above_the_results(browser, base, api, problems):
    text = "پدرم فوت کرده"
    event = api("search", q=text)["query"]["life_event"]
    assert event and event["steps"], "the catalogue's vocabulary should know this situation"
    for viewport, mobile in (({"width": 1280, "height": 900}, False), ({"width": 375, "height": 800}, True)):
        context, page = open_page(browser, base, problems, viewport=viewport, is_mobile=mobile, has_touch=mobile)
        try:
            page.goto(f"{base}/?q={q(text)}")
            steps = page.locator("#life-event")
            expect(steps).to_be_visible()
            expect(steps.get_by_role("heading", name=shown(event["title"]))).to_be_visible()
            links = steps.locator("ol li a")
            expect(links).to_have_count(len(event["steps"]))
            assert links.all_inner_texts() == [shown(s["title"]) for s in event["steps"]]
            numbers = steps.locator(".step-number").all_inner_texts()
            assert numbers[:3] == ["۱", "۲", "۳"][: len(numbers[:3])]
            # Above the results.
            box, first_hit = steps.bounding_box(), page.locator("#results .hit").first.bounding_box()
            assert box["y"] + box["height"] <= first_hit["y"]
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"{viewport['width']}px: the page scrolls sideways"
            page.screenshot(path=str(ARTIFACTS / f"life-event-{viewport['width']}.png"), full_page=True)
            if not mobile:
                # By keyboard: Tab reaches the first step, Enter opens its service.
                search_box(page).focus()
                for _ in range(40):
                    page.keyboard.press("Tab")
                    if page.evaluate("document.activeElement.closest('#life-event') !== null"):
                        break
                assert page.evaluate("document.activeElement.textContent") == shown(event["steps"][0]["title"])
                page.keyboard.press("Enter")
                expect(page).to_have_url(re.compile(r"service=" + re.escape(q(event["steps"][0]["id"]))))
                expect(page.locator("#service-title")).to_have_text(shown(event["steps"][0]["title"]))
        finally:
            context.close()
    # A plain service search shows no steps.
    context, page = open_page(browser, base, problems, viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/?q={q('تمدید گذرنامه')}")
        expect(page.locator("#results .hit").first).to_be_visible()
        expect(page.locator("#life-event")).to_be_hidden()
    finally:
        context.close()


# -- the page without JavaScript, and what the script adds ---------------------------------------------


def links_to_services(page) -> list[int]:
    """How many links each result has to a service page of this site."""
    return page.locator("#results .hit").evaluate_all(
        "hits => hits.map(h => [...h.querySelectorAll('a[href]')]"
        ".filter(a => new URL(a.href).origin === location.origin && a.href.includes('service=')).length)"
    )


def test_the_page_without_javascript(browser, base, api, problems):
    """Everything a citizen does, with JavaScript disabled: the server renders each address."""
    context, page = open_page(
        browser, base, problems, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        page.goto(base + "/")
        clusters = api("clusters")["clusters"]
        expect(page.locator("#home-clusters li")).to_have_count(len(clusters))
        expect(page.locator("#home-popular li").first).to_be_visible()

        # A search from the home page's form.
        query = "گذرنامه"
        everything = api("search", q=query)
        search_for(page, query)
        expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(urllib.parse.quote_plus(query))))
        count = page.locator("#result-count")
        expect(count).to_contain_text(fa(everything["total"]))
        assert hit_titles(page) == [shown(h["title"]) for h in everything["hits"]]
        expect(page.locator("#results .hit-title mark").first).to_be_visible()
        assert links_to_services(page) == [1] * len(everything["hits"])
        expect(search_box(page)).to_have_value(query)

        # Ticking a facet and sending the filters' form.
        agency = next(a for a in everything["facets"]["agency"] if a["count"] > 10)
        filtered = api("search", q=query, agency=agency["value"])
        page.locator(
            f'#facets input[data-facet="agency"][value={json.dumps(agency["value"], ensure_ascii=False)}]'
        ).check()
        page.get_by_role("button", name="اعمال فیلترها").click()
        expect(page).to_have_url(re.compile(r"[?&]agency=" + re.escape(urllib.parse.quote_plus(agency["value"]))))
        expect(count).to_contain_text(fa(filtered["total"]))
        assert set(page.locator("#results .hit-agency").all_inner_texts()) == {agency["value"]}
        expect(page.locator("#active-filters")).to_contain_text(agency["value"])
        page.screenshot(path=str(ARTIFACTS / "nojs-results.png"), full_page=True)

        # Paging.
        page2 = api("search", q=query, agency=agency["value"], page=2)
        page.get_by_role("link", name="صفحه ۲").click()
        expect(page).to_have_url(re.compile(r"[?&]page=2"))
        assert hit_titles(page) == [shown(h["title"]) for h in page2["hits"]]
        expect(page.locator("#pagination [aria-current=page]")).to_have_text("۲")

        # Sorting: the select and its button send the same form (back to page one).
        page.get_by_label("مرتب‌سازی:").select_option("popularity")
        page.get_by_role("button", name="مرتب کن").click()
        expect(page).to_have_url(re.compile(r"[?&]sort=popularity"))
        expect(page).not_to_have_url(re.compile(r"page=2"))
        by_popularity = api("search", q=query, agency=agency["value"], sort="popularity")
        assert hit_titles(page) == [shown(h["title"]) for h in by_popularity["hits"]]

        # A result opens its service page.
        first = by_popularity["hits"][0]
        card = api(f"services/{first['id']}")
        page.locator("#results .hit-link").first.click()
        expect(page).to_have_url(re.compile(r"[?&]service=" + re.escape(q(first["id"]))))
        expect(page.locator("#service-title")).to_have_text(shown(card["title"]))
        detail = page.locator("#view-service")
        expect(detail.locator(".documents li")).to_have_count(len(card.get("documents") or []))
        expect(detail.locator(".steps li")).to_have_count(len(card.get("steps") or []))
        expect(detail.locator(".readiness-value")).to_have_text(fa(round(card["e_readiness"] * 100)) + "٪")
        page.get_by_role("link", name="→ بازگشت به نتایج").click()
        expect(count).to_contain_text(fa(by_popularity["total"]))

        # A misspelling: the results are for the corrected words, and a link searches the words as typed.
        page.goto(f"{base}/?q={q('گذرنانه')}")
        expect(page.locator(".notice.showing")).to_contain_text("گذرنامه")
        expect(count).to_contain_text(fa(api("search", q="گذرنانه")["total"]))
        page.locator(".notice.showing .exact-link").click()
        expect(page).to_have_url(re.compile(r"exact=true"))
        expect(page.locator(".notice.showing")).to_have_count(0)
        # A suggestion: «منظورتان … بود؟» links to the other search.
        suggested = api("search", q="دلار مسافرتی")["query"]["did_you_mean"]
        page.goto(f"{base}/?q={q('دلار مسافرتی')}")
        page.locator(".notice.didyoumean").get_by_role("link", name=suggested).click()
        expect(count).to_contain_text(fa(api("search", q=suggested)["total"]))

        # A life situation: its steps above the results.
        text = "پدرم فوت کرده"
        event = api("search", q=text)["query"]["life_event"]
        page.goto(f"{base}/?q={q(text)}")
        steps = page.locator("#life-event")
        expect(steps.get_by_role("heading", name=shown(event["title"]))).to_be_visible()
        assert steps.locator("ol li a").all_inner_texts() == [shown(s["title"]) for s in event["steps"]]

        # The report's tables.
        report = api("report")
        page.get_by_role("link", name="گزارش آمادگی الکترونیکی").click()
        expect(page.locator("#report-glance")).to_contain_text(fa(report["services"]))
        expect(page.locator("#agencies tbody tr")).to_have_count(len(report["by_agency"]))
        expect(page.locator("#agencies tbody tr").first.locator(".agency-name")).to_have_text(
            report["by_agency"][0]["value"]
        )
        expect(page.locator("#stages-table tbody tr")).to_have_count(4)
        expect(page.locator("#quality-table tbody tr")).to_have_count(len(report["quality"]["checks"]))
        expect(page.locator("#bus-table tbody tr")).to_have_count(min(15, len(report["inquiries"]["most_asked"])))
        expect(page.locator("#trend-table tbody tr")).to_have_count(len(api("report/history")["series"]))
        page.screenshot(path=str(ARTIFACTS / "nojs-report.png"), full_page=False)
        # An agency's page of it.
        name = report["by_agency"][0]["value"]
        page.locator("#agencies tbody tr").first.locator(".agency-name a").click()
        expect(page.locator("#agency-report-title")).to_have_text(name)
        expect(page.locator("#agency-cards-table tbody tr")).to_have_count(report["by_agency"][0]["count"])

        # On a phone the filters stand above the results, with no drawer to open.
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(f"{base}/?q={q('تمدید گذرنامه')}")
        expect(page.locator("#filters")).to_be_visible()
        expect(page.locator("#toggle-filters")).to_be_hidden()
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], "the page scrolls sideways on a phone"
    finally:
        context.close()


def test_the_script_shows_what_the_server_renders(browser, base, api, problems):
    """The same search and service, rendered by the script (after a search typed in the box) and by
    the server (the address opened without JavaScript), read the same."""
    query = "کارت هوشمند ملی"
    texts = {}
    for js in (True, False):
        context, page = open_page(
            browser, base, problems, viewport={"width": 1280, "height": 900}, java_script_enabled=js
        )
        try:
            page.goto(base + "/")
            search_for(page, query)
            expect(page.locator("#results .hit").first).to_be_visible()
            results = page.locator("#results").inner_text()
            counted = page.locator("#result-count").inner_text()
            page.locator("#results .hit-link").first.click()
            expect(page.locator("#service-title")).to_be_visible()
            texts[js] = (counted, results, page.locator("#service").inner_text())
        finally:
            context.close()
    assert texts[True] == texts[False]


def test_titles_are_shown_with_persian_letters(page, base, api):
    """A card typed with Arabic ي/ك is shown with ی/ک; the card itself is not changed."""
    answer = api("search", q="کارت هوشمند ملی")
    arabic = next(h for h in answer["hits"] if re.search("[يك]", h["title"]))
    page.goto(f"{base}/?q={q('کارت هوشمند ملی')}")
    title = page.locator(f'#results .hit[data-id="{arabic["id"]}"] .hit-title')
    expect(title).to_have_text(shown(arabic["title"]))
    assert not re.search("[يك]", "".join(page.locator("#results").all_inner_texts()).replace(arabic["agency"], ""))
    title.get_by_role("link").click()
    expect(page.locator("#service-title")).to_have_text(shown(arabic["title"]))
    assert not re.search(
        "[يك]", page.locator("#service-title").inner_text() + page.locator(".service-description").inner_text()
    )
    assert re.search("[يك]", api(f"services/{arabic['id']}")["title"]), "display only: the card keeps its letters"


def test_one_link_per_result(page, base, api):
    page.goto(f"{base}/?q={q('تمدید گذرنامه')}")
    expect(page.locator("#results .hit").first).to_be_visible()
    assert set(links_to_services(page)) == {1}
    expect(page.get_by_role("link", name="جزئیات، مدارک و مراحل")).to_have_count(0)


def test_the_phone_drawer_closes_on_its_results(browser, base, api, problems):
    context, page = open_page(browser, base, problems, **PHONE)
    try:
        query = "تمدید گذرنامه"
        everything = api("search", q=query)
        page.goto(f"{base}/?q={q(query)}")
        filters, toggle = page.locator("#filters"), page.locator("#toggle-filters")
        toggle.click()
        expect(filters).to_be_visible()
        button = page.locator("#show-results")
        expect(button).to_have_text(f"نمایش {fa(everything['total'])} نتیجه")

        cluster = next(c for c in everything["facets"]["cluster"] if 0 < c["count"] < everything["total"])
        box = page.locator(
            f'#facets input[data-facet="cluster"][value={json.dumps(cluster["value"], ensure_ascii=False)}]'
        )
        box.check()
        expect(page).to_have_url(re.compile(r"[?&]cluster="))
        expect(button).to_have_text(f"نمایش {fa(cluster['count'])} نتیجه")
        expect(filters).to_be_visible()  # ticking keeps the drawer open for more choices
        expect(button).to_be_in_viewport()
        page.screenshot(path=str(ARTIFACTS / "phone-drawer.png"))

        button.click()
        expect(filters).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#result-count")).to_be_in_viewport()
        expect(page.locator("#result-count")).to_be_focused()
        expect(page.locator("#results .hit").first).to_be_in_viewport()
        assert set(page.locator("#results .hit-cluster").all_inner_texts()) == {cluster["value"]}
    finally:
        context.close()
