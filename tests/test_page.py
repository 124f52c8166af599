"""The page as the server sends it (api/page/), read as HTML: what a browser without JavaScript,
a crawler or a screen reader gets before any script runs. Expectations come from the same
application's JSON API. tests/test_browser.py uses the page in a real browser, with and without
JavaScript."""

from __future__ import annotations

import html
import re

import pytest
from multidict import MultiDict

from api import page
from api.app import create_app

POLICE = "پلیس مهاجرت و گذرنامه فراجا"


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def page_html(client, params=None, status=200) -> str:
    r = await client.get("/", params=params)
    assert r.status == status, await r.text()
    assert r.content_type == "text/html"
    return await r.text()


async def api_search(client, **params) -> dict:
    r = await client.get("/api/v1/search", params={"size": "10", **params})
    assert r.status == 200
    return await r.json()


def escaped(text: str) -> str:
    return html.escape(page.display(text), quote=False)


def element(doc: str, element_id: str) -> str:
    """The start tag of the element with this id."""
    m = re.search(r'<[a-z]+[^>]*\sid="' + re.escape(element_id) + r'"[^>]*>', doc)
    assert m, element_id
    return m.group(0)


async def test_a_search_address_shows_its_results_in_the_html(client):
    answer = await api_search(client, q="گذرنامه")
    assert answer["hits"]
    doc = await page_html(client, {"q": "گذرنامه"})
    titles = re.findall(r'<a href="[^"]*" class="hit-link">(.*?)</a>', doc)
    assert [re.sub(r"</?mark>", "", t) for t in titles] == [escaped(h["title"]) for h in answer["hits"]]
    assert f"<strong>{page.fa_num(answer['total'])}</strong> خدمت" in doc
    assert "hidden" not in element(doc, "view-search") and "hidden" in element(doc, "view-home")
    assert 'data-rendered="search"' in element(doc, "main")
    assert 'value="گذرنامه"' in element(doc, "q")
    # Each result links once to its service page, on the script's own address.
    for hit in answer["hits"]:
        assert doc.count(f"service={hit['id']}") == 1


async def test_facets_are_a_form_of_checkboxes_sent_to_the_same_address(client):
    doc = await page_html(client, {"q": "گذرنامه", "agency": POLICE})
    form = element(doc, "filters-form")
    assert 'action="/"' in form and 'method="get"' in form
    box = re.search(r'<input type="checkbox" name="agency" data-facet="agency" value="' + POLICE + '"[^>]*>', doc)
    assert box and " checked" in box.group(0)
    assert '<input type="hidden" name="q" value="گذرنامه">' in doc
    assert re.search(r'<button type="submit" id="show-results"', doc)
    # The active filter is a link to the same search without it.
    assert re.search(r'<a class="chip removable" href="/\?q=%DA%AF%D8%B0%D8%B1%D9%86%D8%A7%D9%85%D9%87"', doc)
    filtered = await api_search(client, q="گذرنامه", agency=POLICE)
    assert f"<strong>{page.fa_num(filtered['total'])}</strong>" in doc


async def test_what_is_typed_is_escaped(client):
    doc = await page_html(client, {"q": '<script>alert(1)</script>"'})
    assert "<script>alert" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"' in element(doc, "q")


async def test_a_service_page_and_an_unknown_one(client):
    card = await (await client.get("/api/v1/services/t-passport-renew")).json()
    doc = await page_html(client, {"service": "t-passport-renew"})
    assert f'<h1 id="service-title" class="page-title" tabindex="-1">{escaped(card["title"])}</h1>' in doc
    for document in card.get("documents") or []:
        assert f"<li>{escaped(document)}</li>" in doc
    assert f"<title>{escaped(card['title'])} — درگاه</title>" in doc
    missing = await page_html(client, {"service": "no-such-service"}, status=404)
    assert "خدمتی با این شناسه پیدا نشد" in missing


async def test_the_report_tables(client):
    report = await (await client.get("/api/v1/report")).json()
    doc = await page_html(client, {"view": "report"})
    assert page.fa_num(report["services"]) in element(doc, "report-meta") + doc
    rows = re.findall(r'<tr data-name="[^"]*" data-value="([^"]*)">', doc)
    assert [html.unescape(r) for r in rows] == [a["value"] for a in report["by_agency"]]
    assert "hidden" not in element(doc, "view-report")


async def test_before_an_index_is_there_the_page_says_so(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(tmp_path / "none-yet"))
    r = await client.get("/", params={"q": "گذرنامه"})
    assert r.status == 503 and r.headers["Retry-After"]
    doc = await r.text()
    assert "چند لحظه دیگر" in doc and "data-rendered" not in element(doc, "main")


def test_display_folding_changes_letters_only():
    assert page.display("پيگيري وضعيت كارت") == "پیگیری وضعیت کارت"
    assert page.display("ماده ۳۴ و ٣٤") == "ماده ۳۴ و ٣٤"  # digits, Persian or Arabic, as they are
    assert page.marked("<mark>كارت</mark> &amp; <b>ملي</b>", "") == "<mark>کارت</mark> &amp; ملی"


def test_numbers_and_dates_as_the_script_shows_them():
    assert page.fa_num(1234) == "۱٬۲۳۴"
    assert page.fa_percent(0.125) == "۱۳٪"  # halves up, as Math.round
    assert page.fa_date("2026-03-21") == "۱ فروردین ۱۴۰۵"
    assert page.fa_date("2024-03-19") == "۲۹ اسفند ۱۴۰۲"


def test_addresses_are_the_scripts():
    state = page.read_state(MultiDict([("q", " گذرنامه "), ("agency", POLICE), ("page", "999"), ("sort", "nope")]))
    assert (state.q, state.page, state.sort, state.filters["agency"]) == (
        "گذرنامه",
        page.MAX_PAGE,
        "relevance",
        [POLICE],
    )
    assert page.url_for(page.read_state(MultiDict([("q", ""), ("electronic", "true"), ("page", "2")]))) == (
        "/?q=&electronic=true&page=2"
    )


async def test_a_search_rendered_on_the_server_is_in_the_query_log(aiohttp_client, mini_index, tmp_path):
    """The script does not ask the API again for a page the server rendered: the page logs it."""
    from api.state import QUERYLOG, Settings

    app = create_app(settings=Settings(mini_index, analytics_dir=tmp_path / "analytics"))
    client = await aiohttp_client(app)
    await page_html(client, {"q": "زبزبزبز"})
    await page_html(client, {"q": "زبزبزبز", "page": "2"})  # later pages are not counted, as in the API
    app[QUERYLOG].flush()
    assert app[QUERYLOG].report("zero", 1) == [{"query": "زبزبزبز", "count": 1}]


async def test_the_page_counts_against_the_clients_rate(aiohttp_client, mini_index):
    from api.state import Settings

    client = await aiohttp_client(create_app(settings=Settings(mini_index, rate_limit=0.5)))
    statuses = [(await client.get("/", params={"q": "گذرنامه"})).status for _ in range(3)]
    assert statuses[0] == 200 and statuses[-1] == 429
    r = await client.get("/", params={"q": "گذرنامه"})
    assert r.status == 429 and int(r.headers["Retry-After"]) >= 1 and r.content_type == "text/html"
    assert "چند لحظه دیگر" in await r.text()
