"""The headers each kind of answer carries, exactly: none missing and none extra. Security headers on
everything; CORS on the public API only; ETag and Cache-Control on public answers and their 304s,
never on a problem; Content-Language on every problem; Retry-After on a 429. Also what a request
leaves in the metrics and the access log, and that a repeated search is served from the cache's
bytes."""

import errno
import json

import orjson
import pytest

from api.accesslog import ACCESS_LOG, AccessLog
from api.app import Settings, create_app
from api.ratelimit import RateLimiter
from api.state import ENGINE, LIMITER

FA = {"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.8"}
SECURITY = {"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy"}
CORS = {"Access-Control-Allow-Origin", "Access-Control-Expose-Headers"}
VALIDATORS = {"ETag", "Cache-Control", "Vary"}
PROBLEM = {"Content-Type", "Content-Language"}
# Set by the HTTP layer on every answer, or by how the body is sent: not this test's business.
TRANSPORT = {"Date", "Server", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"}


def names(response) -> set[str]:
    """The header names of an answer, as HTTP compares them (without case)."""
    return {k.lower() for k in response.headers} - of(TRANSPORT)


def of(*groups) -> set[str]:
    return {k.lower() for group in groups for k in group}


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def test_a_search_carries_validators_security_and_cors(client):
    r = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    assert r.status == 200
    assert names(r) == of({"Content-Type"}, VALIDATORS, SECURITY, CORS)
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["ETag"].startswith('W/"') and r.headers["Cache-Control"] == "public, max-age=30"
    assert r.headers["Vary"] == "Origin" and r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, Retry-After, Content-Language"
    assert r.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]

    again = await client.get("/api/v1/search", params={"q": "گذرنامه"}, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status == 304 and await again.read() == b""
    assert names(again) == of(VALIDATORS, SECURITY, CORS)
    assert again.headers["ETag"] == r.headers["ETag"]


@pytest.mark.parametrize(
    ("method", "path", "status", "extra"),
    [
        ("GET", "/api/v1/search?q=x&sizes=3", 400, set()),  # an unknown parameter
        ("GET", "/api/v1/search?page=x", 400, set()),
        ("GET", "/api/v1/services/nope", 404, set()),
        ("GET", "/api/v1/nope", 404, set()),  # no such route: aiohttp's own 404, as a problem
        ("POST", "/api/v1/search", 405, {"Allow"}),
    ],
)
async def test_a_problem_on_the_public_api_has_no_validators(client, method, path, status, extra):
    for headers, language in ((None, "en"), (FA, "fa")):
        r = await client.request(method, path, headers=headers)
        assert r.status == status
        assert names(r) == of(PROBLEM, SECURITY, CORS, extra)
        assert r.headers["Content-Type"] == "application/problem+json; charset=utf-8"
        assert r.headers["Content-Language"] == language
        assert (await r.json())["status"] == status


async def test_a_preflight_is_answered_without_a_body(client):
    r = await client.options(
        "/api/v1/search", headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"}
    )
    assert r.status == 204 and await r.read() == b""
    allow = {"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"}
    assert names(r) == of(allow, SECURITY, CORS)
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in r.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/healthz", 200, {"Content-Type"}),  # outside the API: no CORS, no validators
        ("/metrics", 200, {"Content-Type", "Cache-Control"}),
        ("/nope", 404, PROBLEM),
        ("/api/v1/openapi.json", 200, {"Content-Type"} | CORS),  # the document is not revalidated
        ("/", 200, {"Content-Type", "Cache-Control", "ETag"}),  # the page revalidates by its own ETag
        ("/static/style.css", 200, {"Content-Type", "Cache-Control", "Etag", "Last-Modified", "Accept-Ranges"}),
        ("/api/v1/admin/generations", 404, PROBLEM),  # the admin API is off without a token, and never CORS
    ],
)
async def test_every_other_answer_carries_the_security_headers(client, path, status, expected):
    r = await client.get(path)
    assert r.status == status
    assert names(r) == of(expected, SECURITY)


