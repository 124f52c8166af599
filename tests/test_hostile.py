"""Hostile and odd input on every route: a 4xx problem or a sensible 200, quickly, never a 5xx,
and the server stays healthy. Plus the resource limits: timeouts, concurrency, idle connections
and per-client rate limits."""

import asyncio
import socket
import time
import urllib.parse

import pytest
from conftest import ROOT, mini_cards

from api.app import create_app
from api.state import ENGINE, Settings

# (readable id, the query string as it arrives, percent-encoded where the bytes are the point)
HOSTILE_Q = [
    ("nul", "%00"),
    ("nul-inside-a-word", "a%00b"),
    ("invalid-utf8", "%ff%fe"),
    ("utf8-encoded-surrogate", "%ed%a0%80"),
    ("overlong-utf8-slash", "%c0%af"),
    ("bidi-override", "a%e2%80%aeb%e2%80%ac"),
    ("emoji", "%F0%9F%98%80%F0%9F%98%80"),
    ("replacement-character", "%EF%BF%BD"),
    ("field-syntax", urllib.parse.quote("title:گذرنامه")),
    ("lone-star", "*"),
    ("wildcard", "a*"),
    ("fuzzy-operator", urllib.parse.quote("گذرنامه~9")),
    ("range-syntax", urllib.parse.quote("[a TO z]")),
    ("huge-boost", urllib.parse.quote("گذرنامه^1000000")),
    ("three-quotes", "%22%22%22"),
    ("open-parentheses", "(((("),
    ("unclosed-phrase", urllib.parse.quote('"گذرنامه')),
    ("boolean-operators", urllib.parse.quote("a OR b AND NOT c")),
    ("a-thousand-ANDs", urllib.parse.quote(" ".join(["a AND b"] * 1000))),
    ("100k-latin-letters", "x" * 100_000),
    ("5000-persian-letters", urllib.parse.quote("ب" * 5000)),
    ("lone-percent", "%"),
    ("bad-percent-escape", "%zz"),
    ("plus-signs", "+++"),
]
# (query string of a search, the status it must get, the parameter a 400 must name)
ODD_PARAMS = [
    ("page=-1", 400, "page"),
    ("page=0", 400, "page"),
    ("page=1e9", 400, "page"),
    ("page=99999999999999999999999", 400, "page"),
    ("size=-5", 400, "size"),
    ("size=NaN", 400, "size"),
    ("size=0x10", 400, "size"),
    ("page=%20", 400, "page"),
    ("sort=%00", 400, "sort"),
    ("electronic=yes", 400, "electronic"),
    ("cluster=" + "x" * 300, 400, "cluster"),
    ("&".join(["cluster=a"] * 300), 400, "cluster"),
    ("&".join(["q=a"] * 300), 400, "q"),
    ("sizes=3", 400, "sizes"),  # a misspelt parameter is named, not ignored
    ("page=1&page=2", 400, "page"),
    ("size=", 400, "size"),
    ("q=" + "%20" * 5000, 200, None),  # only spaces: no text, the whole catalogue
]
ROUTES = [
    ("search", "/api/v1/search?q={}"),
    ("suggest", "/api/v1/suggest?q={}"),
    ("analyze", "/api/v1/analyze?text={}"),
    ("service-id", "/api/v1/services/{}"),
]


@pytest.fixture
async def client(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(mini_index))
    # Where this checkout and its index live: neither may ever appear in an answer.
    client.private_paths = [str(ROOT).encode(), str(mini_index).encode()]
    return client


async def check(client, url):
    started = time.monotonic()
    r = await client.get(url)
    elapsed = time.monotonic() - started
    body = await r.read()
    assert r.status < 500, (url[:120], r.status, body[:200])
    assert elapsed < 2.0, (url[:120], elapsed)
    if 400 <= r.status < 500 and r.status not in (413, 414, 431):
        assert r.headers["Content-Type"].startswith("application/problem+json"), (url[:120], r.headers["Content-Type"])
        assert b"Traceback" not in body and b".py" not in body, body[:200]
        assert not any(path in body for path in client.private_paths), body[:200]
    return r


@pytest.mark.parametrize("route", [pytest.param(route, id=name) for name, route in ROUTES])
@pytest.mark.parametrize("q", [pytest.param(q, id=name) for name, q in HOSTILE_Q])
async def test_hostile_query(client, route, q):
    await check(client, route.format(q))
    assert (await client.get("/healthz")).status == 200


@pytest.mark.parametrize(("params", "status", "named"), [pytest.param(*case, id=case[0][:40]) for case in ODD_PARAMS])
async def test_odd_parameters(client, params, status, named):
    r = await check(client, "/api/v1/search?" + params)
    assert r.status == status
    body = await r.json()
    if status == 400:
        assert [p["name"] for p in body["invalid_params"]] == [named]
    else:
        assert body["total"] == len(mini_cards())  # no words: the whole catalogue, as for an empty q


async def test_invalid_utf8_and_nul_are_400(client):
    for q in ("%ff%fe", "%ed%a0%80", "a%00b"):
        assert (await check(client, f"/api/v1/search?q={q}")).status == 400


async def test_overlong_query_is_a_problem_not_a_parser_error(client):
    r = await client.get("/api/v1/search?q=" + "x" * 100_000)
    assert r.status == 400 and (await r.json())["invalid_params"][0]["name"] == "q"


