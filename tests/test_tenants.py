"""Agencies as tenants: each token writes only its agencies' cards; only central tokens rebuild,
roll back and read analytics, jobs and the audit log. Tokens are kept hashed."""

import json

import pytest
from conftest import MINI, mini_cards, run_cli

from api import tokens
from api.app import Settings, create_app
from indexer import audit

NOCR = "سازمان ثبت احوال کشور"
POLICE = "پلیس مهاجرت و گذرنامه فراجا"


@pytest.fixture
def token_file(tmp_path):
    """A TOML file made by the CLI: an agency token, a two-agency one and a central one."""
    path = tmp_path / "tokens.toml"
    made = {}
    for name, args in (
        ("nocr", ["--agency", NOCR]),
        ("two", ["--agency", NOCR, "--agency", POLICE]),
        ("hq", ["--central"]),
    ):
        result = run_cli("token", "create", "--name", name, *args, "--file", path)
        assert result.returncode == 0, result.stderr
        made[name] = result.stdout.strip()
    return path, made


@pytest.fixture
async def client(aiohttp_client, index, token_file, tmp_path):
    path, made = token_file
    settings = Settings(
        index_dir=index, admin_tokens=tokens.load(path), corpus_path=MINI, analytics_dir=tmp_path / "analytics"
    )
    c = await aiohttp_client(create_app(settings=settings))
    c.tokens, c.index = made, index
    return c


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def card(card_id):
    return next(c for c in mini_cards() if c["id"] == card_id)


def test_the_file_keeps_only_hashes_and_the_token_is_printed_once(token_file):
    path, made = token_file
    text = path.read_text("utf-8")
    assert all(token not in text for token in made.values())
    entries = tokens.load(path)
    assert [e.name for e in entries] == ["nocr", "two", "hq"]
    assert entries[0].agencies == {NOCR} and entries[2].agencies is None
    assert tokens.identify(made["nocr"], entries, None).name == "nocr"
    assert tokens.identify("dgh_wrong", entries, None) is None
    # A second token of the same name is refused; a JSON file works the same way.
    assert run_cli("token", "create", "--name", "nocr", "--agency", NOCR, "--file", path).returncode == 1
    json_file = path.with_suffix(".json")
    result = run_cli("token", "create", "--name", "hq", "--central", "--file", json_file)
    assert result.returncode == 0 and json.loads(json_file.read_text())["tokens"][0]["agencies"] == "*"


async def test_an_agency_token_cannot_edit_another_agencys_card(client):
    nocr = auth(client.tokens["nocr"])
    birth = {**card("t-birth-cert"), "fee": "رایگان"}
    assert (await client.put("/api/v1/admin/services/t-birth-cert", json=birth, headers=nocr)).status == 200
    # Another agency's card: neither edited, nor taken over, nor deleted.
    passport = {**card("t-passport-renew"), "fee": "۱"}
    r = await client.put("/api/v1/admin/services/t-passport-renew", json=passport, headers=nocr)
    assert r.status == 403 and r.headers["Content-Type"].startswith("application/problem+json")
    taken = {**card("t-passport-renew"), "agency": NOCR}
    assert (await client.put("/api/v1/admin/services/t-passport-renew", json=taken, headers=nocr)).status == 403
    assert (await client.delete("/api/v1/admin/services/t-passport-renew", headers=nocr)).status == 403
    # The two-agency token may write both.
    two = auth(client.tokens["two"])
    assert (await client.put("/api/v1/admin/services/t-passport-renew", json=passport, headers=two)).status == 200
    actors = [(e["actor"], e["id"]) for e in audit.entries(client.index) if e["action"] == "upsert"]
    assert actors == [("nocr", "t-birth-cert"), ("two", "t-passport-renew")]


async def test_only_a_central_token_rebuilds_rolls_back_and_reads_analytics_and_audit(client):
    nocr, hq = auth(client.tokens["nocr"]), auth(client.tokens["hq"])
    central_only = [
        ("POST", "/api/v1/admin/reindex"),
        ("POST", "/api/v1/admin/rollback"),
        ("POST", "/api/v1/admin/rollforward"),
        ("GET", "/api/v1/admin/analytics/queries"),
        ("GET", "/api/v1/admin/audit"),
        ("GET", "/api/v1/admin/jobs/20260101T000000-abcd"),
    ]
    for method, path in central_only:
        r = await client.request(method, path, headers=nocr)
        assert r.status == 403, path
        assert "central" in (await r.json())["detail"]
    assert (await client.get("/api/v1/admin/analytics/queries", headers=hq)).status == 200
    assert (await client.get("/api/v1/admin/audit", headers=hq)).status == 200
    assert (await client.get("/api/v1/admin/generations", headers=nocr)).status == 200
    assert (await client.get("/api/v1/admin/generations", headers=auth("dgh_forged"))).status == 403


async def test_the_single_central_token_of_a_small_install_still_works(aiohttp_client, index):
    app = create_app(settings=Settings(index_dir=index, admin_token="small-install-token"))
    c = await aiohttp_client(app)
    r = await c.put(
        "/api/v1/admin/services/t-tax-return", json=card("t-tax-return"), headers=auth("small-install-token")
    )
    assert r.status == 200
    assert (await c.get("/api/v1/admin/audit", headers=auth("small-install-token"))).status == 200
    assert list(audit.entries(index))[-1]["actor"] == "admin"


def test_serve_refuses_a_broken_token_file(tmp_path, index):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[tokens]]\nname = "x"\nsha256 = "not-hex"\nagencies = ["a"]\n', "utf-8")
    result = run_cli("serve", "--index", index, "--admin-tokens", bad, "--port", "1")
    assert result.returncode == 1 and "sha256" in result.stderr
