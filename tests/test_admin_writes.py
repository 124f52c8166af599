"""Admin writes are exactly as durable, ordered and accountable as a database's (issue 15): one
writer at a time for every write, recorded before published, rollbacks that stay rolled back,
pruning by recorded time, guard rails on bulk writes, storage errors that say what happened."""

import json
import os
import resource
import signal
import threading
import time
import urllib.parse

import pytest
from admin_servers import AUTH, TOKEN, Replica, assert_served_equals_recorded, served_cards
from conftest import HUNTING_CARD, ROOT, mini_cards, ndjson, run_cli, wait_job, write_jsonl

from api.app import Settings, create_app
from indexer import audit, overlay, update, writes
from store import layout

CARD = HUNTING_CARD
NDJSON = {**AUTH, "Content-Type": "application/x-ndjson"}


# -- 1. one writer at a time, rollback included; rollback keeps the overlay ---------------------


def test_puts_racing_rollbacks_on_two_replicas_never_fail_and_serve_what_is_recorded(index):
    one, two = Replica(index), Replica(index)
    statuses, acknowledged = [], []
    try:

        def put_versions():
            for n in range(20):
                card = {**CARD, "description": f"نسخه {n}"}
                status, headers, body = one.request("PUT", f"/api/v1/admin/services/{CARD['id']}", card)
                statuses.append(status)
                if status == 200:
                    acknowledged.append(body["generation"])
                else:
                    assert status == 409 and "Retry-After" in headers, (status, body)

        def rollbacks():
            for _ in range(20):
                status, headers, body = two.request("POST", "/api/v1/admin/rollback")
                statuses.append(status)
                assert status in (200, 409), (status, body)
                if status == 409:
                    assert "Retry-After" in headers or "roll back" in body["detail"], body
                time.sleep(0.01)

        threads = [threading.Thread(target=put_versions), threading.Thread(target=rollbacks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not [s for s in statuses if s >= 500], statuses
        assert acknowledged, "no PUT succeeded"
        assert_served_equals_recorded(index)
        # Every acknowledged write is in the audit log, with the generation it published.
        published = {e["generation_after"] for e in audit.entries(index) if e["action"] == "upsert"}
        assert set(acknowledged) <= published
        # Both replicas end up serving what CURRENT names.
        current = layout.current_name(index)
        deadline = time.monotonic() + 5
        while {r.request("GET", "/readyz")[2]["generation"] for r in (one, two)} != {current}:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        one.stop()
        two.stop()


def test_one_process_rolling_back_and_writing_at_once_never_moves_the_pointer_backwards(index):
    # On one process both used to write the same temporary pointer file.
    errors = []

    def edits():
        for n in range(15):
            try:
                update.upsert(index, {**CARD, "description": f"نسخه {n}"}, actor="a")
            except Exception as e:  # BuildLocked is allowed: the lock said no
                errors.append(type(e).__name__)

    def rollbacks():
        for _ in range(15):
            try:
                writes.rollback(index, "b")
            except Exception as e:
                errors.append(type(e).__name__)

    threads = [threading.Thread(target=edits), threading.Thread(target=rollbacks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(errors) <= {"BuildLocked", "NothingToRollBack"}, errors
    assert not list(index.glob(".CURRENT.*.tmp"))
    assert_served_equals_recorded(index)


async def test_rollback_then_rebuild_keeps_the_rollback(admin):
    index = admin.index
    passport = next(c for c in mini_cards() if c["id"] == "t-passport-renew")
    wrong = {**passport, "title": "عنوان اشتباه"}
    assert (await admin.put("/api/v1/admin/services/t-passport-renew", json=wrong, headers=AUTH)).status == 200
    assert (await admin.delete("/api/v1/admin/services/t-tax-return", headers=AUTH)).status == 200
    # Roll back the deletion, then the wrong edit.
    assert (await admin.post("/api/v1/admin/rollback", headers=AUTH)).status == 200
    assert (await admin.post("/api/v1/admin/rollback", headers=AUTH)).status == 200
    assert overlay.load(index) == {}
    r = await admin.post("/api/v1/admin/reindex", headers=AUTH)
    assert r.status == 202, await r.text()
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"
    cards = served_cards(index)
    assert cards["t-passport-renew"]["title"] == passport["title"]  # the wrong edit is not served again
    assert "t-tax-return" in cards  # the rolled-back delete is not deleted again
    actions = [e["action"] for e in audit.entries(index)]
    assert actions == ["reindex", "upsert", "delete", "rollback", "rollback", "reindex"]  # the first made the index


async def test_roll_forward_and_rollback_to_a_named_generation(admin):
    index = admin.index
    first = layout.current_name(index)
    r = await admin.put(f"/api/v1/admin/services/{CARD['id']}", json=CARD, headers=AUTH)
    edited = (await r.json())["generation"]
    assert (await admin.post("/api/v1/admin/rollforward", headers=AUTH)).status == 409  # nothing rolled back
    r = await admin.post("/api/v1/admin/rollback", headers=AUTH)
    assert (await r.json())["generation"] == first and CARD["id"] not in served_cards(index)
    r = await admin.post("/api/v1/admin/rollforward", headers=AUTH)
    assert r.status == 200 and (await r.json())["generation"] == edited
    assert served_cards(index)[CARD["id"]] == CARD and overlay.load(index) == {CARD["id"]: CARD}
    r = await admin.post("/api/v1/admin/rollback", json={"generation": first}, headers=AUTH)
    assert r.status == 200 and layout.current_name(index) == first
    r = await admin.post("/api/v1/admin/rollback", params={"generation": "000999-20990101T000000Z"}, headers=AUTH)
    assert r.status == 409
    assert (await admin.post("/api/v1/admin/rollback", params={"generation": "../x"}, headers=AUTH)).status == 400
    # The CLI does the same.
    assert run_cli("rollforward", "--index", index).returncode == 0
    assert layout.current_name(index) == edited
    assert run_cli("rollback", "--index", index, "--to", first).returncode == 0
    assert layout.current_name(index) == first


# -- record before publication ------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["crash-after-record", "crash-after-publish"])
def test_a_crash_between_record_and_publication_leaves_served_and_recorded_equal_after_restart(index, fault):
    before = layout.current_name(index)
    replica = Replica(index, env={writes.FAULT_ENV: fault})
    try:
        try:
            status, _, _ = replica.request("PUT", f"/api/v1/admin/services/{CARD['id']}", CARD)
        except OSError:  # the connection dies with the process
            status = None
        assert status is None or status >= 500
        replica.proc.wait(timeout=30)
    finally:
        replica.stop()
    assert writes.pending(index) is not None  # the crash left the record
    replica = Replica(index)  # start-up finishes or discards it
    try:
        assert_served_equals_recorded(index)
        entries = list(audit.entries(index))
        if fault == "crash-after-record":  # not published: discarded, nothing served or recorded
            assert layout.current_name(index) == before and overlay.load(index) == {}
            assert [e["action"] for e in entries] == ["reindex"]  # the build that made the index
            assert replica.search_total("پروانه شکار") == 0
        else:  # published: the record is finished, and a rebuild keeps the change
            assert entries[-1]["recovered"] and entries[-1]["id"] == CARD["id"]
            assert overlay.load(index) == {CARD["id"]: CARD}
            assert replica.search_total("پروانه شکار") == 1
        assert len(layout.list_generations(index)) == (1 if fault == "crash-after-record" else 2)
    finally:
        replica.stop()


async def test_a_disk_error_between_record_and_publication_is_507_and_changes_nothing(admin, monkeypatch):
    before = layout.current_name(admin.index)
    monkeypatch.setenv(writes.FAULT_ENV, "fail-after-record")
    r = await admin.put(f"/api/v1/admin/services/{CARD['id']}", json=CARD, headers=AUTH)
    assert r.status == 507 and r.headers["Retry-After"]
    assert layout.current_name(admin.index) == before and writes.pending(admin.index) is None
    assert [g.name for g in layout.list_generations(admin.index)] == [before]
    assert_served_equals_recorded(admin.index)


# -- 2. pruning by publication time -------------------------------------------------------------


def test_generations_edited_in_quick_succession_keep_their_grace_period(index):
    names = [layout.current_name(index)]
    for n in range(6):
        names.append(update.upsert(index, {**CARD, "description": f"نسخه {n}"}).name)
    # Copies of the generation of the last full build: none inherits its (old) time.
    assert [g.name for g in layout.list_generations(index)] == names
    published = layout.publications(index)
    assert all(published[n]["superseded"] for n in names[1:-1]) and published[names[-1]]["superseded"] is None
    layout.prune(index, keep=3, grace=0)  # past the grace period: only the newest 3 are left
    assert [g.name for g in layout.list_generations(index)] == names[-3:]


def test_a_generation_a_replica_reports_serving_is_never_pruned(index):
    old = layout.current_name(index)
    layout.report_serving(index, "slow-host-1", old)
    for n in range(4):
        update.upsert(index, {**CARD, "description": f"نسخه {n}"})
    layout.prune(index, keep=3, grace=0)
    assert (index / "generations" / old).is_dir()
    layout.withdraw_report(index, "slow-host-1")
    layout.prune(index, keep=3, grace=0)
    assert not (index / "generations" / old).is_dir()


def test_a_running_replica_reports_the_generation_it_serves(index):
    replica = Replica(index)
    try:
        deadline = time.monotonic() + 10
        while layout.current_name(index) not in layout.reported_serving(index):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        replica.stop()
    assert not list((index / "replicas").glob("*.json"))  # withdrawn when it stops


def test_a_replica_paused_during_publications_answers_no_5xx(index, monkeypatch):
    # Grace 0: the paused replica's generation is really removed while it sleeps, by writes made
    # elsewhere (here by this process, as by another host).
    monkeypatch.setenv(layout.GRACE_ENV, "0")
    lagging = Replica(index, "--prune-grace", "0")
    try:
        served = lagging.request("GET", "/readyz")[2]["generation"]
        os.kill(lagging.proc.pid, signal.SIGSTOP)
        try:
            # As if it had been paused for longer than its report of what it serves counts.
            for report in (index / "replicas").glob("*.json"):
                report.unlink()
            for n in range(4):
                update.upsert(index, {**CARD, "fee": str(n)})
            assert not (index / "generations" / served).exists()
        finally:
            os.kill(lagging.proc.pid, signal.SIGCONT)
        results = []

        def search():
            for q in ("گذرنامه", "پروانه شکار", "مالیات"):
                status, _, _ = lagging.request("GET", "/api/v1/search?q=" + urllib.parse.quote(q))
                results.append(status)

        threads = [threading.Thread(target=search) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results and all(s == 200 for s in results), results
    finally:
        lagging.stop()


# -- 3. guard rails -----------------------------------------------------------------------------


async def test_a_rebuild_removing_most_cards_is_refused_unless_forced_and_dry_run_reports_the_diff(admin):
    index = admin.index
    before = layout.current_name(index)
    five = [c for c in mini_cards()][:2] + [CARD, {**mini_cards()[2], "title": "عنوان تازه"}]
    r = await admin.post("/api/v1/admin/reindex", data=ndjson(five), headers=NDJSON)
    assert r.status == 409, await r.text()
    body = await r.json()
    assert body["removed"] == 4 and body["live"] == 7 and "4 of the 7 live cards" in body["detail"]
    assert layout.current_name(index) == before
    r = await admin.post("/api/v1/admin/reindex", params={"dry_run": "true"}, data=ndjson(five), headers=NDJSON)
    assert r.status == 200
    report = await r.json()
    assert report["diff"]["added"] == [CARD["id"]] and report["diff"]["changed"] == [mini_cards()[2]["id"]]
    assert len(report["diff"]["removed"]) == 4 and layout.current_name(index) == before
    # Every schema error of every card, not only the first.
    broken = [{"id": "b1", "title": "\u200c\u200f ", "agency": "", "cluster": "c", "audience": ["aliens"]}, CARD]
    r = await admin.post("/api/v1/admin/reindex", params={"dry_run": "true"}, data=ndjson(broken), headers=NDJSON)
    assert r.status == 200, await r.text()
    fields = sorted(e["field"] for e in (await r.json())["errors"])
    assert fields == ["agency", "audience.0", "title"]
    r = await admin.post("/api/v1/admin/reindex", params={"force": "true"}, data=ndjson(five), headers=NDJSON)
    assert r.status == 202
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"
    assert len(served_cards(index)) == 4
    assert list(audit.entries(index))[-1]["forced"] is True


def test_the_cli_refuses_too_large_a_removal_and_has_a_dry_run(index, tmp_path):
    before = layout.current_name(index)
    few = write_jsonl(tmp_path / "few.jsonl", mini_cards()[:3])
    result = run_cli("index", few, "--index", index)
    assert result.returncode == 1 and "4 of the 7 live cards" in result.stderr and "--force" in result.stderr
    result = run_cli("index", few, "--index", index, "--dry-run")
    assert result.returncode == 0 and "4 removed" in result.stdout and "t-tax-return" in result.stdout
    assert layout.current_name(index) == before
    assert run_cli("index", few, "--index", index, "--force").returncode == 0
    assert len(served_cards(index)) == 3


# -- 6. storage errors --------------------------------------------------------------------------


def _small_disk():  # writes past 16 kB per file fail (the index's Whoosh segment is larger), as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


def test_a_full_disk_answers_507_with_retry_after_and_leaves_no_job_or_upload(index):
    before = layout.current_name(index)
    replica = Replica(index, preexec_fn=_small_disk)
    try:
        status, headers, body = replica.request("PUT", f"/api/v1/admin/services/{CARD['id']}", CARD)
        assert status == 507 and headers["Retry-After"] and "full" in body["detail"], body
        big = b"".join(p.read_bytes() for p in sorted((ROOT / "corpus" / "services").glob("*.jsonl")))
        status, headers, body = replica.request(
            "POST", "/api/v1/admin/reindex", big, content_type="application/x-ndjson"
        )
        assert status == 507 and headers["Retry-After"], body
        assert str(index) not in json.dumps(body)
        for path in (index / "jobs").glob("*.json"):
            assert json.loads(path.read_text())["status"] == "failed"
        assert not list((index / "jobs").glob("*.ndjson"))
        assert replica.search_total("گذرنامه") == 2  # still serving
    finally:
        replica.stop()
    assert layout.current_name(index) == before
    assert_served_equals_recorded(index)


async def test_an_upload_is_removed_when_its_job_ends_however_it_ends(admin):
    r = await admin.post("/api/v1/admin/reindex", data=b"{broken\n", headers=NDJSON)
    job = await wait_job(admin, (await r.json())["job"]["id"])
    assert job["status"] == "failed"
    assert not list((admin.index / "jobs").glob("*.ndjson"))
    # An upload left by a worker killed mid-job is removed by the next job's start.
    orphan = admin.index / "jobs" / "20200101T000000-deadbeef.ndjson"
    orphan.write_bytes(b"x" * 1000)
    r = await admin.post("/api/v1/admin/reindex", data=ndjson(mini_cards()), headers=NDJSON)
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"
    assert not orphan.exists()


# -- 8. clear messages --------------------------------------------------------------------------


async def test_a_409_names_the_write_holding_the_lock_and_says_when_to_retry(admin):
    fd = layout.try_lock(admin.index, "upsert", id="t-birth-cert")
    try:
        t0 = time.monotonic()
        r = await admin.put(f"/api/v1/admin/services/{CARD['id']}", json=CARD, headers=AUTH)
        assert r.status == 409 and r.headers["Retry-After"]
        body = await r.json()
        assert "t-birth-cert" in body["detail"] and "rebuild" not in body["detail"]
        assert body["lock"]["operation"] == "upsert"
        assert time.monotonic() - t0 >= writes.LOCK_WAIT * 0.9  # it waited for the short write first
    finally:
        layout.release(fd)
    fd = layout.try_lock(admin.index, "reindex", job="20260101T000000-abcd")
    try:
        r = await admin.post("/api/v1/admin/rollback", headers=AUTH)
        assert r.status == 409 and r.headers["Retry-After"] and (await r.json())["lock"]["job"]
    finally:
        layout.release(fd)


async def test_no_answer_shows_a_server_path(admin, tmp_path):
    missing = tmp_path / "secret-place" / "cards.jsonl"
    app = create_app(settings=Settings(index_dir=admin.index, admin_token=TOKEN, corpus_path=missing))
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(app)) as client:
        r = await client.post("/api/v1/admin/reindex", headers=AUTH)
        job = await wait_job(client, (await r.json())["job"]["id"])
        listing = await (await client.get("/api/v1/admin/generations", headers=AUTH)).text()
    assert job["status"] == "failed"
    text = json.dumps(job) + listing
    assert "secret-place" not in text and str(admin.index) not in text and str(ROOT) not in text


async def test_put_reports_every_problem_and_invisible_titles_are_invalid(admin):
    for title in ("\x00", "   ", "\u200c", "\u200d\u200c", "\u200f\u202b", "\t\n"):
        r = await admin.put(f"/api/v1/admin/services/{CARD['id']}", json={**CARD, "title": title}, headers=AUTH)
        assert r.status == 400, title
        assert [p["name"] for p in (await r.json())["invalid_params"]] == ["title"]
    bad = {"id": "x1", "audience": ["x"], "popularity": -1}
    r = await admin.put("/api/v1/admin/services/x1", json=bad, headers=AUTH)
    names = [p["name"] for p in (await r.json())["invalid_params"]]
    assert names == ["title", "agency", "cluster", "audience.0", "popularity"]
    # A title with a half-space between letters is of course fine.
    r = await admin.put(f"/api/v1/admin/services/{CARD['id']}", json={**CARD, "title": "می‌خواهم"}, headers=AUTH)
    assert r.status == 200
