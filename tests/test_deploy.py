"""Serving past one machine: replicas behind nginx on one shared index directory.

The shipped `deploy/nginx.conf`, rendered by `deploy/render_nginx.py --standalone` for free loopback
ports and a temporary prefix, runs as a non-daemon child of the test in front of two real
`dargah serve` replicas that share one index directory. Search load goes through nginx from a few
threads for the whole test; a card change published through one replica must reach both within
2 s, and one replica is killed (SIGKILL to its whole process group) and restarted, with not one
failed request seen by the clients. Two small upstreams written here (an echo and a server that
drops connections) check what nginx sends upstream and that a POST is never sent twice.

nginx comes from Debian (`apt-get install nginx`); the tests are skipped, saying so, only when it
is neither installed nor installable.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import DARGAH, ROOT, free_port
from conftest import HUNTING_CARD as NEW_CARD

DEPLOY = ROOT / "deploy"
RENDER = DEPLOY / "render_nginx.py"
TOKEN = "deploy-test-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOAD_QUERIES = ["گذرنامه", "تمدید گواهینامه", "مالیات", "کارت ملی", "gozarnameh", "گواهي نامه"]
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<uri>\S+) [^"]*" (?P<status>\d{3}) .*?'
    r'cache=(?P<cache>\S+) upstream="(?P<upstream>[^"]*)" ustatus="(?P<ustatus>[^"]*)"'
)


# -- nginx ---------------------------------------------------------------------------------------


def _find_nginx() -> str | None:
    candidates = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
    return shutil.which("nginx") or next((p for p in candidates if os.access(p, os.X_OK)), None)


@pytest.fixture(scope="module")
def nginx_bin() -> str:
    found = _find_nginx()
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        try:
            subprocess.run(
                "apt-get update -qq && apt-get install -y -qq nginx",
                shell=True,
                capture_output=True,
                timeout=600,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
        except (OSError, subprocess.TimeoutExpired):
            pass
        found = _find_nginx()
    if found is None:
        pytest.skip("nginx is not installed and could not be installed (apt-get install nginx)")
    return found


def render(*args) -> str:
    done = subprocess.run([sys.executable, str(RENDER), *map(str, args)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Nginx:
    """The shipped configuration, rendered standalone into PREFIX, running in the foreground."""

    def __init__(self, binary: str, prefix: Path, upstreams: list[int]):
        self.prefix = prefix
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.conf = prefix / "nginx.conf"
        self.access_log = prefix / "logs" / "dargah.access.log"
        prefix.mkdir(parents=True, exist_ok=True)
        render(
            "--standalone",
            prefix,
            "--listen",
            f"127.0.0.1:{self.port}",
            *[a for port in upstreams for a in ("--upstream", f"127.0.0.1:{port}")],
            "-o",
            self.conf,
        )
        checked = subprocess.run(
            [binary, "-t", "-p", str(prefix), "-c", str(self.conf)], capture_output=True, text=True, timeout=30
        )
        assert checked.returncode == 0, checked.stderr
        # Open for nginx's whole life, closed in stop(): no `with` block spans that.
        self.out = open(prefix / "nginx.out", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while True:
            assert self.proc.poll() is None, (prefix / "nginx.out").read_text(errors="replace")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)

    def log(self) -> list[re.Match]:
        if not self.access_log.exists():
            return []
        return [m for m in map(LOG_LINE.search, self.access_log.read_text("utf-8", errors="replace").splitlines()) if m]

    def stop(self) -> None:
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)  # fast shutdown: the master ends its workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(self.proc.pid, signal.SIGKILL)  # whatever is left (nothing, normally)
        if self.proc.poll() is None:
            self.proc.wait(10)
        self.out.close()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# -- HTTP helpers ---------------------------------------------------------------------------------


def request(url: str, method: str = "GET", headers: dict | None = None, data: bytes | None = None, timeout: float = 20):
    """(status, headers, raw body) on a new connection; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def search_url(base: str, **params) -> str:
    return f"{base}/api/v1/search?" + urllib.parse.urlencode(params)


# -- replicas -------------------------------------------------------------------------------------


