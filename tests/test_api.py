"""The public API on a real loopback server: every parameter, error, facet semantics, caching,
CORS, metrics and the OpenAPI document checked against real responses."""

import html
import re

import jsonschema
import pytest
from conftest import mini_cards
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource

from api.app import create_app
from api.openapi import document

PASSPORT_CLUSTER = "گذرنامه و سفر"
POLICE = "پلیس مهاجرت و گذرنامه فراجا"


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def get(client, path, params=None, status=200, **kw):
    r = await client.get(path, params=params, **kw)
    assert r.status == status, (path, params, await r.text())
    return await r.json() if r.content_type.endswith("json") else await r.text()


def facet(body, name):
    return {v["value"]: v for v in body["facets"][name]}


# -- parameters and errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,name",
    [
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"size": "0"}, "size"),
        ({"size": "51"}, "size"),
        ({"size": "1.5"}, "size"),
        ({"page": "21"}, "page"),  # past the last page
        ({"page": "101", "size": "10"}, "page"),  # deeper than 1,000 results
        ({"sort": "random"}, "sort"),
        ({"electronic": "maybe"}, "electronic"),
        ({"q": "ب" * 201}, "q"),
        ([("q", "a"), ("q", "b")], "q"),
        ([("cluster", "x")] * 21, "cluster"),
        ([("channel", "")] * 19 + [("channel", "web")] * 2, "channel"),
    ],
)
async def test_invalid_parameters_are_400_problems(client, params, name):
    r = await client.get("/api/v1/search", params=params)
    assert r.status == 400
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = await r.json()
    assert body["status"] == 400 and body["title"] == "Bad Request"
    assert body["invalid_params"][0]["name"] == name


async def test_q_is_trimmed(client):
    body = await get(client, "/api/v1/search", {"q": "  " + "ب" * 200 + "  "})
    assert body["query"]["q"] == "ب" * 200


async def test_method_not_allowed_is_a_problem(client):
    r = await client.post("/api/v1/search")
    assert r.status == 405
    assert "GET" in r.headers["Allow"]
    assert (await r.json())["status"] == 405


# -- facets, filters, sort ----------------------------------------------------------------------


async def test_facet_counts_ignore_their_own_selection_only(client):
    everything = await get(client, "/api/v1/search")
    chosen = await get(client, "/api/v1/search", {"agency": POLICE})
    # Every hit is from the chosen agency; the total is that agency's count.
    assert {h["agency"] for h in chosen["hits"]} == {POLICE}
    assert chosen["total"] == facet(everything, "agency")[POLICE]["count"]
    # The agency facet keeps every agency and its unfiltered count (multi-select) …
    assert {v: f["count"] for v, f in facet(chosen, "agency").items()} == {
        v: f["count"] for v, f in facet(everything, "agency").items()
    }
    assert facet(chosen, "agency")[POLICE]["selected"] is True
    assert not any(f["selected"] for v, f in facet(chosen, "agency").items() if v != POLICE)
    # … while every other facet applies it.
    assert set(facet(chosen, "cluster")) == {PASSPORT_CLUSTER}
    assert sum(v["count"] for v in chosen["facets"]["cluster"]) == chosen["total"]


async def test_or_within_and_across_facets(client):
    both = await get(client, "/api/v1/search", [("cluster", PASSPORT_CLUSTER), ("cluster", "مالیات")])
    assert {h["cluster"] for h in both["hits"]} == {PASSPORT_CLUSTER, "مالیات"}
    narrowed = await get(
        client, "/api/v1/search", [("cluster", PASSPORT_CLUSTER), ("cluster", "مالیات"), ("audience", "business")]
    )
    assert [h["id"] for h in narrowed["hits"]] == ["t-tax-return"]
    # The audience facet, not selected by itself, is counted over both clusters.
    assert facet(narrowed, "audience")["citizen"]["count"] == 3


async def test_selected_value_is_listed_even_at_zero(client):
    body = await get(client, "/api/v1/search", {"q": "گذرنامه", "cluster": "مالیات"})
    assert body["total"] == 0 and body["hits"] == []
    assert facet(body, "cluster")["مالیات"] == {"value": "مالیات", "count": 0, "selected": True, "label": "مالیات"}
    assert facet(body, "cluster")[PASSPORT_CLUSTER]["count"] == 2


