"""What an operator scrapes and logs: /metrics in the Prometheus text format (HELP and TYPE on every
family, the standard process metrics, `promtool check metrics` clean when promtool is installed),
one scrape showing every worker of a replica, and the access log (`--access-log json`) with the
path but never the query text."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import DARGAH, ROOT, free_port, run_cli, wait_ready

from api.app import create_app

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^(?P<name>{NAME})(?:\{{(?P<labels>{LABEL}(?:,{LABEL})*)?\}})? (?P<value>\S+)$")
KINDS = {"counter", "gauge", "histogram", "summary", "untyped"}
QUERY = "گذرنامه"


class BadExposition(AssertionError):
    pass


def check_exposition(text: str) -> dict[str, dict]:
    """The families of a scrape, checked as strictly as `promtool check metrics`: every family has
    one HELP and one TYPE before its samples, its samples are together, no series twice, counters
    end in _total, histograms are cumulative and end in +Inf equal to their count."""
    if not text.endswith("\n"):
        raise BadExposition("the text must end with a newline")
    families: dict[str, dict] = {}
    current = None
    done: set[str] = set()
    for n, line in enumerate(text[:-1].split("\n"), 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            _, what, name, *rest = line.split(" ", 3)
            if not re.fullmatch(NAME, name) or not rest or not rest[0].strip():
                raise BadExposition(f"line {n}: malformed {what}: {line!r}")
            family = families.setdefault(name, {"help": None, "type": None, "samples": {}})
            key = what.lower()
            if family[key] is not None or family["samples"] or name in done:
                raise BadExposition(f"line {n}: {what} of {name} repeated or after its samples")
            if what == "TYPE" and rest[0] not in KINDS:
                raise BadExposition(f"line {n}: unknown type {rest[0]!r}")
            family[key] = rest[0]
            if current and current != name:
                done.add(current)
            current = name
            continue
        if line.startswith("#") or not line:
            raise BadExposition(f"line {n}: unexpected line {line!r}")
        m = SAMPLE.match(line)
        if not m:
            raise BadExposition(f"line {n}: malformed sample {line!r}")
        name = m["name"]
        base = next((name[: -len(s)] for s in ("_bucket", "_sum", "_count") if name.endswith(s)), None)
        owner = name if name in families else base
        if owner not in families or (owner != name and families[owner]["type"] not in ("histogram", "summary")):
            raise BadExposition(f"line {n}: sample {name} has no HELP/TYPE")
        family = families[owner]
        if family["help"] is None or family["type"] is None:
            raise BadExposition(f"line {n}: {owner} lacks HELP or TYPE")
        if owner != current:
            raise BadExposition(f"line {n}: samples of {owner} are not together")
        if family["type"] == "counter" and not owner.endswith("_total"):
            raise BadExposition(f"line {n}: counter {owner} does not end in _total")
        labels = tuple(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m["labels"] or ""))
        series = (name, labels)
        if series in family["samples"]:
            raise BadExposition(f"line {n}: {name}{dict(labels)} twice")
        value = float(m["value"])  # ValueError on anything else
        if math.isnan(value):
            raise BadExposition(f"line {n}: NaN")
        family["samples"][series] = value
    for name, family in families.items():
        if family["type"] == "histogram":
            _check_histogram(name, family["samples"])
    return families


def _check_histogram(name: str, samples: dict) -> None:
    by_series: dict[tuple, list[tuple[float, float]]] = {}
    for (sample, labels), value in samples.items():
        if sample == name + "_bucket":
            rest = tuple(kv for kv in labels if kv[0] != "le")
            le = dict(labels)["le"]
            by_series.setdefault(rest, []).append((math.inf if le == "+Inf" else float(le), value))
    for rest, buckets in by_series.items():
        values = [v for _, v in sorted(buckets)]
        if values != sorted(values) or sorted(buckets)[-1][0] != math.inf:
            raise BadExposition(f"{name}{dict(rest)}: buckets not cumulative or no +Inf")
        if samples.get((name + "_count", rest)) != values[-1]:
            raise BadExposition(f"{name}{dict(rest)}: +Inf bucket differs from the count")


def value(families: dict, name: str, **labels) -> float:
    samples = {series: v for family in families.values() for series, v in family["samples"].items()}
    return sum(v for (n, ls), v in samples.items() if n == name and labels.items() <= dict(ls).items())


def promtool(text: str) -> None:
    """`promtool check metrics` on the text, when promtool is installed (make test installs
    Debian's prometheus package for it)."""
    binary = shutil.which("promtool")
    if binary is None:
        return
    done = subprocess.run([binary, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), done.stdout + done.stderr


# -- the checker itself ---------------------------------------------------------------------------

GOOD = """# HELP a_total Things.
# TYPE a_total counter
a_total{x="1"} 3
# HELP h Latency.
# TYPE h histogram
h_bucket{le="0.1"} 1
h_bucket{le="+Inf"} 2
h_sum 0.3
h_count 2
"""


@pytest.mark.parametrize(
    "bad",
    [
        GOOD.replace("# HELP a_total Things.\n", ""),  # no HELP: what promtool said of the old /metrics
        GOOD.replace("# TYPE h histogram\n", ""),
        GOOD.replace("a_total", "a"),  # a counter without _total
        GOOD.replace('h_bucket{le="+Inf"} 2', 'h_bucket{le="+Inf"} 0'),
        GOOD + 'a_total{x="2"} 1\n',  # a family's samples apart
        GOOD.replace('a_total{x="1"} 3', 'a_total{x="1"} 3\na_total{x="1"} 4'),
    ],
)
def test_the_check_refuses_what_promtool_refuses(bad):
    check_exposition(GOOD)
    with pytest.raises(BadExposition):
        check_exposition(bad)


# -- one worker -----------------------------------------------------------------------------------


async def test_metrics_are_valid_and_carry_process_metrics(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(mini_index))
    for _ in range(3):
        assert (await client.get("/api/v1/search", params={"q": QUERY})).status == 200
    r = await client.get("/metrics")
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain")
    text = await r.text()
    families = check_exposition(text)
    promtool(text)
    assert value(families, "dargah_requests_total", route="/api/v1/search", status="200") == 3
    assert value(families, "dargah_request_duration_seconds_count", route="/api/v1/search") == 3
    assert value(families, "dargah_cache_requests_total", result="hit") == 2
    assert value(families, "dargah_workers") == 1
    assert value(families, "process_resident_memory_bytes") > 10_000_000
    assert value(families, "process_open_fds") > 3 and value(families, "process_max_fds") > 3
    assert value(families, "process_cpu_seconds_total") > 0
    assert time.time() - 3600 < value(families, "process_start_time_seconds") <= time.time()
    assert QUERY not in text


# -- a replica of two workers ---------------------------------------------------------------------


def _get(url: str) -> tuple[int, bytes]:
    """On a new connection each time, so the kernel may give it to either worker."""
    req = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


def _workers(parent: int) -> set[int]:
    with open(f"/proc/{parent}/task/{parent}/children") as f:
        return {int(p) for p in f.read().split()}


def _scrape(base: str) -> tuple[str, dict]:
    status, body = _get(base + "/metrics")
    assert status == 200
    text = body.decode("utf-8")
    return text, check_exposition(text)


@pytest.fixture
def replica(mini_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    log = tmp_path / "access.log"
    port = free_port()
    proc = subprocess.Popen(
        [*DARGAH, "serve", "--index", index, "--port", str(port), "--workers", "2"]
        + ["--access-log", "json", "--access-log-file", log],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz")
        deadline = time.monotonic() + 30
        while len(_workers(proc.pid)) < 2 or any(_get(base + "/readyz")[0] != 200 for _ in range(6)):
            assert time.monotonic() < deadline, "both workers did not get ready"
            time.sleep(0.1)
        yield base, proc, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        proc.stderr.close()


def test_one_scrape_shows_the_whole_replica_and_the_access_log_no_query(replica):
    base, proc, log = replica
    searches = 40
    for n in range(searches):
        status, _ = _get(base + "/api/v1/search?" + urllib.parse.urlencode({"q": QUERY, "size": 5 + 5 * (n % 2)}))
        assert status == 200
    time.sleep(1.5)  # every worker has published its counters since

    # Whichever worker answers the scrape, the replica's count is all of them, and never goes back.
    seen = []
    for _ in range(8):
        text, families = _scrape(base)
        seen.append(value(families, "dargah_requests_total", route="/api/v1/search", status="200"))
        assert value(families, "dargah_workers") == 2
        assert value(families, "dargah_request_duration_seconds_count", route="/api/v1/search") == searches
    assert seen == [searches] * 8
    promtool(text)
    assert QUERY not in text

    # The access log: a JSON line per request, both workers in it, the path and no query text. Which
    # worker the kernel hands a connection to is its choice: searches go on, eight at a time, until
    # both have answered some.
    def search_lines():
        lines = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
        return [e for e in lines if e["path"] == "/api/v1/search"]

    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(8) as pool:
        while {e["worker"] for e in search_lines()} != {0, 1} and time.monotonic() < deadline:
            url = base + "/api/v1/search?" + urllib.parse.urlencode({"q": QUERY})
            assert all(status == 200 for status, _ in pool.map(_get, [url] * 8))
            searches += 8
            time.sleep(1.5)  # counters published, as above, before a worker is killed below
    deadline = time.monotonic() + 5
    while len(search_lines()) < searches and time.monotonic() < deadline:
        time.sleep(0.2)
    logged = search_lines()
    assert len(logged) == searches
    assert {e["worker"] for e in logged} == {0, 1}
    entry = logged[0]
    assert set(entry) == {"time", "method", "path", "status", "duration_ms", "worker"}
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["duration_ms"] >= 0
    raw = log.read_text("utf-8")
    assert "?" not in raw and QUERY not in raw and urllib.parse.quote(QUERY) not in raw and "page" not in raw

    # A worker killed outright is replaced, and the replica's counters keep what it had counted.
    before = _workers(proc.pid)
    os.kill(min(before), signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        now = _workers(proc.pid)
        if len(now) == 2 and now != before:
            try:
                _, families = _scrape(base)
                if value(families, "dargah_workers") == 2:
                    break
            except (OSError, AssertionError):
                pass
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.2)
    for _ in range(4):
        _, families = _scrape(base)
        assert value(families, "dargah_requests_total", route="/api/v1/search", status="200") == searches
        assert value(families, "process_cpu_seconds_total") > 0


def test_an_access_log_that_cannot_be_written_stops_serve_at_once(mini_index, tmp_path):
    done = run_cli(
        "serve", "--index", mini_index, "--access-log", "json", "--access-log-file", tmp_path / "no" / "access.log"
    )
    assert done.returncode == 1
    assert "cannot append to the access log" in done.stderr and "Traceback" not in done.stderr
