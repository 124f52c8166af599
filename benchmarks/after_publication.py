"""Fresh-query latency around single-card publications: a load generator with per-request times.

wrk's Lua hooks only see totals, and the question here is *when* a slow answer happened: in the
seconds before an admin write, while it is being published, or in the seconds after. So this is a
small closed-loop load generator of its own: one asyncio process, `connections` aiohttp
connections, each sending the next path of a list as soon as its previous answer is read, every
request timed with time.monotonic(). Meanwhile a second session (its own connection, so the write
never waits behind searches) makes the admin PUTs on a fixed timetable:

    warm-up | window | PUT 1 (until answered) | window + window | PUT 2 | ... | PUT n | window

so each publication has a quiet `window` of seconds before it and one after its answer, and no
window of one publication overlaps another's.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import time
import urllib.parse
from dataclasses import dataclass, field

import aiohttp
import yarl


@dataclass
class Publication:
    card_id: str
    body: bytes  # the card as JSON, retitled with `marker`
    marker: str  # a word only the retitled card has: found by search once the change is served
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0
    visible: bool | None = None  # the marker finds the card at the end of the window after


@dataclass
class Stream:
    """What one run recorded: per request (start, end, status; 0 = no answer), the writes."""

    requests: list[tuple[float, float, int]] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    measured_from: float = 0.0
    measured_to: float = 0.0
    paths_sent: int = 0
    paths_repeated: int = 0  # requests sent after the distinct list ran out (it is walked again)
    client_cpu_s: float = 0.0


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of an ascending list."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def summary(requests: list[tuple[float, float, int]]) -> dict:
    """Count, errors (no answer or not 2xx) and latency percentiles of every request, errors
    included with the time they took (a shed 503 is quick, a timeout takes the whole timeout)."""
    ms = sorted((end - start) * 1000 for start, end, _ in requests)
    failed: dict[str, int] = {}  # by status, "0" for no answer (refused, reset, timed out)
    for *_, status in requests:
        if not 200 <= status < 300:
            failed[str(status)] = failed.get(str(status), 0) + 1
    errors = sum(failed.values())

    def r(v):
        return None if v is None else round(v, 1)

    return {
        "requests": len(ms),
        "errors": errors,
        "p50_ms": r(percentile(ms, 50)),
        "p99_ms": r(percentile(ms, 99)),
        "max_ms": r(ms[-1] if ms else None),
        "errors_by_status": failed,
    }


def by_second(requests: list[tuple[float, float, int]], start: float, seconds: int) -> list[dict]:
    """The requests started in each second from `start`: how many, and their p50/p99 and errors."""
    buckets: list[list] = [[] for _ in range(seconds)]
    for q in requests:
        i = math.floor(q[0] - start)
        if 0 <= i < seconds:
            buckets[i].append(q)
    return [{k: v for k, v in summary(b).items() if k in ("requests", "p50_ms", "p99_ms", "errors")} for b in buckets]


def windows(stream: Stream, window: float) -> dict:
    """Per publication, the requests *started* in the `window` seconds before its PUT was sent,
    while it was being answered, and in the `window` seconds after its answer; and the whole
    measured stream. The medians over the publications are what the report shows."""

    def started_in(lo: float, hi: float) -> list[tuple[float, float, int]]:
        return [q for q in stream.requests if lo <= q[0] < hi]

    per = []
    for pub in stream.publications:
        per.append(
            {
                "card": pub.card_id,
                "put_status": pub.status,
                "put_s": round(pub.answered - pub.sent, 3),
                "visible": pub.visible,
                "before": summary(started_in(pub.sent - window, pub.sent)),
                "during": summary(started_in(pub.sent, pub.answered)),
                "after": summary(started_in(pub.answered, pub.answered + window)),
                "after_by_second": by_second(stream.requests, pub.answered, math.ceil(window)),
                "before_by_second": by_second(stream.requests, pub.sent - window, math.ceil(window)),
            }
        )
    overall = summary([q for q in stream.requests if stream.measured_from <= q[0] < stream.measured_to])
    span = stream.measured_to - stream.measured_from
    overall["per_s"] = round(overall["requests"] / span, 1) if span > 0 else None

    def median_of(name: str, key: str):
        values = [p[name][key] for p in per if p[name][key] is not None]
        return round(statistics.median(values), 1) if values else None

    medians = {
        name: {key: median_of(name, key) for key in ("requests", "errors", "p50_ms", "p99_ms", "max_ms")}
        for name in ("before", "during", "after")
    }
    seconds = []  # second by second after the answers: the medians over the publications
    for i in range(math.ceil(window)):
        cells = [p["after_by_second"][i] for p in per]
        seconds.append(
            {
                key: round(statistics.median(c[key] for c in cells if c[key] is not None), 1)
                if any(c[key] is not None for c in cells)
                else None
                for key in ("requests", "p99_ms")
            }
        )
    return {
        "publications": per,
        "median": medians,
        "after_by_second_median": seconds,
        "overall": overall,
        "put_median_s": round(statistics.median(p["put_s"] for p in per), 3) if per else None,
        "paths_sent": stream.paths_sent,
        "paths_repeated": stream.paths_repeated,
        "client_cpu_s": round(stream.client_cpu_s, 1),
    }


async def _run(
    base: str,
    warm_paths: list[str],
    paths: list[str],
    publications: list[Publication],
    token: str,
    connections: int,
    warmup: float,
    window: float,
    timeout: float,
) -> Stream:
    stream = Stream(publications=publications)
    loop_done = asyncio.Event()
    sequence = [*warm_paths, *paths]
    cursor = 0
    distinct_end = len(sequence)

    def next_path() -> str:
        nonlocal cursor
        if cursor >= distinct_end:  # the distinct list ran out: walk the measured part again
            stream.paths_repeated += 1
            path = paths[(cursor - distinct_end) % len(paths)]
        else:
            path = sequence[cursor]
        cursor += 1
        return path

    limits = aiohttp.ClientTimeout(total=timeout)
    searches = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections), timeout=limits, auto_decompress=False
    )
    admin = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), timeout=aiohttp.ClientTimeout(total=120))

    async def searcher():
        while not loop_done.is_set():
            url = yarl.URL(base + next_path(), encoded=True)  # the paths are percent-encoded already
            started = time.monotonic()
            try:
                async with searches.get(url) as r:
                    await r.read()
                    status = r.status
            except (aiohttp.ClientError, OSError):  # OSError: refused, reset, timed out
                status = 0
            stream.requests.append((started, time.monotonic(), status))

    async def publisher():
        await asyncio.sleep(warmup)
        stream.measured_from = time.monotonic()
        await asyncio.sleep(window)
        for i, pub in enumerate(publications):
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            url = f"{base}/api/v1/admin/services/{urllib.parse.quote(pub.card_id, safe='')}"
            pub.sent = time.monotonic()
            async with admin.put(url, data=pub.body, headers=headers) as r:
                await r.read()
                pub.status = r.status
            pub.answered = time.monotonic()
            await asyncio.sleep(window)
            # Still before the next window: the change must be served by now.
            q = urllib.parse.quote(pub.marker, safe="")
            async with admin.get(f"{base}/api/v1/search?q={q}&size=1") as r:
                hits = (json.loads(await r.read()).get("hits") or []) if r.status == 200 else []
            pub.visible = bool(hits) and hits[0].get("id") == pub.card_id
            if i < len(publications) - 1:
                await asyncio.sleep(window)  # the next publication's quiet window before
        stream.measured_to = time.monotonic()
        loop_done.set()

    cpu0 = time.process_time()
    tasks = [asyncio.create_task(searcher()) for _ in range(connections)]
    try:
        await publisher()
        await asyncio.wait(tasks, timeout=timeout + 5)  # the requests in flight finish
    finally:
        loop_done.set()  # also when a write failed: stop the load before the sessions close
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await searches.close()
        await admin.close()
    stream.client_cpu_s = time.process_time() - cpu0
    stream.paths_sent = cursor
    return stream


def run(
    port: int,
    warm_paths: list[str],
    paths: list[str],
    publications: list[Publication],
    token: str,
    *,
    connections: int = 16,
    warmup: float = 5.0,
    window: float = 10.0,
    timeout: float = 10.0,
    host: str = "127.0.0.1",
) -> dict:
    """Load `host:port` with the paths while making the publications; the windows' summaries."""
    stream = asyncio.run(
        _run(f"http://{host}:{port}", warm_paths, paths, publications, token, connections, warmup, window, timeout)
    )
    return windows(stream, window)