async def test_only_the_allowed_origins_are_named(aiohttp_client, mini_index):
    settings = Settings(index_dir=mini_index, cors_origins=("https://portal.example",))
    client = await aiohttp_client(create_app(settings=settings))
    allowed = await client.get("/api/v1/clusters", headers={"Origin": "https://portal.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.example"
    assert allowed.headers["Vary"] == "Origin"
    other = await client.get("/api/v1/clusters", headers={"Origin": "https://elsewhere.example"})
    assert other.status == 200 and "Access-Control-Allow-Origin" not in other.headers
    assert names(other) == of({"Content-Type", "Access-Control-Expose-Headers"}, VALIDATORS, SECURITY)


async def test_too_many_requests_say_when_to_come_back(aiohttp_client, mini_index):
    app = create_app(settings=Settings(index_dir=mini_index, rate_limit=0.01))
    app[LIMITER] = RateLimiter(0.01, burst=2)  # two requests, then one every 100 s
    client = await aiohttp_client(app)
    statuses = [(await client.get("/api/v1/clusters")).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    r = await client.get("/api/v1/search", params={"q": "x", "sizes": "3"}, headers=FA)
    assert r.status == 429  # the rate is checked before the parameters
    assert names(r) == of({"Retry-After"}, PROBLEM, SECURITY, CORS)
    assert int(r.headers["Retry-After"]) >= 1 and r.headers["Content-Language"] == "fa"
    assert (await client.get("/healthz")).status == 200  # outside the API: never limited


async def test_metrics_and_access_log_count_what_the_client_got(aiohttp_client, mini_index, tmp_path):
    app = create_app(settings=Settings(index_dir=mini_index, rate_limit=0.01, log_queries=False))
    app[LIMITER] = RateLimiter(0.01, burst=2)
    app[ACCESS_LOG] = AccessLog.open(str(tmp_path / "access.log"), 0)
    client = await aiohttp_client(app)
    first = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    again = await client.get(
        "/api/v1/search", params={"q": "گذرنامه"}, headers={"If-None-Match": first.headers["ETag"]}
    )
    limited = await client.get("/api/v1/search", params={"q": "گذرنامه", "sizes": "3"})
    missing = await client.get("/nope", params={"q": "گذرنامه"})
    assert [first.status, again.status, limited.status, missing.status] == [200, 304, 429, 404]

    text = await (await client.get("/metrics")).text()
    for route, status in (("/api/v1/search", 200), ("/api/v1/search", 304), ("/api/v1/search", 429)):
        assert f'dargah_requests_total{{route="{route}",status="{status}"}} 1' in text
    assert 'dargah_requests_total{route="unmatched",status="404"} 1' in text  # never the raw path

    app[ACCESS_LOG].flush()
    raw = (tmp_path / "access.log").read_text("utf-8")
    lines = [json.loads(line) for line in raw.splitlines()]
    assert [(e["path"], e["status"]) for e in lines[:4]] == [
        ("/api/v1/search", 200),
        ("/api/v1/search", 304),
        ("/api/v1/search", 429),
        ("/nope", 404),
    ]
    assert "?" not in raw and "q=" not in raw and "گذرنامه" not in raw


async def test_a_repeated_search_is_served_from_the_cached_bytes(client, monkeypatch):
    first = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    body = await first.read()
    engine, dumps, calls = client.server.app[ENGINE], orjson.dumps, []
    monkeypatch.setattr(engine, "search", lambda *a: calls.append("search"))
    monkeypatch.setattr(orjson, "dumps", lambda *a, **kw: (calls.append("dumps"), dumps(*a, **kw))[1])
    again = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    assert again.status == 200 and await again.read() == body
    assert calls == []  # neither searched nor serialised again


async def test_an_unexpected_error_is_a_500_problem_that_shows_nothing_internal(client, monkeypatch):
    def broken():
        raise RuntimeError("secret internals at /srv/index")

    monkeypatch.setattr(client.server.app[ENGINE], "clusters", broken)
    for headers, language in ((None, "en"), (FA, "fa")):
        r = await client.get("/api/v1/clusters", headers=headers)
        assert r.status == 500 and r.headers["Content-Language"] == language
        assert names(r) == of(PROBLEM, SECURITY, CORS)
        body = await r.text()
        assert "secret" not in body and "/srv" not in body and "Traceback" not in body


async def test_a_full_disk_is_a_507_with_retry_after(client, monkeypatch):
    def full():
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(client.server.app[ENGINE], "clusters", full)
    r = await client.get("/api/v1/clusters")
    assert r.status == 507 and int(r.headers["Retry-After"]) > 0
    assert names(r) == of({"Retry-After"}, PROBLEM, SECURITY, CORS)
    # Said in Persian to a client that reads it, as every other problem is.
    r = await client.get("/api/v1/clusters", headers={"Accept-Language": "fa"})
    assert r.status == 507 and "پر است" in (await r.json())["detail"]