class Replica:
    """`dargah serve` in its own process group (so the whole replica can be killed at once)."""

    def __init__(self, index: Path, port: int, workers: int, log: Path):
        self.index, self.port, self.workers, self.log_path = index, port, workers, log
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        # Open for the replica's whole life, closed in stop() or a restart: no `with` block spans that.
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*DARGAH, "serve", "--index", str(self.index), "--port", str(self.port), "--workers", str(self.workers)],
            cwd=ROOT,
            env={**os.environ, "DARGAH_ADMIN_TOKEN": TOKEN},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log_path.read_text(errors="replace")[-2000:]
                pytest.fail(f"replica {self.port} exited with {self.proc.returncode}: {log}")
            try:
                status, _, body = request(self.base + "/readyz", timeout=2)
                if status == 200:
                    return json.loads(body)["generation"]
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"replica {self.port} not ready after {timeout} s")

    def generations(self, samples: int) -> set[str]:
        """The generation each of `samples` new connections is served from (any worker)."""
        return {json.loads(request(self.base + "/readyz", timeout=5)[2])["generation"] for _ in range(samples)}

    def kill(self) -> None:
        """SIGKILL to the parent and every worker at once; returns once the port refuses."""
        _signal_group(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except ConnectionRefusedError:
                return
            except OSError:
                pass
            time.sleep(0.05)
        pytest.fail(f"replica {self.port} still accepts connections after SIGKILL")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(self.proc.pid, signal.SIGKILL)  # a worker the parent left behind, if any
        if self.proc.poll() is None:
            self.proc.wait(10)
        if not self.log.closed:
            self.log.close()


class Load:
    """Searches through nginx from a few threads, each on new connections, until stopped (or a hard
    limit of time and count). Three in four requests carry a nonce, so they miss the micro-cache
    and reach a replica; the rest are popular repeats the cache answers."""

    def __init__(self, base: str, threads: int = 3, pause: float = 0.01, limit_s: float = 150, limit_n: int = 100_000):
        self.base, self.pause, self.limit_n = base, pause, limit_n
        self.deadline = time.monotonic() + limit_s
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.count = 0
        self.failures: list[str] = []
        self.threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True, name=f"load-{i}") for i in range(threads)
        ]

    def start(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def _run(self, worker: int) -> None:
        n = 0
        while not self.stopping.is_set() and time.monotonic() < self.deadline and self.count < self.limit_n:
            params = {"q": LOAD_QUERIES[(n + worker) % len(LOAD_QUERIES)]}
            if n % 4:
                params["_"] = f"{worker}-{n}"
            try:
                status, _, body = request(search_url(self.base, **params), timeout=20)
                ok = status == 200 and "hits" in json.loads(body)
                problem = None if ok else f"HTTP {status}: {body[:200]!r}"
            except Exception as e:
                problem = repr(e)
            with self.lock:
                self.count += 1
                if problem:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {params}: {problem}")
            n += 1
            self.stopping.wait(self.pause)

    def wait_for(self, more: int, timeout: float = 20) -> None:
        target, deadline = self.count + more, time.monotonic() + timeout
        while self.count < target:
            assert time.monotonic() < deadline, f"the load made only {self.count} requests"
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(30)


# -- the whole topology ---------------------------------------------------------------------------


def test_replicas_behind_nginx_survive_a_publish_and_a_crash_without_one_failed_request(
    nginx_bin, mini_index, tmp_path
):
    started = time.monotonic()
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    port_a = free_port()
    port_b = free_port()
    while port_b == port_a:
        port_b = free_port()
    # a: two workers (its process group is a parent and two children), b: one.
    a = Replica(index, port_a, 2, tmp_path / "replica-a.log")
    b = Replica(index, port_b, 1, tmp_path / "replica-b.log")
    nginx: Nginx | None = None
    load: Load | None = None
    timings: dict[str, float] = {}
    try:
        first = a.wait_ready()
        assert b.wait_ready() == first
        timings["replicas ready"] = time.monotonic() - started
        nginx = Nginx(nginx_bin, tmp_path / "nginx", [a.port, b.port])
        load = Load(nginx.base).start()
        load.wait_for(20)

        # gzip for JSON when asked for, plain otherwise.
        status, headers, body = request(
            search_url(nginx.base, q="گذرنامه", size=20), headers={"Accept-Encoding": "gzip"}
        )
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(gzip.decompress(body))["hits"]
        status, headers, body = request(search_url(nginx.base, q="گذرنامه", size=20))
        assert status == 200 and headers.get("Content-Encoding") is None and json.loads(body)["hits"]

        # The page's script: named by version, gzipped as text/javascript, kept a year, and by nginx.
        status, headers, body = request(nginx.base + "/", headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        script = re.search(r'src="(/static/app\.js\?v=[0-9a-f]{12})"', gzip.decompress(body).decode())[1]
        status, headers, body = request(nginx.base + script, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"].startswith("text/javascript")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert gzip.decompress(body) == (ROOT / "api" / "static" / "app.js").read_bytes()
        assert len(body) < len(gzip.decompress(body)) / 2
        assert request(nginx.base + script)[1]["X-Cache-Status"] == "HIT"

        # The micro-cache: a second identical search is nginx's; the API's headers come through.
        url = search_url(nginx.base, q="کارت ملی", size=7)
        s1, h1, b1 = request(url)
        s2, h2, b2 = request(url)
        assert (s1, s2) == (200, 200)
        assert h1["X-Cache-Status"] == "MISS" and h2["X-Cache-Status"] == "HIT"
        assert b1 == b2 and h1["ETag"] == h2["ETag"] and h2["ETag"].startswith('W/"')
        assert h2["Cache-Control"] == "public, max-age=30"
        # A client's own If-None-Match is answered from the cache; an Authorization bypasses it.
        s3, h3, b3 = request(url, headers={"If-None-Match": h1["ETag"]})
        assert s3 == 304 and b3 == b"" and h3["X-Cache-Status"] == "HIT"
        assert request(url, headers=AUTH)[1]["X-Cache-Status"] == "BYPASS"

        # The admin API through nginx: Authorization reaches the replica, nothing is cached.
        status, headers, _ = request(nginx.base + "/api/v1/admin/generations")
        assert status == 401 and "Bearer" in headers["WWW-Authenticate"]
        assert request(nginx.base + "/api/v1/admin/generations", headers={"Authorization": "Bearer wrong"})[0] == 403
        for _ in range(2):
            status, headers, body = request(nginx.base + "/api/v1/admin/generations", headers=AUTH)
            assert status == 200 and json.loads(body)["current"] == first
            assert headers.get("X-Cache-Status") is None and headers["Cache-Control"] == "no-store"

        # Publish a new generation through replica a alone; both replicas serve it within 2 s.
        status, _, body = request(
            a.base + f"/api/v1/admin/services/{NEW_CARD['id']}",
            "PUT",
            {**AUTH, "Content-Type": "application/json"},
            json.dumps(NEW_CARD).encode(),
        )
        assert status == 200, body
        published, new = time.monotonic(), json.loads(body)["generation"]
        assert new != first
        while not (a.generations(12) == {new} and b.generations(12) == {new}):
            assert time.monotonic() - published < 2.0, (a.generations(12), b.generations(12))
            time.sleep(0.05)
        timings["publish seen by both replicas"] = time.monotonic() - published
        # Through nginx: the admin view is current at once, the search shows the card.
        status, _, body = request(nginx.base + "/api/v1/admin/generations", headers=AUTH)
        assert json.loads(body)["current"] == new
        status, _, body = request(search_url(nginx.base, q="پروانه شکار"))
        assert status == 200 and [h["id"] for h in json.loads(body)["hits"]][:1] == [NEW_CARD["id"]]

        # Kill replica a outright (parent and workers), keep searching, bring it back.
        before_kill = len(nginx.log())
        a.kill()
        killed = time.monotonic()
        load.wait_for(60)
        time.sleep(max(0.0, 1.5 - (time.monotonic() - killed)))
        a.start()
        assert a.wait_ready() == new
        timings["replica down"] = time.monotonic() - killed
        # nginx sends it requests again (after fail_timeout at most) and they are answered.
        back = time.monotonic()
        after_restart = len(nginx.log())
        while not any(
            m["upstream"].endswith(f":{a.port}") and m["ustatus"].endswith("200") for m in nginx.log()[after_restart:]
        ):
            assert time.monotonic() - back < 15, "nginx does not use the restarted replica"
            time.sleep(0.1)
        timings["restarted replica in use after"] = time.monotonic() - back
        load.wait_for(20)
    finally:
        if load is not None:
            load.stop()
        for proc in (nginx, a, b):
            if proc is not None:
                proc.stop()

    outage = nginx.log()[before_kill:]
    retried = [m for m in outage if "," in m["upstream"]]
    print(
        f"\n{load.count} searches through nginx, {len(load.failures)} failed; {len(retried)} retried on the other "
        f"replica while one was down; "
        + ", ".join(f"{k}: {v:.1f} s" for k, v in timings.items())
        + f"; total {time.monotonic() - started:.1f} s"
    )
    assert load.failures == [], load.failures[:10]
    assert load.count > 100
    # The zero is not luck: requests did reach the dead replica and were answered by the other.
    assert retried, "no request was retried while a replica was down"
    assert all(m["status"] == "200" for m in outage if m["uri"] == "/api/v1/search")


# -- what nginx sends upstream, against servers written for the purpose ---------------------------


class Echo(http.server.ThreadingHTTPServer):
    """Answers every request with what it received, as JSON; `?cc=` sets its Cache-Control and
    `?ct=problem` makes it application/problem+json."""

    daemon_threads = True

    def __init__(self):
        self.seen: list[dict] = []
        super().__init__(("127.0.0.1", 0), EchoHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx's upstream connections expect
    timeout = 10

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = len(self.rfile.read(length)) if length else 0
        record = {
            "method": self.command,
            "path": self.path,
            "version": self.request_version,
            "peer": self.client_address[1],
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": received,
        }
        self.server.seen.append(record)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        out = json.dumps({**record, "padding": "x" * 600}).encode()
        self.send_response(200)
        self.send_header(
            "Content-Type",
            "application/problem+json" if query.get("ct") == ["problem"] else "application/json; charset=utf-8",
        )
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Cache-Control", query.get("cc", ["public, max-age=30"])[0])
        self.send_header("ETag", 'W/"echo-1"')
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


class Dropper:
    """Reads a request's headers, then resets the connection: a replica dying mid-request."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(5)
                head = b""
                try:
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                except OSError:
                    pass
                self.seen.append(head)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def echo():
    server = Echo()
    yield server
    server.close()


def test_the_client_address_and_authorization_reach_the_upstream_over_kept_alive_connections(nginx_bin, echo, tmp_path):
    nginx = Nginx(nginx_bin, tmp_path / "nginx", [echo.port])
    try:
        spoofed = {
            "X-Forwarded-For": "203.0.113.7",
            "X-Real-IP": "198.51.100.9",
            "Authorization": "Bearer abc",
            "Accept-Encoding": "gzip",
        }
        status, headers, _ = request(search_url(nginx.base, q="a", cc="no-store"), headers=spoofed)
        assert status == 200
        got = echo.seen[-1]["headers"]
        # The address nginx saw, not the one the client claimed: a client cannot pick its own.
        assert got["x-forwarded-for"] == "127.0.0.1" and got["x-real-ip"] == "127.0.0.1"
        assert got["authorization"] == "Bearer abc"
        assert "accept-encoding" not in got  # compressed once, by nginx
        assert "connection" not in got and echo.seen[-1]["version"] == "HTTP/1.1"  # keep-alive upstream
        # Two requests in a row share one upstream connection.
        request(nginx.base + "/healthz")
        request(nginx.base + "/healthz")
        assert echo.seen[-1]["peer"] == echo.seen[-2]["peer"]

        # The admin API is never cached, whatever the upstream says, and keeps its Authorization.
        for _ in range(2):
            status, headers, _ = request(
                nginx.base + "/api/v1/admin/generations", headers={"Authorization": "Bearer t"}
            )
            assert status == 200 and "no-store" in headers.get_all("Cache-Control")
        admin = [r for r in echo.seen if r["path"] == "/api/v1/admin/generations"]
        assert len(admin) == 2 and all(r["headers"]["authorization"] == "Bearer t" for r in admin)

        # The micro-cache stores what the API allows and nothing it forbids.
        for cc, cached in (("public, max-age=30", True), ("private", False), ("no-store", False), ("max-age=0", False)):
            url = search_url(nginx.base, q=f"cache {cc}", cc=cc)
            before = len(echo.seen)
            statuses = [request(url)[1]["X-Cache-Status"] for _ in range(2)]
            assert statuses == (["MISS", "HIT"] if cached else ["MISS", "MISS"]), (cc, statuses)
            assert len(echo.seen) - before == (1 if cached else 2), cc

        # gzip covers problem+json too.
        status, headers, body = request(
            search_url(nginx.base, q="p", ct="problem", cc="no-store"), headers={"Accept-Encoding": "gzip"}
        )
        assert headers["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(body))["method"] == "GET"

        # Body limits: none on the public API, 1 MB for a card, 64 MB for a corpus upload.
        assert request(nginx.base + "/api/v1/search", "POST", data=b"x" * 32768)[0] == 413
        assert request(nginx.base + "/api/v1/admin/services/x", "PUT", data=b"x" * 500_000)[0] == 200
        assert echo.seen[-1]["body"] == 500_000
        assert request(nginx.base + "/api/v1/admin/services/x", "PUT", data=b"x" * 2_000_000)[0] == 413
        ndjson = {"Content-Type": "application/x-ndjson"}
        assert request(nginx.base + "/api/v1/admin/reindex", "POST", ndjson, b"{}\n" * 1_000_000)[0] == 200
        assert echo.seen[-1]["body"] == 3_000_000
        # Header limits: one header line or a request line beyond 8 KB is refused.
        assert request(nginx.base + "/healthz", headers={"X-Big": "x" * 9000})[0] == 400
        assert request(search_url(nginx.base, q="x" * 9000))[0] == 414
    finally:
        nginx.stop()


def test_a_get_is_retried_on_another_replica_and_a_post_never_is(nginx_bin, echo, tmp_path):
    dropper = Dropper()
    nginx = Nginx(nginx_bin, tmp_path / "nginx", [dropper.port, echo.port])
    try:
        # POSTs until one lands on the dropping replica: that one fails, and is not sent again.
        answers = {}
        for n in range(6):
            answers[n] = request(
                nginx.base + "/api/v1/admin/reindex",
                "POST",
                {"Content-Type": "application/x-ndjson", "X-Test-Id": f"post-{n}"},
                b"{}\n",
            )[0]
            if dropper.seen:
                break
        assert dropper.seen, "round robin never chose the dropping upstream"
        dropped = int(re.search(rb"X-Test-Id: post-(\d+)", dropper.seen[0])[1])
        assert answers[dropped] == 502
        assert not any(r["headers"].get("x-test-id") == f"post-{dropped}" for r in echo.seen)
        assert all(status == 200 for n, status in answers.items() if n != dropped)
        # GETs the dropping replica takes are answered by the other one.
        for n in range(6):
            status, _, body = request(
                search_url(nginx.base, q="retry", cc="no-store"), headers={"X-Test-Id": f"get-{n}"}
            )
            assert status == 200 and json.loads(body)["headers"]["x-test-id"] == f"get-{n}"
            if len(dropper.seen) > 1:
                break
        assert len(dropper.seen) > 1 and b"GET /api/v1/search" in dropper.seen[1]
    finally:
        nginx.stop()
        dropper.close()


# -- the files themselves -------------------------------------------------------------------------


def test_the_shipped_site_file_renders_and_loads_into_debians_main_config(nginx_bin, tmp_path):
    shipped = (DEPLOY / "nginx.conf").read_text("utf-8")
    assert render() == shipped  # no options: the file as shipped
    three = render("--upstream", "10.0.0.11:8081", "--upstream", "10.0.0.12:8081", "--upstream", "10.0.0.13:8081")
    servers = re.findall(r"^\s*server (\S+) (max_fails=\d+ fail_timeout=\d+s);", three, re.M)
    assert [s[0] for s in servers] == ["10.0.0.11:8081", "10.0.0.12:8081", "10.0.0.13:8081"] and len(
        {s[1] for s in servers}
    ) == 1
    bad = subprocess.run(
        [sys.executable, str(RENDER), "--upstream", "nohost"], capture_output=True, text=True, timeout=30
    )
    assert bad.returncode == 2

    debian = Path("/etc/nginx/nginx.conf")
    if not debian.is_file():
        pytest.skip("no /etc/nginx/nginx.conf to include the site file in")
    (tmp_path / "logs").mkdir()
    site = tmp_path / "dargah.site"
    site.write_text(render("--cache-dir", tmp_path / "cache", "--log-dir", tmp_path / "logs"), "utf-8")
    main = debian.read_text("utf-8")
    main = re.sub(r"include /etc/nginx/sites-enabled/\*;", f"include {site};", main)
    main = re.sub(r"include /etc/nginx/conf\.d/\*\.conf;", "", main)
    main = re.sub(r"^(\s*)pid .*;", rf"\1pid {tmp_path}/nginx.pid;", main, flags=re.M)
    main = re.sub(r"^(\s*)(error_log|access_log) [^\s;]+", rf"\1\2 {tmp_path}/logs/main.log", main, flags=re.M)
    assert str(site) in main
    conf = tmp_path / "nginx.conf"
    conf.write_text(main, "utf-8")
    checked = subprocess.run([nginx_bin, "-t", "-c", str(conf)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
