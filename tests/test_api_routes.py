"""Each public route's answer: its status, content type and fields, 404s as problems, health and
readiness with and without an index (on a real server bound to loopback, pytest-aiohttp's)."""

import pytest
from conftest import mini_cards

from api.app import create_app


@pytest.fixture
async def client(aiohttp_client, mini_index):
    app = create_app(mini_index)
    return await aiohttp_client(app)


async def test_search_response_shape(client):
    r = await client.get("/api/v1/search", params={"q": "گذرنامه", "size": "1"})
    assert r.status == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    body = await r.json()
    assert body["query"]["q"] == "گذرنامه"
    assert body["total"] == 2 and body["page"] == 1 and body["size"] == 1
    assert set(body["hits"][0]) >= {"id", "title", "agency", "cluster", "url", "score", "snippet"}
    for facet in ("cluster", "agency"):
        assert sum(v["count"] for v in body["facets"][facet]) == body["total"]
        assert all(set(v) >= {"value", "count"} for v in body["facets"][facet])
    assert body["took_ms"] >= 0


async def test_filters_are_repeatable_or_within_a_facet(client):
    r = await client.get("/api/v1/search", params=[("cluster", "گذرنامه و سفر"), ("cluster", "مالیات")])
    body = await r.json()
    assert body["total"] == 3
    assert {h["cluster"] for h in body["hits"]} == {"گذرنامه و سفر", "مالیات"}


async def test_service_by_id_and_404(client):
    card = mini_cards()[2]
    r = await client.get(f"/api/v1/services/{card['id']}")
    assert r.status == 200
    assert (await r.json())["title"] == card["title"]
    r = await client.get("/api/v1/services/nope")
    assert r.status == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = await r.json()
    assert body["status"] == 404 and "nope" in body["detail"]


async def test_unknown_route_is_json_404(client):
    r = await client.get("/api/v1/nothing-here")
    assert r.status == 404
    assert (await r.json())["status"] == 404


async def test_analyze_returns_index_terms(client):
    r = await client.get("/api/v1/analyze", params={"text": "گواهينامه‌هاي رانندگي"})
    body = await r.json()
    assert body["tokens"] == ["گواهینامه", "رانندگی"]
    assert "ي" not in body["normalized"]


async def test_bad_parameters_are_400_naming_the_parameter(client):
    for params, name in (
        ({"page": "0"}, "page"),
        ({"size": "51"}, "size"),
        ({"size": "ten"}, "size"),
        ({"q": "x" * 201}, "q"),
    ):
        r = await client.get("/api/v1/search", params=params)
        assert r.status == 400, params
        body = await r.json()
        assert body["invalid_params"][0]["name"] == name


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).status == 200
    r = await client.get("/readyz")
    assert r.status == 200 and (await r.json())["generation"]


async def test_readyz_is_503_without_an_index(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(tmp_path / "missing"))
    r = await client.get("/readyz")
    assert r.status == 503
    assert (await client.get("/healthz")).status == 200
    r = await client.get("/api/v1/search", params={"q": "x"})
    assert r.status == 503
