"""The API as people and the page meet it (issue 19): problems in Persian when asked, unknown
parameters named, filter values forgiving of how they are typed, paging bounded by depth with its
page count, and a CORS that lets browser code read Retry-After."""

import pytest
from conftest import mini_cards

from api.app import create_app
from api.params import MAX_DEPTH
from api.responses import prefers_persian
from search.facets import fold_value

PASSPORT_CLUSTER = "گذرنامه و سفر"
POLICE = "پلیس مهاجرت و گذرنامه فراجا"
DRIVING = "رانندگی و حمل‌ونقل"
FA = {"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.8"}


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def problem(client, path, params=None, status=400, headers=None):
    r = await client.get(path, params=params, headers=headers)
    assert r.status == status, await r.text()
    assert r.headers["Content-Type"].startswith("application/problem+json")
    return r, await r.json()


# -- Persian for people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "persian"),
    [
        ("fa", True),
        ("fa-IR,fa;q=0.9,en;q=0.8", True),
        ("en-US,en;q=0.9,fa;q=0.8", False),
        ("en;q=0.4, fa;q=0.6", True),
        ("fa;q=0, en", False),
        ("de, fa;q=0.5", True),
        ("*", False),
        ("", False),
        (None, False),
    ],
)
def test_persian_is_chosen_only_when_preferred(header, persian):
    assert prefers_persian(header) is persian


async def test_problem_title_and_detail_are_persian_when_asked(client):
    r, body = await problem(client, "/api/v1/search", {"size": "0"}, headers=FA)
    assert r.headers["Content-Language"] == "fa"
    assert body["title"] == "درخواست نامعتبر"
    assert body["detail"] == "پارامتر «size» نادرست است: باید عددی درست از ۱ تا ۵۰ باشد"
    assert body["invalid_params"] == [{"name": "size", "reason": "باید عددی درست از ۱ تا ۵۰ باشد"}]

    r, body = await problem(client, "/api/v1/search", {"size": "0"})
    assert r.headers["Content-Language"] == "en"
    assert body["title"] == "Bad Request"
    assert body["detail"] == "invalid parameter 'size': must be a whole number from 1 to 50"


@pytest.mark.parametrize(
    ("path", "status", "title", "detail"),
    [
        ("/api/v1/services/nope", 404, "پیدا نشد", "خدمتی با این شناسه پیدا نشد."),
        ("/api/v1/life-events/nope", 404, "پیدا نشد", "رویداد زندگی با این شناسه پیدا نشد."),
        ("/api/v1/nowhere", 404, "پیدا نشد", "این نشانی در درگاه وجود ندارد."),
    ],
)
async def test_every_problem_has_persian_words(client, path, status, title, detail):
    _, body = await problem(client, path, status=status, headers=FA)
    assert (body["title"], body["detail"]) == (title, detail)
    _, english = await problem(client, path, status=status)
    assert english["title"] == "Not Found"
    assert not any("\u0600" <= c <= "\u06ff" for c in english["detail"][:25])


async def test_cors_exposes_retry_after_to_browser_code(client):
    r = await client.get("/api/v1/clusters", headers={"Origin": "https://portal.example"})
    exposed = {h.strip() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Retry-After"} <= exposed


# -- unknown parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "unknown"),
    [
        ("/api/v1/search", {"q": "گذرنامه", "sizes": "3"}, ["sizes"]),
        ("/api/v1/search", {"utm_source": "x", "Page": "2"}, ["Page", "utm_source"]),
        ("/api/v1/suggest", {"q": "گذ", "limit": "3"}, ["limit"]),
        ("/api/v1/services/t-passport-renew", {"fields": "title"}, ["fields"]),
        ("/api/v1/clusters", {"sort": "name"}, ["sort"]),
        ("/api/v1/report/history", {"agencies": "x"}, ["agencies"]),
    ],
)
async def test_unknown_parameters_are_a_400_naming_them(client, path, params, unknown):
    _, body = await problem(client, path, params)
    assert [p["name"] for p in body["invalid_params"]] == unknown
    assert all(name in body["detail"] for name in unknown)
    _, persian = await problem(client, path, params, headers=FA)
    assert persian["detail"].startswith("این پارامترها شناخته نیست")