async def test_electronic_level_and_channel_filters(client):
    body = await get(client, "/api/v1/search", {"electronic": "true"})
    assert body["total"] > 0 and all(h["electronic"] for h in body["hits"])
    expected = sum(1 for c in mini_cards() if (c.get("e_stages") or {}).get("application"))
    assert body["total"] == expected
    web = await get(client, "/api/v1/search", {"channel": "web"})
    assert [h["id"] for h in web["hits"]] == ["t-publishing-permit"]


async def test_sort_orders(client):
    pop = await get(client, "/api/v1/search", {"sort": "popularity", "size": "50"})
    values = [h["popularity"] for h in pop["hits"]]
    assert values == sorted(values, reverse=True)
    titled = await get(client, "/api/v1/search", {"sort": "title", "size": "50"})
    titles = [h["title"] for h in titled["hits"]]
    assert titles == sorted(titles)


async def test_highlights_mark_matches_and_escape_card_text(client):
    body = await get(client, "/api/v1/search", {"q": "مجوز نشر"})
    hit = body["hits"][0]
    assert hit["id"] == "t-publishing-permit"
    assert "<mark>مجوز</mark>" in hit["highlights"]["title"] and "<mark>نشر</mark>" in hit["highlights"]["title"]
    assert "<script>" not in hit["highlights"]["title"] and "&lt;script&gt;" in hit["highlights"]["title"]
    assert "<b>" not in hit["highlights"]["description"]
    # Removing the marks and unescaping gives back the card's own text.
    assert html.unescape(re.sub("</?mark>", "", hit["highlights"]["title"])) == hit["title"]


async def test_query_fields_explain_what_was_done(client):
    body = await get(client, "/api/v1/search", {"q": "gozarnameh"})
    assert body["query"]["corrected"] == "گذرنامه"
    assert body["query"]["interpretation"][0]["kind"] == "transliteration"
    assert body["total"] == 2
    body = await get(client, "/api/v1/search", {"q": "گذرنامه"})
    assert body["query"]["corrected"] is None and body["query"]["normalized"] == "گذرنامه"


# -- other routes -------------------------------------------------------------------------------


async def test_suggest_matches_word_prefixes_in_any_spelling(client):
    body = await get(client, "/api/v1/suggest", {"q": "گذرنا"})
    texts = [s["text"] for s in body["suggestions"]]
    assert "تمدید گذرنامه عادی" in texts and "صدور گذرنامه عادی" in texts
    service = next(s for s in body["suggestions"] if s["text"] == "تمدید گذرنامه عادی")
    assert service == {"text": "تمدید گذرنامه عادی", "id": "t-passport-renew", "kind": "service"}
    # Arabic letters and a partial second word.
    body = await get(client, "/api/v1/suggest", {"q": "كارت ملي هو"})
    assert [s["id"] for s in body["suggestions"]] == ["t-messy-id-card"]
    # Colloquial names from keywords come as query suggestions.
    body = await get(client, "/api/v1/suggest", {"q": "پاسپ"})
    assert {"text": "پاسپورت", "id": None, "kind": "query"} in body["suggestions"]
    assert (await get(client, "/api/v1/suggest", {"q": ""}))["suggestions"] == []


async def test_service_clusters_and_agency_ranking(client):
    cards = mini_cards()
    clusters = await get(client, "/api/v1/clusters")
    assert sum(c["count"] for c in clusters["clusters"]) == len(cards)
    agencies = (await get(client, "/api/v1/agencies"))["agencies"]
    assert sum(a["count"] for a in agencies) == len(cards)
    readiness = [a["e_readiness"] for a in agencies]
    assert readiness == sorted(readiness, reverse=True) and agencies[0]["rank"] == 1
    top = agencies[0]
    assert top["value"] == "وزارت فرهنگ و ارشاد اسلامی" and top["e_readiness"] == 1.0
    card = await get(client, "/api/v1/services/t-publishing-permit")
    assert card["e_readiness"] == 1.0 and card["agency_rank"] == 1
    police = await get(client, "/api/v1/services/t-passport-issue")
    assert police["e_readiness"] == 0.0  # no e_stages on this card


async def test_etag_and_conditional_requests(client):
    r = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    etag = r.headers["ETag"]
    assert r.headers["Cache-Control"].startswith("public")
    again = await client.get("/api/v1/search", params={"q": "گذرنامه"}, headers={"If-None-Match": etag})
    assert again.status == 304 and again.headers["ETag"] == etag
    other = await client.get("/api/v1/search", params={"q": "مالیات"}, headers={"If-None-Match": etag})
    assert other.status == 200 and other.headers["ETag"] != etag


