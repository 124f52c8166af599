"""`make soak`: minutes of mixed search and suggest load on loopback against `dargah serve
--workers 2`, with a full rebuild through the admin API every minute. Reports requests, errors
(must be 0), latency percentiles and each worker's resident memory over time (must level off:
the last third of the run grows at most 10% + 10 MB over the middle third).

    .venv/bin/python benchmarks/soak.py [--minutes 5] [--threads 8] [--rebuild-every 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN = "soak-" + os.urandom(8).hex()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers(parent: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
    return sorted(int(p) for p in out)


def queries() -> list[str]:
    lines = (ROOT / "corpus" / "judgments" / "queries.tsv").read_text("utf-8").splitlines()[1:]
    return [line.split("\t")[2] for line in lines if line.count("\t") >= 3]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--rebuild-every", type=float, default=60.0)
    args = p.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dargah-soak-"))
    index = work / "index"
    subprocess.run(
        [PY, "-m", "dargah", "index", str(ROOT / "corpus"), "--index", str(index)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "dargah",
            "serve",
            "--index",
            str(index),
            "--port",
            str(port),
            "--workers",
            "2",
            "--corpus",
            str(ROOT / "corpus"),
        ],
        cwd=ROOT,
        env={**os.environ, "DARGAH_ADMIN_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    texts = queries()
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"search": 0, "suggest": 0}
    stop = threading.Event()
    lock = threading.Lock()

    def wait_ready() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("the server did not become ready")

    def load(seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop.is_set():
            q = rnd.choice(texts)
            if rnd.random() < 0.3:
                kind, path = "suggest", "/api/v1/suggest?q=" + urllib.parse.quote(q[: rnd.randint(1, max(1, len(q)))])
            else:
                kind, path = "search", "/api/v1/search?q=" + urllib.parse.quote(q) + f"&page={rnd.randint(1, 2)}"
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    raise RuntimeError(f"{r.status} on {kind}")
            except Exception as e:
                with lock:
                    errors.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                counts[kind] += 1

    def admin(method: str, path: str) -> tuple[int, dict]:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
        r = c.getresponse()
        return r.status, json.loads(r.read())

    memory: list[tuple[float, list[float]]] = []
    rebuilds = []
    try:
        wait_ready()
        threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(args.threads)]
        for t in threads:
            t.start()
        started = time.monotonic()
        next_rebuild = started + args.rebuild_every
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(5)
            memory.append((time.monotonic() - started, [rss_mb(w) for w in workers(server.pid)]))
            if time.monotonic() >= next_rebuild:
                next_rebuild += args.rebuild_every
                status, body = admin("POST", "/api/v1/admin/reindex")
                if status == 409:  # the previous rebuild is still running: that one counts
                    print(f"  {time.monotonic() - started:5.0f}s rebuild still running", flush=True)
                    continue
                rebuilds.append(body["job"]["id"])
                print(f"  {time.monotonic() - started:5.0f}s rebuild {body['job']['id']}", flush=True)
        stop.set()
        for t in threads:
            t.join()
        # Let the last rebuild finish before judging it.
        deadline = time.monotonic() + 300
        while (
            rebuilds
            and time.monotonic() < deadline
            and admin("GET", f"/api/v1/admin/jobs/{rebuilds[-1]}")[1]["status"] in ("queued", "running")
        ):
            time.sleep(1)
        statuses = [admin("GET", f"/api/v1/admin/jobs/{j}")[1]["status"] for j in rebuilds]
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)

    lat = sorted(latencies)

    def pct(f: float) -> float:
        return lat[min(len(lat) - 1, int(len(lat) * f))] * 1000 if lat else float("nan")

    total = sum(counts.values())
    print(
        f"\nsoak: {args.minutes:g} min, {args.threads} client threads, 2 workers, "
        f"a rebuild every {args.rebuild_every:g} s"
    )
    print(
        f"requests {total} ({counts['search']} search, {counts['suggest']} suggest), "
        f"{total / (args.minutes * 60):.0f}/s"
    )
    print(f"errors {len(errors)}" + (f": {errors[:5]}" if errors else ""))
    print(f"latency p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms")
    print(f"rebuilds {len(rebuilds)}: {', '.join(statuses) if rebuilds else '-'}")
    growth_ok = True
    samples = [m for _, m in memory if m]
    if len(samples) >= 3:
        # The first third is the caches filling up (postings, responses, the allocator's pools);
        # levelling off means the last third grows little over the middle one.
        third = len(samples) // 3

        def mean(rows: list) -> list[float]:
            return [statistics.mean(v) for v in zip(*rows, strict=False)]

        first, middle, last = mean(samples[:third]), mean(samples[third : 2 * third]), mean(samples[2 * third :])
        peak = [max(v) for v in zip(*samples, strict=False)]
        print(
            f"worker RSS MB by thirds: {[round(x) for x in first]} → {[round(x) for x in middle]} "
            f"→ {[round(x) for x in last]}, peak {[round(x) for x in peak]}"
        )
        growth_ok = all(b <= a * 1.10 + 10 for a, b in zip(middle, last, strict=False))
        print("memory levels off" if growth_ok else "memory keeps growing")
    ok = not errors and growth_ok and all(s == "succeeded" for s in statuses)
    print("soak: PASS" if ok else "soak: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