async def test_path_traversal_on_ids_and_static(client):
    for path in (
        "/api/v1/services/..%2f..%2fetc%2fpasswd",
        "/api/v1/services/%2e%2e",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static//etc/passwd",
        "/..%2f..%2fetc/passwd",
    ):
        r = await client.get(path)
        assert r.status in (400, 403, 404), path
        assert b"root:" not in await r.read()


async def test_oversized_body_and_wrong_methods(client):
    # The route decides before the body is read: a wrong method is 405 however large the body,
    # and a disabled admin API is absent (404), not a body limit.
    r = await client.post("/api/v1/search", data=b"x" * (2 * 1024 * 1024))
    assert r.status == 405
    r = await client.put("/api/v1/admin/services/x", data=b"x" * (2 * 1024 * 1024))
    assert r.status == 404


async def test_whoosh_syntax_is_never_interpreted(client):
    # A field name, wildcard or fuzzy operator in the text matches nothing more than the words.
    plain = await (await client.get("/api/v1/search", params={"q": "گذرنامه"})).json()
    for q in ("title:گذرنامه", "گذرنامه*", "گذرنامه~", "گذرنامه^9"):
        body = await (await client.get("/api/v1/search", params={"q": q})).json()
        assert body["total"] <= plain["total"] + 1, q
    star = await (await client.get("/api/v1/search", params={"q": "گذ*"})).json()
    assert star["total"] == 0  # no prefix expansion that the text controls


async def test_search_timeout_is_a_503_with_retry_after(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(settings=Settings(index_dir=mini_index, search_timeout=0.001)))
    engine = client.server.app[ENGINE]
    real = engine.search
    engine.search = lambda req: (time.sleep(0.2), real(req))[1]  # a search slower than the limit
    r = await client.get("/api/v1/search", params={"q": "گذرنامه"})
    assert r.status == 503 and r.headers["Retry-After"]
    assert (await r.json())["status"] == 503


async def test_saturated_worker_answers_503_at_once(aiohttp_client, mini_index):
    client = await aiohttp_client(
        create_app(settings=Settings(index_dir=mini_index, max_concurrent=2, search_timeout=5))
    )
    engine = client.server.app[ENGINE]
    real = engine.search
    engine.search = lambda req: (time.sleep(0.5), real(req))[1]
    results = await asyncio.gather(*(client.get("/api/v1/search", params={"q": f"گذرنامه {i}"}) for i in range(6)))
    statuses = sorted(r.status for r in results)
    assert statuses.count(200) == 2 and statuses.count(503) == 4
    assert all(r.headers.get("Retry-After") for r in results if r.status == 503)


def test_idle_connections_do_not_delay_a_search(live_server):
    import json
    import urllib.request

    host, port = urllib.parse.urlsplit(live_server).hostname, urllib.parse.urlsplit(live_server).port
    idle = []
    try:
        for _ in range(300):
            idle.append(socket.create_connection((host, port), timeout=5))
        idle[0].sendall(b"GET /api/v1/se")  # and one slow client that never finishes its request
        started = time.monotonic()
        with urllib.request.urlopen(live_server + "/api/v1/search?q=" + urllib.parse.quote("گذرنامه"), timeout=5) as r:
            assert r.status == 200 and json.load(r)["total"] == 2
        assert time.monotonic() - started < 1.0
    finally:
        for s in idle:
            s.close()


async def test_rate_limit_per_client_with_trusted_proxies(aiohttp_client, mini_index):
    settings = Settings(index_dir=mini_index, rate_limit=2.0, trusted_proxies=("127.0.0.1",))
    client = await aiohttp_client(create_app(settings=settings))
    statuses = [
        (await client.get("/api/v1/clusters", headers={"X-Forwarded-For": "203.0.113.7"})).status for _ in range(8)
    ]
    assert statuses[:4].count(200) >= 3 and 429 in statuses
    r = await client.get("/api/v1/clusters", headers={"X-Forwarded-For": "203.0.113.7"})
    assert r.status == 429 and int(r.headers["Retry-After"]) >= 1
    # Another client behind the same proxy has its own allowance.
    assert (await client.get("/api/v1/clusters", headers={"X-Forwarded-For": "203.0.113.8"})).status == 200
    assert (await client.get("/healthz")).status == 200  # health checks are never limited


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(settings=Settings(index_dir=mini_index, rate_limit=1.0)))
    statuses = [
        (await client.get("/api/v1/clusters", headers={"X-Forwarded-For": f"198.51.100.{i}"})).status for i in range(6)
    ]
    assert 429 in statuses  # a client cannot buy a fresh allowance by inventing addresses


async def test_work_abandoned_by_a_timeout_is_never_started(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(settings=Settings(index_dir=mini_index, threads=1, search_timeout=0.3)))
    engine = client.server.app[ENGINE]
    real, calls = engine.search, []
    engine.search = lambda req: (calls.append(1), time.sleep(0.2), real(req))[2]
    results = await asyncio.gather(*(client.get("/api/v1/search", params={"q": f"گذرنامه {i}"}) for i in range(6)))
    await asyncio.sleep(0.5)  # let the single search thread drain
    assert sorted(r.status for r in results).count(503) >= 4
    assert len(calls) <= 3  # the requests already answered 503 were not searched after all