async def test_the_pages_own_requests_are_accepted(client):
    # What app.js sends: every parameter of a search, the popular list, the report's history.
    search = {"q": "گذرنامه", "cluster": PASSPORT_CLUSTER, "electronic": "true", "sort": "title", "size": "10"}
    assert (await client.get("/api/v1/search", params=search)).status == 200
    assert (await client.get("/api/v1/search", params={"q": "", "sort": "popularity", "size": "8"})).status == 200
    assert (await client.get("/api/v1/suggest", params={"q": "گذ"})).status == 200
    assert (await client.get("/api/v1/report/history", params={"agency": POLICE})).status == 200
    # A client library's cache-buster (jQuery's `_=<time>`) is no unknown parameter.
    assert (await client.get("/api/v1/search", params={"q": "گذرنامه", "_": "1733300000"})).status == 200
    # The page's own URL keeps whatever it carries (its parameters are the page's business).
    assert (await client.get("/", params={"q": "گذرنامه", "service": "t-passport-renew", "view": "x"})).status == 200


# -- filters matched as text is ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facet", "as_written", "as_typed"),
    [
        ("agency", POLICE, POLICE.replace("ی", "ي")),  # Arabic yeh
        ("cluster", DRIVING, DRIVING.replace("ی", "ي").replace("\u200c", " ")),  # a space for the half-space
        ("cluster", DRIVING, DRIVING.replace("\u200c", "")),  # no half-space at all
        ("audience", "citizen", " Citizen "),
    ],
)
async def test_filter_values_are_matched_after_folding(client, facet, as_written, as_typed):
    exact = await (await client.get("/api/v1/search", params={facet: as_written})).json()
    folded = await (await client.get("/api/v1/search", params={facet: as_typed})).json()
    assert exact["total"] > 0 and folded["total"] == exact["total"]
    assert [h["id"] for h in folded["hits"]] == [h["id"] for h in exact["hits"]]
    # The facet lists the value selected as the cards write it, once.
    selected = [v for v in folded["facets"][facet] if v["selected"]]
    assert [(v["value"], v["count"]) for v in selected] == [(as_written, exact["total"])]


def test_digits_fold_as_in_text():
    assert fold_value("پلیس+۱۰") == fold_value("پليس+10") == fold_value("پلیس ١٠")


async def test_facet_values_carry_persian_labels(client):
    body = await (await client.get("/api/v1/search")).json()
    labels = {f: {v["value"]: v["label"] for v in body["facets"][f]} for f in body["facets"]}
    assert labels["audience"]["citizen"] == "شهروندان"
    assert labels["channel"]["counter_office"] == "دفاتر پیشخوان"
    assert labels["level"]["national"] == "ملی"
    assert labels["cluster"][PASSPORT_CLUSTER] == PASSPORT_CLUSTER


# -- paging bounded by depth --------------------------------------------------------------------------


async def test_pages_are_counted_and_bounded_by_depth(client):
    total = len(mini_cards())
    body = await (await client.get("/api/v1/search", params={"size": "3"})).json()
    assert body["total"] == total and body["pages"] == -(-total // 3)
    last = await (await client.get("/api/v1/search", params={"size": "3", "page": str(body["pages"])})).json()
    assert last["hits"] and len(last["hits"]) == total - 3 * (body["pages"] - 1)
    nothing = await (await client.get("/api/v1/search", params={"q": "زبزبزبز"})).json()
    assert nothing["total"] == 0 and nothing["pages"] == 0 and nothing["page"] == 1


async def test_a_page_past_the_end_is_a_400_never_a_wrong_label(client):
    pages = (await (await client.get("/api/v1/search", params={"size": "3"})).json())["pages"]
    _, body = await problem(client, "/api/v1/search", {"size": "3", "page": str(pages + 1)}, headers=FA)
    assert body["invalid_params"][0]["name"] == "page"
    fa_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    expected = f"پارامتر «page» نادرست است: صفحه {pages + 1} وجود ندارد؛ نتایج {pages} صفحه است"
    assert body["detail"] == expected.translate(fa_digits)


@pytest.mark.parametrize(("size", "deepest"), [(10, 100), (50, 20), (7, 142), (2, MAX_DEPTH // 2)])
async def test_paging_depth_is_page_times_size(client, size, deepest):
    _, body = await problem(client, "/api/v1/search", {"size": str(size), "page": str(deepest + 1)})
    assert body["invalid_params"][0]["name"] == "page"
    assert f"at most {deepest} pages" in body["detail"]
