"""Index lifecycle: rebuilds while serving, single-card changes, rollback, crashes, analytics."""

import asyncio
import errno
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import (
    AUTH,
    DARGAH,
    MINI,
    ROOT,
    TOKEN,
    free_port,
    mini_cards,
    ndjson,
    run_cli,
    wait_job,
    wait_ready,
    write_jsonl,
)
from conftest import HUNTING_CARD as NEW_CARD

from api.app import Settings, create_app
from indexer import overlay
from store import layout


async def search_ids(client, q):
    body = await (await client.get("/api/v1/search", params={"q": q})).json()
    return [h["id"] for h in body["hits"]]


async def served(client, q, check, timeout=15.0):
    """The engine looks for a new generation twice a second and then loads it: the search for `q`
    is asked again until `check` holds of its ids, for up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check(ids := await search_ids(client, q)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert check(ids), ids


# -- authorisation ------------------------------------------------------------------------------


async def test_admin_needs_the_right_token(admin, aiohttp_client, index):
    assert (await admin.get("/api/v1/admin/generations")).status == 401
    assert (await admin.get("/api/v1/admin/generations", headers={"Authorization": "Bearer wrong"})).status == 403
    assert (await admin.get("/api/v1/admin/generations", headers={"Authorization": "Basic " + TOKEN})).status == 403
    assert (await admin.get("/api/v1/admin/generations", headers=AUTH)).status == 200
    disabled = await aiohttp_client(create_app(settings=Settings(index_dir=index)))
    r = await disabled.get("/api/v1/admin/generations", headers=AUTH)
    assert r.status == 404
    assert (await disabled.post("/api/v1/admin/reindex", headers=AUTH)).status == 404


# -- rebuilds -----------------------------------------------------------------------------------


async def test_reindex_from_upload_publishes_a_new_generation(admin):
    before = layout.current_name(admin.index)
    cards = mini_cards() + [NEW_CARD]
    r = await admin.post(
        "/api/v1/admin/reindex", data=ndjson(cards), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    assert r.status == 202
    job = (await r.json())["job"]
    assert job["status"] in ("queued", "running")
    done = await wait_job(admin, job["id"])
    assert done["status"] == "succeeded", done
    assert done["progress"] == {"done": len(cards), "total": len(cards)}
    assert done["generation"] != before and layout.current_name(admin.index) == done["generation"]
    await served(admin, "پروانه شکار", lambda ids: ids[:1] == [NEW_CARD["id"]])


async def test_empty_body_rebuilds_from_the_configured_corpus(admin):
    r = await admin.post("/api/v1/admin/reindex", headers=AUTH)
    assert r.status == 202
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"


async def test_invalid_corpus_fails_the_job_and_keeps_serving(admin):
    before = layout.current_name(admin.index)
    cards = [
        mini_cards()[0],
        "{broken",
        {**mini_cards()[1], "audience": ["aliens"]},
        {"id": "no-title", "agency": "a", "cluster": "c"},
    ]
    r = await admin.post(
        "/api/v1/admin/reindex", data=ndjson(cards), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    job = await wait_job(admin, (await r.json())["job"]["id"])
    assert job["status"] == "failed" and job["generation"] is None
    assert [(e["line"], e["field"]) for e in job["errors"]] == [(2, "(line)"), (3, "audience.0"), (4, "title")]
    assert layout.current_name(admin.index) == before
    assert await search_ids(admin, "گذرنامه")


async def test_wrong_content_type_and_oversized_upload(admin, aiohttp_client, index):
    r = await admin.post("/api/v1/admin/reindex", data=b"{}", headers={**AUTH, "Content-Type": "text/plain"})
    assert r.status == 415
    limit = len(ndjson(mini_cards())) + 100
    small = await aiohttp_client(create_app(settings=Settings(index_dir=index, admin_token=TOKEN, max_body=limit)))
    r = await small.post(
        "/api/v1/admin/reindex", data=ndjson(mini_cards() * 5), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    assert r.status == 413
    # The lock was released: a rebuild can start now.
    r = await small.post(
        "/api/v1/admin/reindex", data=ndjson(mini_cards()), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    assert r.status == 202


async def test_a_second_rebuild_while_one_runs_is_409(admin):
    fd = layout.try_lock(admin.index)  # what a running job holds
    try:
        r = await admin.post(
            "/api/v1/admin/reindex", data=ndjson(mini_cards()), headers={**AUTH, "Content-Type": "application/x-ndjson"}
        )
        assert r.status == 409
        r = await admin.put(f"/api/v1/admin/services/{NEW_CARD['id']}", json=NEW_CARD, headers=AUTH)
        assert r.status == 409
    finally:
        os.close(fd)
    r = await admin.post(
        "/api/v1/admin/reindex", data=ndjson(mini_cards()), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    assert r.status == 202
    await wait_job(admin, (await r.json())["job"]["id"])


def feed_pipe(pipe: Path, data: bytes, timeout: float = 60) -> None:
    """Write `data` into a named pipe once its reader has opened it (or fail after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as e:  # ENXIO: nobody has opened it for reading yet
            if e.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    os.set_blocking(fd, True)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BrokenPipeError:
        pass  # the reader gave up; the test's own assertions say why


async def test_a_rebuild_job_holds_the_lock_until_it_ends(aiohttp_client, index, tmp_path):
    # The configured corpus is a named pipe: the job's process holds the build lock and cannot
    # finish until the test writes the cards, so the second request meets a running rebuild.
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(MINI.parent / "best_bets.tsv", folder)
    pipe = folder / "cards.jsonl"
    os.mkfifo(pipe)
    # The answer waits for the job's check only briefly: this job cannot be checked before the pipe is fed.
    settings = Settings(index_dir=index, admin_token=TOKEN, corpus_path=pipe, check_wait=0.2)
    client = await aiohttp_client(create_app(settings=settings))
    first = await client.post("/api/v1/admin/reindex", headers=AUTH)
    assert first.status == 202
    try:
        second = await client.post(
            "/api/v1/admin/reindex", data=ndjson(mini_cards()), headers={**AUTH, "Content-Type": "application/x-ndjson"}
        )
        assert second.status == 409
        assert (await second.json())["detail"] == "a rebuild is already running"
    finally:
        await asyncio.to_thread(feed_pipe, pipe, ndjson(mini_cards()))
    job = await wait_job(client, (await first.json())["job"]["id"])
    assert job["status"] == "succeeded", job


# -- single cards, overlay, rollback ------------------------------------------------------------


async def test_upsert_and_delete_and_the_overlay_rule(admin):
    r = await admin.put(f"/api/v1/admin/services/{NEW_CARD['id']}", json=NEW_CARD, headers=AUTH)
    assert r.status == 200, await r.text()
    await served(admin, "پروانه شکار", lambda ids: ids[:1] == [NEW_CARD["id"]])
    r = await admin.delete("/api/v1/admin/services/t-passport-issue", headers=AUTH)
    assert r.status == 200
    await served(admin, "صدور گذرنامه", lambda ids: "t-passport-issue" not in ids)
    assert (await admin.delete("/api/v1/admin/services/never-was", headers=AUTH)).status == 404
    # A full rebuild from the configured corpus keeps both changes …
    r = await admin.post("/api/v1/admin/reindex", headers=AUTH)
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"
    await asyncio.sleep(1.1)  # the new generation is served (it must still have both changes)
    await served(admin, "پروانه شکار", lambda ids: ids[:1] == [NEW_CARD["id"]])
    assert "t-passport-issue" not in await search_ids(admin, "صدور گذرنامه")
    # … until the corpus itself carries them: then the overlay forgets them.
    cards = [c for c in mini_cards() if c["id"] != "t-passport-issue"] + [NEW_CARD]
    r = await admin.post(
        "/api/v1/admin/reindex", data=ndjson(cards), headers={**AUTH, "Content-Type": "application/x-ndjson"}
    )
    assert (await wait_job(admin, (await r.json())["job"]["id"]))["status"] == "succeeded"
    assert overlay.load(admin.index) == {}


async def test_put_validates_the_card(admin):
    r = await admin.put("/api/v1/admin/services/x1", json={"id": "x1", "agency": "a", "cluster": "c"}, headers=AUTH)
    assert r.status == 400 and (await r.json())["invalid_params"][0]["name"] == "title"
    r = await admin.put("/api/v1/admin/services/x1", json={**NEW_CARD, "id": "other"}, headers=AUTH)
    assert r.status == 400
    r = await admin.put("/api/v1/admin/services/x1", data=b"{not json", headers=AUTH)
    assert r.status == 400


async def test_a_single_card_change_with_no_generation_to_change_is_503(admin):
    # The serving worker still answers from the generation it opened; only the change is refused.
    current = layout.current(admin.index)
    (current.path / "shown.jsonl").unlink()  # damaged
    r = await admin.put(f"/api/v1/admin/services/{NEW_CARD['id']}", json=NEW_CARD, headers=AUTH)
    assert r.status == 503 and "damaged" in (await r.json())["detail"]
    (admin.index / "CURRENT").unlink()  # nothing published
    r = await admin.put(f"/api/v1/admin/services/{NEW_CARD['id']}", json=NEW_CARD, headers=AUTH)
    assert r.status == 503 and (await r.json())["detail"] == "no index to update"
    assert (await admin.get("/api/v1/search", params={"q": "گذرنامه"})).status == 200
    assert layout.list_generations(admin.index) == [current]


async def test_generations_and_rollback(admin):
    await admin.put(f"/api/v1/admin/services/{NEW_CARD['id']}", json=NEW_CARD, headers=AUTH)
    listing = await (await admin.get("/api/v1/admin/generations", headers=AUTH)).json()
    assert len(listing["generations"]) == 2 and listing["generations"][-1]["current"]
    first = listing["generations"][0]["name"]
    r = await admin.post("/api/v1/admin/rollback", headers=AUTH)
    assert r.status == 200 and (await r.json())["generation"] == first
    await served(admin, "پروانه شکار", lambda ids: NEW_CARD["id"] not in ids)
    assert (await admin.post("/api/v1/admin/rollback", headers=AUTH)).status == 409  # nothing older


def test_cli_generations_and_rollback(index):
    build_mini = run_cli("index", MINI, "--index", index)
    assert build_mini.returncode == 0
    listed = run_cli("generations", "--index", index)
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("*")
    assert run_cli("rollback", "--index", index).returncode == 0
    assert run_cli("generations", "--index", index).stdout.splitlines()[0].startswith("*")


async def test_analytics_counts_top_and_zero_queries(admin):
    for q in ("گذرنامه", "گذرنامه", "گذرنامه", "مالیات", "قورمه سبزی"):
        await admin.get("/api/v1/search", params={"q": q})
    await admin.get("/api/v1/search", params={"q": "گذرنامه", "page": "2", "size": "1"})  # not a new query
    top = await (
        await admin.get("/api/v1/admin/analytics/queries", params={"kind": "top", "days": "7"}, headers=AUTH)
    ).json()
    assert top["queries"][0] == {"query": "گذرنامه", "count": 3}
    zero = await (await admin.get("/api/v1/admin/analytics/queries", params={"kind": "zero"}, headers=AUTH)).json()
    assert zero["queries"] == [{"query": "قورمه سبزی", "count": 1}]
    # No addresses or other personal data are stored: only day, query, zero flag and count.
    import sqlite3

    db = next((admin.index.parent / "analytics").glob("*.sqlite"))
    columns = [r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(queries)")]
    assert columns == ["day", "query", "zero", "count"]


# -- real multi-worker servers ------------------------------------------------------------------


class Server:
    def __init__(self, index: Path, workers: int = 2, env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                *DARGAH,
                "serve",
                "--index",
                str(index),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--corpus",
                str(MINI),
            ],
            cwd=ROOT,
            env={**os.environ, "DARGAH_ADMIN_TOKEN": TOKEN, **(env or {})},
        )
        wait_ready(self.base + "/readyz")

    def get(self, path, params=None, headers=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        req = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(req, timeout=10) as r:  # a new connection each time: any worker
            return r.status, json.load(r)

    def send(self, method, path, data=None, content_type="application/json"):
        req = urllib.request.Request(
            self.base + path, data=data, method=method, headers={**AUTH, "Content-Type": content_type}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=30) == 0


def test_rebuild_under_load_with_two_workers_fails_no_request(index, bundled_index):
    server = Server(index)
    failures, done, count = [], threading.Event(), [0]

    def load():
        queries = ["گذرنامه", "تمدید گواهینامه", "مالیات", "کارت ملی", "gozarnameh"]
        while not done.is_set():
            try:
                status, body = server.get("/api/v1/search", {"q": queries[count[0] % len(queries)]})
                if status != 200 or "hits" not in body:
                    failures.append(status)
            except Exception as e:
                failures.append(repr(e))
            count[0] += 1
            done.wait(0.01)  # steady load that leaves the build some CPU on a two-core machine

    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        # Rebuild with part of the bundled catalogue: a build that takes a while under load (it
        # replaces every card of the small index, so it is forced past the guard rail).
        cards = b"".join(p.read_bytes() for p in sorted((ROOT / "corpus" / "services").glob("*.jsonl"))[:10])
        status, body = server.send("POST", "/api/v1/admin/reindex?force=true", cards, "application/x-ndjson")
        assert status == 202
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            _, job = server.get(f"/api/v1/admin/jobs/{body['job']['id']}", headers=AUTH)
            if job["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.2)
        assert job["status"] == "succeeded", job
        published = time.monotonic()
        # Every worker switches within 2 seconds.
        while True:
            seen = {server.get("/readyz")[1]["generation"] for _ in range(12)}
            if seen == {job["generation"]}:
                break
            assert time.monotonic() - published < 2.0, seen
            time.sleep(0.05)
    finally:
        done.set()
        for t in threads:
            t.join()
        server.stop()
    assert count[0] > 50
    assert failures == []


def wait_until_every_worker_finds(server, expected: int, within: float = 2.0) -> None:
    """12 requests on new connections (so on any worker) in a row all see `expected` hits."""
    changed = time.monotonic()
    while True:
        found = [server.get("/api/v1/search", {"q": "پروانه شکار"})[1]["total"] for _ in range(12)]
        if all(n == expected for n in found):
            return
        assert time.monotonic() - changed < within, found
        time.sleep(0.05)


def test_single_card_changes_reach_every_worker_within_two_seconds(index):
    server = Server(index)
    try:
        status, _ = server.send("PUT", f"/api/v1/admin/services/{NEW_CARD['id']}", json.dumps(NEW_CARD).encode())
        assert status == 200
        wait_until_every_worker_finds(server, 1)
        status, _ = server.send("DELETE", f"/api/v1/admin/services/{NEW_CARD['id']}")
        assert status == 200
        wait_until_every_worker_finds(server, 0)
    finally:
        server.stop()


def test_kill_during_a_build_leaves_a_working_index_and_start_cleans_up(index):
    before = layout.current_name(index)
    big = write_jsonl(index.parent / "big.jsonl", [])
    big.write_bytes(b"".join(p.read_bytes() for p in sorted((ROOT / "corpus" / "services").glob("*.jsonl"))))
    proc = subprocess.Popen(
        [*DARGAH, "index", str(big), "--index", str(index), "--force"], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list((index / "generations").glob(".building-*")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)
    proc.kill()
    proc.wait()
    assert list((index / "generations").glob(".building-*"))  # the crash left a partial build
    assert layout.current_name(index) == before
    server = Server(index, workers=1)
    try:
        assert server.get("/api/v1/search", {"q": "گذرنامه"})[1]["total"] == 2
        assert not list((index / "generations").glob(".building-*"))
    finally:
        server.stop()


def test_old_generations_are_pruned_only_after_a_grace_period(index):
    for _ in range(4):
        assert run_cli("index", MINI, "--index", index).returncode == 0
    names = [g.name for g in layout.list_generations(index)]
    assert len(names) == 5  # the newest 3 are kept, but the older ones were superseded moments ago
    layout.prune(index, keep=3, grace=0)
    assert [g.name for g in layout.list_generations(index)] == names[-3:]
    assert layout.current_name(index) == names[-1]