async def test_etag_changes_with_the_generation(aiohttp_client, tmp_path, mini_index):
    import shutil

    from conftest import MINI, build_index

    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    client = await aiohttp_client(create_app(index))
    first = (await client.get("/api/v1/search", params={"q": "گذرنامه"})).headers["ETag"]
    build_index(MINI, index)
    import asyncio

    for _ in range(40):
        await asyncio.sleep(0.1)
        r = await client.get("/api/v1/search", params={"q": "گذرنامه"}, headers={"If-None-Match": first})
        if r.status == 200:
            break
    assert r.status == 200 and r.headers["ETag"] != first


async def test_cors_and_security_headers(client):
    r = await client.get("/api/v1/clusters", headers={"Origin": "https://portal.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = await client.options(
        "/api/v1/search", headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status == 204 and "GET" in pre.headers["Access-Control-Allow-Methods"]
    page = await client.get("/")
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"]


async def test_static_files_cannot_escape_their_folder(client):
    for path in ("/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/..%2fapp.py"):
        r = await client.get(path)
        assert r.status in (403, 404), path


async def test_metrics_count_requests_by_route(client):
    await client.get("/api/v1/search", params={"q": "گذرنامه"})
    await client.get("/api/v1/search", params={"q": "گذرنامه"})
    await client.get("/api/v1/services/nope")
    text = await get(client, "/metrics")
    assert 'dargah_requests_total{route="/api/v1/search",status="200"} 2' in text
    assert 'dargah_requests_total{route="/api/v1/services/{id}",status="404"} 1' in text
    assert "dargah_index_generation_info{generation=" in text
    assert 'dargah_cache_requests_total{result="hit"} 1' in text
    assert 'dargah_request_duration_seconds_bucket{route="/api/v1/search",le="+Inf"} 2' in text


# -- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_document_is_valid():
    validate_spec(document())


def _validator(ref: str):
    doc = document()
    registry = Registry().with_resource(
        "urn:dargah", Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema", **doc})
    )
    return jsonschema.Draft202012Validator({"$ref": f"urn:dargah#/components/schemas/{ref}"}, registry=registry)


async def test_every_documented_route_answers_as_documented(client):
    doc = document()
    examples = {
        "/api/v1/search": [
            {"q": "گذرنامه"},
            {},
            {"q": "dhvhki"},
            {"q": "gozarnameh", "cluster": PASSPORT_CLUSTER},
            {"q": "گذرنامه", "facets": "cluster,agency"},
            {"facets": ""},
        ],
        "/api/v1/suggest": [{"q": "گذ"}],
        "/api/v1/services/{id}": [None],
        "/api/v1/life-events": [{}],
        "/api/v1/life-events/{id}": [None],
        "/api/v1/clusters": [{}],
        "/api/v1/agencies": [{}],
        "/api/v1/analyze": [{"text": "گواهي نامه"}],
        "/api/v1/report": [{}],
        "/api/v1/report/agencies/{name}": [None],
        "/api/v1/report/history": [{}, {"agency": "سازمان ثبت احوال کشور"}, {"parent": "وزارت امور اقتصادی و دارایی"}],
        "/api/v1/report.csv": [{}, {"by": "cluster"}],
        "/healthz": [{}],
        "/readyz": [{}],
        "/api/v1/openapi.json": [{}],
    }
    examples |= {path: [] for path in doc["paths"] if path.startswith("/api/v1/admin/")}  # test_lifecycle.py
    assert set(examples) == set(doc["paths"])
    for path, calls in examples.items():
        if not calls:
            continue
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]
        if "text/csv" in content:
            for params in calls:
                assert (await get(client, path, params)).startswith("\ufeff")
            continue
        if "$ref" not in content["application/json"]["schema"]:
            continue
        schema = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for params in calls:
            url = path.replace("{id}", "birth" if "life-events" in path else "t-passport-renew")
            url = url.replace("{name}", "سازمان ثبت احوال کشور")
            body = await get(client, url, params or {})
            _validator(schema).validate(body)
    problem = await get(client, "/api/v1/search", {"size": "0"}, status=400)
    _validator("Problem").validate(problem)
