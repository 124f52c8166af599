"""Prometheus metrics in the text exposition format, for the whole replica.

Requests and latency by route and status, the serving index generation, the response cache's
hit rate, and the standard process metrics. Nothing here knows a client: no addresses, no query
text.

A replica of several workers (api/server.py) answers a scrape from whichever worker the kernel
gives the connection to, so every worker's counters must be in every answer. Each worker writes a
snapshot of its counters into a directory of the replica (in memory, /dev/shm when there is one)
about once a second, and on a scrape writes its own afresh and sums them all: counters of other
workers are up to a second old, and never go back, since each scrape reads only snapshots and each
snapshot only grows. When a worker dies the parent adds its last snapshot to `retired.json` before
starting its replacement, so the replica's counters do not drop either (the dead worker's last
second is lost). A request costs a few additions in memory; the disk is not touched.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import resource
from collections import defaultdict
from pathlib import Path

import orjson

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
RETIRED = "retired.json"
KEEP_MERGED = 256  # pids of retired workers remembered, so a snapshot is never counted twice
_WORKER_FILE = re.compile(r"^worker-(\d+)-(\d+)\.json$")


class Metrics:
    """One worker's counters; `render` shows the replica's (every worker's, with `shared`)."""

    def __init__(self, shared: SharedSnapshots | None = None):
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.latency: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.cache_hits = 0
        self.cache_misses = 0
        self.shared = shared

    def observe(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        self.latency[route][bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum[route] += seconds

    def snapshot(self, generation: str | None, cards: int | None) -> dict:
        """The counters as plain data (what a worker publishes for the others)."""
        return {
            "pid": os.getpid(),
            "generation": generation,
            "cards": cards,
            "requests": [[route, status, n] for (route, status), n in self.requests.items()],
            "latency": {route: [*counts, self.latency_sum[route]] for route, counts in self.latency.items()},
            "cache": [self.cache_hits, self.cache_misses],
        }

    def publish(self, generation: str | None, cards: int | None) -> None:
        if self.shared is not None:
            self.shared.write(self.snapshot(generation, cards))

    def render(self, generation: str | None, cards: int | None) -> str:
        mine = self.snapshot(generation, cards)
        if self.shared is None:
            return render([mine], None, process_metrics([os.getpid()], os.getpid()))
        self.shared.write(mine)
        live, retired = self.shared.read()
        pids = [s["pid"] for s in live]
        return render(live, retired, process_metrics([self.shared.parent, *pids], self.shared.parent))


class SharedSnapshots:
    """The directory where the workers of one replica publish their counters."""

    def __init__(self, directory: Path, slot: int):
        self.directory = Path(directory)
        self.slot = slot
        self.parent = os.getppid()  # made in the worker: the replica's parent process

    def write(self, snapshot: dict) -> None:
        _write_atomically(self.directory / f"worker-{self.slot}-{os.getpid()}.json", orjson.dumps(snapshot))

    def read(self) -> tuple[list[dict], dict | None]:
        """(live workers' snapshots, the retired workers' sum). Workers are read before the retired
        sum, so a worker retired meanwhile is found in the sum and its file is then left out."""
        live = []
        for name in sorted(os.listdir(self.directory)):
            if _WORKER_FILE.match(name):
                found = _read(self.directory / name)
                if found is not None:
                    live.append(found)
        retired = _read(self.directory / RETIRED)
        merged = set(retired.get("merged", ())) if retired else set()
        return [s for s in live if s.get("pid") not in merged], retired


def retire(directory: Path, slot: int, pid: int) -> None:
    """Add a dead worker's last snapshot to the replica's retired sum (the parent calls this before
    starting the worker's replacement)."""
    path = Path(directory) / f"worker-{slot}-{pid}.json"
    last = _read(path)
    if last is not None:
        retired = _read(Path(directory) / RETIRED) or {"merged": []}
        total = _sum([retired, last])
        total["merged"] = [*retired.get("merged", []), pid][-KEEP_MERGED:]
        _write_atomically(Path(directory) / RETIRED, orjson.dumps(total))
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read(path: Path) -> dict | None:
    try:
        return orjson.loads(path.read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None


def _sum(snapshots: list[dict]) -> dict:
    """The counters of several snapshots added up (the gauges are left out)."""
    requests: dict[tuple[str, int], int] = defaultdict(int)
    latency: dict[str, list[float]] = {}
    hits = misses = 0
    for s in snapshots:
        for route, status, n in s.get("requests", ()):
            requests[(route, status)] += n
        for route, counts in s.get("latency", {}).items():
            into = latency.setdefault(route, [0] * (len(BUCKETS) + 2))
            for i, n in enumerate(counts):
                into[i] += n
        h, m = s.get("cache", (0, 0))
        hits, misses = hits + h, misses + m
    return {
        "requests": [[route, status, n] for (route, status), n in requests.items()],
        "latency": latency,
        "cache": [hits, misses],
    }


# -- the exposition format ------------------------------------------------------------------------


def _label(value) -> str:
    return str(value).replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


class _Families:
    def __init__(self):
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, **labels) -> None:
        inner = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
        self.lines.append(f"{name}{{{inner}}} {_number(value)}" if inner else f"{name} {_number(value)}")


def render(live: list[dict], retired: dict | None, process: dict[str, float]) -> str:
    """The replica's metrics: counters summed over live and retired workers, gauges of the live."""
    total = _sum([*live, *([retired] if retired else [])])
    out = _Families()
    out.family("dargah_requests_total", "counter", "HTTP requests by route and status.")
    for route, status, n in sorted(total["requests"]):
        out.sample("dargah_requests_total", n, route=route, status=status)
    out.family("dargah_request_duration_seconds", "histogram", "Request latency by route.")
    for route, counts in sorted(total["latency"].items()):
        cumulative = 0
        for bound, n in zip(BUCKETS, counts, strict=False):
            cumulative += n
            out.sample("dargah_request_duration_seconds_bucket", cumulative, route=route, le=bound)
        cumulative += counts[len(BUCKETS)]
        out.sample("dargah_request_duration_seconds_bucket", cumulative, route=route, le="+Inf")
        out.sample("dargah_request_duration_seconds_sum", round(counts[-1], 6), route=route)
        out.sample("dargah_request_duration_seconds_count", cumulative, route=route)
    hits, misses = total["cache"]
    out.family("dargah_cache_requests_total", "counter", "Response cache lookups by result.")
    out.sample("dargah_cache_requests_total", hits, result="hit")
    out.sample("dargah_cache_requests_total", misses, result="miss")
    out.family("dargah_cache_hit_ratio", "gauge", "Share of cacheable requests answered from the cache.")
    out.sample("dargah_cache_hit_ratio", round(hits / (hits + misses), 4) if hits + misses else 0)

    served = {s["generation"]: s.get("cards") or 0 for s in live if s.get("generation")}
    out.family("dargah_workers", "gauge", "Worker processes of this replica.")
    out.sample("dargah_workers", len(live))
    out.family(
        "dargah_index_generation_info",
        "gauge",
        "The index generations the workers serve (two while they switch to a new one).",
    )
    for generation in sorted(served):
        out.sample("dargah_index_generation_info", 1, generation=generation)
    out.family("dargah_index_cards", "gauge", "Cards in each index generation served.")
    for generation, cards in sorted(served.items()):
        out.sample("dargah_index_cards", cards, generation=generation)

    for name, (kind, help_text) in PROCESS_METRICS.items():
        if name in process:
            out.family(name, kind, help_text)
            out.sample(name, process[name])
    return "\n".join(out.lines) + "\n"


# -- process metrics (Linux /proc) ----------------------------------------------------------------

PROCESS_METRICS = {
    "process_cpu_seconds_total": ("counter", "User and system CPU time of the replica's processes, in seconds."),
    "process_resident_memory_bytes": (
        "gauge",
        "Resident memory of the replica's processes, summed (pages the workers share are counted in each).",
    ),
    "process_virtual_memory_bytes": ("gauge", "Virtual memory of the replica's processes, summed."),
    "process_open_fds": ("gauge", "Open file descriptors of the replica's processes, summed."),
    "process_max_fds": ("gauge", "Limit of open file descriptors of each process."),
    "process_start_time_seconds": ("gauge", "When the replica started, in seconds since the epoch."),
}
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _boot_time() -> float | None:
    try:
        with open("/proc/stat", "rb") as f:
            for line in f:
                if line.startswith(b"btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def process_metrics(pids: list[int], main: int) -> dict[str, float]:
    """The standard process metrics summed over `pids`, started when `main` started. CPU time
    includes the children each process has waited for: the parent's counts the workers that
    died (and the workers' their rebuild jobs), so the sum does not drop when a worker is replaced."""
    found: dict[str, float] = defaultdict(float)
    boot = _boot_time()
    for pid in dict.fromkeys(pids):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, IndexError):
            continue  # gone meanwhile, or not Linux
        # fields[0] is the state (field 3 of proc(5)): utime is field 14, so fields[11].
        found["process_cpu_seconds_total"] += sum(int(x) for x in fields[11:15]) / _TICKS
        found["process_virtual_memory_bytes"] += int(fields[20])
        found["process_resident_memory_bytes"] += int(fields[21]) * _PAGE
        found["process_open_fds"] += fds
        if pid == main and boot is not None:
            found["process_start_time_seconds"] = boot + int(fields[19]) / _TICKS
    if found:
        found["process_max_fds"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        found["process_cpu_seconds_total"] = round(found["process_cpu_seconds_total"], 2)
    return dict(found)


def shared_directory() -> Path:
    """A fresh directory for one replica's snapshots: in memory when /dev/shm is writable."""
    import tempfile

    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="dargah-metrics-", dir=base))
