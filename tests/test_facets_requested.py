"""A client asks for the facets it shows (`facets=cluster,agency`): the answer lists those and
only those, counted exactly as when every facet is listed, while filters keep working whatever
is listed; an unknown name is a 400 naming it, in Persian for a Persian reader."""

import itertools

import pytest

from api.app import create_app
from search import SearchRequest
from search.facets import FACETS

POLICE = "پلیس مهاجرت و گذرنامه فراجا"
PASSPORT_CLUSTER = "گذرنامه و سفر"


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def search(client, params, status=200, **kw):
    r = await client.get("/api/v1/search", params=params, **kw)
    assert r.status == status, (params, await r.text())
    return r, await r.json()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "گذرنامه"},
        {"agency": POLICE},
        [("q", "گواهینامه"), ("audience", "citizen"), ("channel", "web")],
    ],
)
async def test_the_facets_asked_for_are_listed_as_in_the_full_answer(client, params):
    params = list(params.items()) if isinstance(params, dict) else params
    _, full = await search(client, params)
    assert list(full["facets"]) == list(FACETS)  # without `facets`, every facet as before
    _, cluster = await search(client, params + [("facets", "cluster")])
    assert cluster["facets"] == {"cluster": full["facets"]["cluster"]}
    _, two = await search(client, params + [("facets", "agency,channel")])
    assert two["facets"] == {f: full["facets"][f] for f in ("agency", "channel")}
    _, none = await search(client, params + [("facets", "")])
    assert none["facets"] == {}
    # Only the facets change: the same hits, total and pages.
    for answer in (cluster, two, none):
        assert {k: v for k, v in answer.items() if k not in ("facets", "took_ms")} == {
            k: v for k, v in full.items() if k not in ("facets", "took_ms")
        }


async def test_the_order_of_the_names_does_not_matter(client):
    _, one = await search(client, {"q": "گذرنامه", "facets": "agency,cluster"})
    _, other = await search(client, {"q": "گذرنامه", "facets": "cluster,agency,cluster"})
    assert list(one["facets"]) == list(other["facets"]) == ["cluster", "agency"]
    assert one["facets"] == other["facets"]


async def test_a_filter_works_when_its_facet_is_not_listed(client):
    _, full = await search(client, {"agency": POLICE})
    _, only_cluster = await search(client, {"agency": POLICE, "facets": "cluster"})
    assert {h["agency"] for h in only_cluster["hits"]} == {POLICE}
    assert only_cluster["total"] == full["total"] > 0
    # The listed facet applies the filter of the one not listed.
    assert only_cluster["facets"]["cluster"] == full["facets"]["cluster"]
    assert {v["value"] for v in only_cluster["facets"]["cluster"]} == {PASSPORT_CLUSTER}
    _, nothing = await search(client, {"agency": POLICE, "facets": ""})
    assert nothing["total"] == full["total"] and nothing["facets"] == {}


@pytest.mark.parametrize(
    "value,bad",
    [
        ("clusters", "clusters"),
        ("cluster,ministry", "ministry"),
        ("cluster,", ""),
        ("cluster, agency", " agency"),
        ("\x00", "\x00"),
    ],
)
async def test_an_unknown_facet_is_a_400_naming_it(client, value, bad):
    r, body = await search(client, {"facets": value}, status=400)
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert body["invalid_params"][0]["name"] == "facets"
    assert repr(bad) in body["detail"]
    r, body = await search(client, {"facets": value}, status=400, headers={"Accept-Language": "fa"})
    assert r.headers["Content-Language"] == "fa"
    assert f"«{bad}» را نمی‌شناسیم" in body["detail"] and "«facets»" in body["detail"]
    assert "را نمی‌شناسیم" in body["invalid_params"][0]["reason"]


async def test_undecodable_facet_names_are_a_400(client):
    for raw in ("%ED%A0%80", "%FF", "cluster%2C%FF"):
        r = await client.get(f"/api/v1/search?facets={raw}")
        assert r.status == 400 and (await r.json())["invalid_params"][0]["name"] == "facets"


async def test_the_facets_are_named_once(client):
    _, body = await search(client, [("facets", "cluster"), ("facets", "agency")], status=400)
    assert body["invalid_params"][0]["name"] == "facets"


async def test_answers_for_other_facets_are_cached_and_tagged_apart(client):
    first, full = await search(client, {"q": "گذرنامه"})
    second, cluster = await search(client, {"q": "گذرنامه", "facets": "cluster"})
    again, full_again = await search(client, {"q": "گذرنامه"})
    assert list(cluster["facets"]) == ["cluster"] and list(full_again["facets"]) == list(full["facets"]) == list(FACETS)
    assert first.headers["ETag"] != second.headers["ETag"]
    assert again.headers["ETag"] == first.headers["ETag"]
    r = await client.get(
        "/api/v1/search", params={"q": "گذرنامه", "facets": "cluster"}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert r.status == 200 and list((await r.json())["facets"]) == ["cluster"]


def test_every_choice_of_facets_counts_as_all_of_them_do(mini_engine):
    """In the engine: each facet of any subset asked for is listed exactly as with all five, with
    and without filters (a facet counted alone or with others sharing its set of cards)."""
    for filters in ({}, {"agency": [POLICE]}, {"audience": ["citizen"], "cluster": [PASSPORT_CLUSTER]}):
        full = mini_engine.search(SearchRequest(filters=filters)).facets
        for n in range(len(FACETS) + 1):
            for chosen in itertools.combinations(FACETS, n):
                got = mini_engine.search(SearchRequest(filters=filters, facets=chosen)).facets
                assert got == {f: full[f] for f in chosen}, (filters, chosen)
