"""The audit trail: every write, with its actor, the generations before and after and the fields
a card write changed; listed by the API (filtered) and by `dargah audit`; a card's history."""

import json
import shutil

from conftest import AUTH, MINI, mini_cards, run_cli

from store import layout


async def test_every_write_appears_in_the_audit_log_with_its_actor(admin):
    tax = next(c for c in mini_cards() if c["id"] == "t-tax-return")
    g0 = layout.current_name(admin.index)
    r = await admin.put("/api/v1/admin/services/t-tax-return", json={**tax, "fee": "رایگان"}, headers=AUTH)
    g1 = (await r.json())["generation"]
    r = await admin.delete("/api/v1/admin/services/t-birth-cert", headers=AUTH)
    g2 = (await r.json())["generation"]
    await admin.post("/api/v1/admin/rollback", headers=AUTH)
    await admin.post("/api/v1/admin/rollforward", headers=AUTH)
    entries = (await (await admin.get("/api/v1/admin/audit", headers=AUTH)).json())["entries"]
    writes = entries[1:]  # the first made the index
    assert [(e["action"], e.get("id")) for e in writes] == [
        ("upsert", "t-tax-return"),
        ("delete", "t-birth-cert"),
        ("rollback", None),
        ("rollforward", None),
    ]
    assert all(e["actor"] == "admin" and e["time"].endswith("Z") for e in writes)
    assert [(e["generation_before"], e["generation_after"]) for e in writes] == [(g0, g1), (g1, g2), (g2, g1), (g1, g2)]
    assert writes[0]["changed"] == ["fee"] and writes[0]["card"]["fee"] == "رایگان"
    # Filters: by card, by actor, by time.
    r = await admin.get("/api/v1/admin/audit", params={"id": "t-birth-cert"}, headers=AUTH)
    assert [e["action"] for e in (await r.json())["entries"]] == ["delete"]
    r = await admin.get("/api/v1/admin/audit", params={"actor": "someone-else"}, headers=AUTH)
    assert (await r.json())["entries"] == []
    r = await admin.get("/api/v1/admin/audit", params={"since": "2999-01-01"}, headers=AUTH)
    assert (await r.json())["entries"] == []
    assert (await admin.get("/api/v1/admin/audit", params={"since": "yesterday"}, headers=AUTH)).status == 400


async def test_a_cards_history_shows_each_version(admin):
    tax = next(c for c in mini_cards() if c["id"] == "t-tax-return")
    for fee in ("۱۰۰", "۲۰۰"):
        await admin.put("/api/v1/admin/services/t-tax-return", json={**tax, "fee": fee}, headers=AUTH)
    await admin.delete("/api/v1/admin/services/t-tax-return", headers=AUTH)
    body = await (await admin.get("/api/v1/admin/services/t-tax-return/history", headers=AUTH)).json()
    versions = body["versions"]
    assert [v["action"] for v in versions] == ["upsert", "upsert", "delete"]
    assert [v["card"] and v["card"]["fee"] for v in versions] == ["۱۰۰", "۲۰۰", None]


def test_the_cli_prints_the_audit_log(tmp_path, mini_index):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    assert run_cli("index", MINI, "--index", index).returncode == 0
    assert run_cli("rollback", "--index", index).returncode == 0
    out = run_cli("audit", "--index", index).stdout.splitlines()
    assert len(out) == 3 and "reindex" in out[1] and "rollback" in out[2]
    rows = [json.loads(line) for line in run_cli("audit", "--index", index, "--json").stdout.splitlines()]
    assert rows[-1]["action"] == "rollback" and rows[-1]["generation_after"] == layout.current_name(index)
