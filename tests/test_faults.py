"""Faults: graceful shutdown, dead workers, damaged generations, a full disk during a build."""

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import DARGAH, ROOT, free_port, wait_ready

from store import layout


def start(index: Path, *extra, env=None):
    port = free_port()
    proc = subprocess.Popen(
        [*DARGAH, "serve", "--index", str(index), "--port", str(port), *extra],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(base + "/readyz")
    return proc, base


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.status, json.load(r)


def search_total(base, q="گذرنامه"):
    return get(base, "/api/v1/search?q=" + urllib.parse.quote(q))[1]["total"]


def test_sigterm_drains_requests_in_flight_and_exits_cleanly(tmp_path, mini_index):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    proc, base = start(index)
    port = int(base.rsplit(":", 1)[1])
    try:
        # Searches sent at once (50 highlighted hits each is real work) …
        sockets = []
        for i in range(10):
            s = socket.create_connection(("127.0.0.1", port))
            q = urllib.parse.quote(f"صدور {i}")
            s.sendall(f"GET /api/v1/search?q={q}&size=50 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            sockets.append(s)
        time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)  # … while they are being answered
        answers = []
        for s in sockets:
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            s.close()
            answers.append(data)
        assert all(a.startswith(b"HTTP/1.1 200") for a in answers), [
            a[:60] for a in answers if not a.startswith(b"HTTP/1.1 200")
        ]
        assert all(json.loads(a.split(b"\r\n\r\n", 1)[1])["hits"] is not None for a in answers)
        assert proc.wait(timeout=30) == 0
        with __import__("pytest").raises(OSError):  # and nothing listens any more
            socket.create_connection(("127.0.0.1", port), timeout=1)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_killed_worker_is_replaced_and_the_others_keep_serving(tmp_path, mini_index):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    proc, base = start(index, "--workers", "2")
    try:

        def children() -> set[str]:
            return set(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split())

        before = children()
        assert len(before) == 2
        victim = sorted(before)[0]
        os.kill(int(victim), signal.SIGKILL)
        killed = time.monotonic()
        failures, served = 0, 0
        deadline = killed + 20
        while time.monotonic() < deadline:
            try:
                assert search_total(base) == 2
                served += 1
            except Exception:
                # A connection the kernel had already queued for the killed worker is reset
                # with it: only the moment of the kill may cost a request (nginx retries it).
                if time.monotonic() - killed > 0.5:
                    failures += 1
            now = children()
            # Keep asking until the replacement is up and a run of answers has come after the kill:
            # the replacement can be quicker than the first request, and that is no proof of service.
            if len(now) == 2 and victim not in now and served >= 10:
                break
            time.sleep(0.05)
        assert len(children()) == 2 and victim not in children()
        assert failures == 0 and served >= 10
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _damage(gen_dir: Path) -> None:
    for f in (gen_dir / "whoosh").iterdir():
        if f.suffix in (".seg", ".toc") or f.name.endswith(".trm") or f.stat().st_size > 0:
            f.write_bytes(f.read_bytes()[: max(0, f.stat().st_size // 3)])


def test_a_damaged_generation_never_replaces_a_good_one(tmp_path, mini_index):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    proc, base = start(index)
    try:
        good = get(base, "/readyz")[1]["generation"]
        # Publish a truncated copy as if it were new.
        bad_name = "999999-20300101T000000Z"
        shutil.copytree(index / "generations" / good, index / "generations" / bad_name)
        _damage(index / "generations" / bad_name)
        layout.switch(index, bad_name)
        time.sleep(2)
        assert get(base, "/readyz")[1]["generation"] == good
        assert search_total(base) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    # Started on the damaged generation, the server serves the last good one.
    proc, base = start(index)
    try:
        assert get(base, "/readyz")[1]["generation"] == good
        assert search_total(base) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_full_disk_fails_the_build_not_the_server(tmp_path, mini_index):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    before = layout.current_name(index)
    proc, base = start(index)
    try:

        def small_disk():  # the build process may write at most 64 kB per file: writes past it fail
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        corpus = b"".join(p.read_bytes() for p in sorted((ROOT / "corpus" / "services").glob("*.jsonl")))
        big = tmp_path / "big.jsonl"
        big.write_bytes(corpus)
        result = subprocess.run(
            [*DARGAH, "index", str(big), "--index", str(index), "--force"],  # replaces every card: forced
            cwd=ROOT,
            capture_output=True,
            text=True,
            preexec_fn=small_disk,
            timeout=300,
        )
        assert result.returncode == 1
        assert "build failed, the serving index is untouched" in result.stderr
        assert layout.current_name(index) == before
        assert not list((index / "generations").glob(".building-*"))
        assert search_total(base) == 2 and get(base, "/healthz")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
