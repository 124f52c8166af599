"""Dargah's benchmark: the engine in-process, the service under load, beside tantivy and a ceiling.

    .venv/bin/python benchmarks/run.py            # the full run (make bench)
    .venv/bin/python benchmarks/run.py --quick    # a ~2-minute smoke run: bundled corpus, short loads

What it measures (see benchmarks/README.md for the method and the latest numbers):

1. Engine: p50/p99 of `Engine.search(SearchRequest(q, size=10))` over the judged queries and over
   2,400 distinct queries generated from each corpus (benchmarks/queries.py), on the bundled corpus
   and on synthetic corpora of 10,000 and 50,000 cards (`python -m corpus.synth N`); the build time
   and peak memory of `dargah index`; the peak memory of the searching process. The tantivy
   instrument's search function is measured the same way, for comparison.
2. Service: `dargah serve --workers 2` under wrk (64 connections, loopback) with the judged-query
   mix (repeats, so mostly answered by the response cache) and with distinct queries (never
   repeated within a run, so never cached), on the bundled corpus and on 10,000 and 50,000 cards; requests/s,
   p50, p99, errors (socket errors, timeouts and non-2xx answers).
3. The same loads against benchmarks/tantivy_service.py and benchmarks/fixed_service.py.
4. Cold start: from starting the server to /readyz answering 200 (median of 3).
5. VmRSS (and PSS: shared pages split between the workers) of each dargah worker after the load at 10,000 cards.
6. Single-card publication at 10,000 cards: from an admin write of one card to the change served by
   every worker (`publication_latency`), beside the build times of the synthetic corpora.
7. Fresh queries around a publication at 10,000 cards: p50/p99 of distinct queries in the 10 s
   before single-card admin writes and in the 10 s after their answers, under a steady load from
   benchmarks/after_publication.py (`after_publication_load`).

Everything listens and connects on 127.0.0.1 only; every load run is bounded by wrk's -d and a
subprocess timeout; every server started is stopped on exit, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import after_publication, corpora, profiles, queries  # noqa: E402 (after the checkout is put on the path)
from benchmarks.common import (  # noqa: E402 (after the checkout is put on the path)
    BENCH,
    DARGAH,
    HOST,
    PYTHON,
    VAR,
    busy_cpu_seconds,
    children,
    free_port,
    http_get,
    install_cleanup,
    loadavg,
    log,
    machine,
    process_cpu_seconds,
    pss_kb,
    rss_kb,
    rss_parts_kb,
    run_measured,
    spawn,
    stop,
    wait_ready,
)

README = BENCH / "README.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
LUA = BENCH / "paths.lua"
SERVERS = ("dargah", "tantivy", "fixed")

# Issue 17's targets. The distinct-query ratio and p99 are per catalogue size ("bundled" is the
# small catalogue); a size with no entry is measured and shown without a verdict.
TARGETS = {
    "judged_rps_ratio": 1.5,
    "judged_p99_ms": 50.0,
    "distinct_rps_ratio": {"bundled": 0.6, "10k": 0.5},
    "distinct_p99_ms": {"10k": 200.0, "50k": 500.0},
    "distinct_errors": {"10k": 0, "50k": 0},
    "cold_start_s": 5.0,
    "rss_per_worker_mb": {"10k": 300.0},
    "build_s": {"10k": 30.0},
    "publication_s": 1.0,
    "after_publication_p99_ms": 200.0,
}


# -- configuration --------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="smoke run (~2 min): bundled corpus only, short loads, bounded engine run"
    )
    p.add_argument("--duration", type=float, help="seconds of each measured load run (default 15; 5 with --quick)")
    p.add_argument("--warmup", type=float, help="seconds of warm-up load before each run (default 5; 2 with --quick)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="wrk per-request timeout in seconds; a timeout is an error (default 10)",
    )
    p.add_argument(
        "--synth", default="10000,50000", help="synthetic corpus sizes for the engine run (default 10000,50000)"
    )
    p.add_argument(
        "--service-synth",
        default="10000,50000",
        help="synthetic corpus sizes for the service runs (default 10000,50000)",
    )
    p.add_argument(
        "--engine-queries", type=int, default=2400, help="distinct queries for the engine run (default 2400)"
    )
    p.add_argument(
        "--service-queries", type=int, default=20000, help="distinct request paths for the service runs (default 20000)"
    )
    p.add_argument(
        "--engine-budget",
        type=float,
        help="seconds each engine query set may take on a synthetic corpus (a shuffled prefix is measured; "
        "0 = no limit; default 120; with --quick 15, and it applies to the bundled corpus too)",
    )
    p.add_argument("--cold-starts", type=int, default=3, help="server starts for the cold-start median (default 3)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the synthetic corpora's indexes even when unchanged")
    p.add_argument("--skip-engine", action="store_true", help="skip the in-process engine runs")
    p.add_argument("--skip-service", action="store_true", help="skip the service load runs")
    p.add_argument(
        "--publication-runs",
        type=int,
        default=5,
        help="single-card admin writes timed on the first service corpus (default 5; 0 skips them)",
    )
    p.add_argument(
        "--after-publication-runs",
        type=int,
        help="single-card admin writes made under a steady distinct-query load, the fresh-query latency "
        "timed in the windows before and after each (default 3; 0 with --quick unless "
        "--only-after-publication; 0 skips them)",
    )
    p.add_argument(
        "--after-publication-connections",
        type=int,
        default=16,
        help="connections of that load (an in-process asyncio generator; default 16)",
    )
    p.add_argument(
        "--after-publication-window",
        type=float,
        default=10.0,
        help="seconds of each window before a write and after its answer (default 10)",
    )
    p.add_argument(
        "--only-after-publication",
        action="store_true",
        help="measure only that, on the first synthetic service corpus (the bundled one with --quick)",
    )
    p.add_argument(
        "--judged-warmup-max",
        type=float,
        help="seconds the judged mix may warm dargah's cache (default 90; 10 with --quick)",
    )
    p.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="skip the extra run that samples a dargah worker with py-spy under the distinct load",
    )
    p.add_argument("--no-readme", action="store_true", help="do not write the table into benchmarks/README.md")
    a = p.parse_args(argv)
    a.duration = a.duration or (5.0 if a.quick else 15.0)
    a.warmup = a.warmup if a.warmup is not None else (2.0 if a.quick else 5.0)
    if a.judged_warmup_max is None:
        a.judged_warmup_max = 10.0 if a.quick else 90.0
    if a.engine_budget is None:
        a.engine_budget = 15.0 if a.quick else 120.0

    def sizes(s: str) -> list[int]:
        return [int(x) for x in s.split(",") if x.strip()]

    if a.after_publication_runs is None:
        a.after_publication_runs = 0 if a.quick and not a.only_after_publication else 3
    if a.only_after_publication:
        a.skip_engine = a.skip_service = True
        a.publication_runs = 0
        a.profile = False
    a.synth_sizes = [] if a.quick or a.only_after_publication else sizes(a.synth)
    a.service_sizes = [] if a.quick else sizes(a.service_synth)
    return a


def check_tools(args) -> None:
    problems = []
    if not args.skip_service and not shutil.which("wrk"):
        problems.append("wrk is not installed (Debian: apt-get install -y wrk)")
    try:
        import tantivy  # noqa: F401 (imported only to learn whether it is installed)
    except ImportError:
        problems.append("the tantivy package is missing (.venv/bin/pip install -r benchmarks/requirements.txt)")
    if args.profile and not shutil.which("py-spy") and not (Path(PYTHON).parent / "py-spy").exists():
        print("benchmarks/run.py: py-spy is not installed: no profile this time", file=sys.stderr)
        args.profile = False
    if problems:
        for line in problems:
            print(f"benchmarks/run.py: {line}", file=sys.stderr)
        raise SystemExit(2)


# -- queries --------------------------------------------------------------------------------------


class QuerySets:
    """Per corpus: judged queries, distinct queries, and the files wrk and engine_bench read."""

    def __init__(self, corpus: corpora.Corpus, args):
        self.label = corpus.label
        self.judged = queries.judged()
        cards = queries.read_cards(corpus.path)
        warm_n, profile_n = 3000, 6000
        total = max(args.engine_queries, args.service_queries) + warm_n + profile_n
        pool = queries.distinct(cards, total, exclude=set(self.judged))
        need = args.service_queries + warm_n
        if len(pool) < need:
            log(f"  {corpus.label}: only {len(pool)} distinct queries could be generated")
        self.service = pool[: args.service_queries]
        self.warm = pool[args.service_queries : args.service_queries + warm_n] or pool[-warm_n:]
        self.profile = pool[args.service_queries + warm_n :] or self.warm
        self.engine = pool[: args.engine_queries]
        d = VAR / "queries" / corpus.label
        shuffled = list(self.judged)
        random.Random(7).shuffle(shuffled)
        d.mkdir(parents=True, exist_ok=True)
        self.engine_file = d / "engine.json"
        self.engine_file.write_text(
            json.dumps({"warmup": self.warm[:50], "judged": shuffled, "distinct": self.engine}, ensure_ascii=False),
            "utf-8",
        )
        self.files = {
            "judged": queries.write_paths(d / "judged.paths", self.judged),
            "distinct": queries.write_paths(d / "distinct.paths", self.service),
            "warm_distinct": queries.write_paths(d / "warm.paths", self.warm),
            "profile": queries.write_paths(d / "profile.paths", self.profile),
        }
        queries.write_queries(d / "distinct.json", self.service)


# -- engine -------------------------------------------------------------------------------------


def engine_run(engine: str, index: Path, qs: QuerySets, budget: float | None) -> dict:
    out_file = VAR / "logs" / f"engine-{engine}-{qs.label}.json"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        PYTHON,
        "-m",
        "benchmarks.engine_bench",
        "--index",
        str(index),
        "--queries",
        str(qs.engine_file),
        "--engine",
        engine,
    ]
    if budget:
        cmd += ["--budget", str(budget)]
    log(
        f"engine: {engine} on {qs.label} ({len(qs.judged)} judged + {len(qs.engine)} distinct queries"
        + (f", at most {budget:.0f} s per set)" if budget else ")")
    )
    busy0, kids0 = busy_cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with out_file.open("wb") as f, (VAR / "logs" / f"engine-{engine}-{qs.label}.err").open("wb") as err:
        m = run_measured(cmd, stdout=f, stderr=err, timeout=(4 * budget + 1800) if budget else 3600)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (kids1.ru_utime - kids0.ru_utime) + (kids1.ru_stime - kids0.ru_stime)
    other = max(0.0, busy_cpu_seconds() - busy0 - own) / (max(m.seconds, 1e-6) * (os.cpu_count() or 1))
    if m.returncode != 0:
        raise RuntimeError(
            f"engine run {engine}/{qs.label} failed ({m.returncode}); see {out_file.with_suffix('.err')}"
        )
    result = json.loads(out_file.read_text("utf-8").strip().splitlines()[-1])
    result["peak_rss_mb"] = round(m.max_rss_kb / 1024, 1)
    result["wall_s"] = round(m.seconds, 1)
    result["other_cpu_share"] = round(other, 3)  # of the machine, while it ran: other work (1 CPU of 2 = 50%)
    j, d = result["judged"], result["distinct"]
    log(
        f"  judged p50 {j['p50_ms']} ms p99 {j['p99_ms']} ms (n={j['n']}); distinct p50 {d['p50_ms']} ms "
        f"p99 {d['p99_ms']} ms (n={d['n']}/{d['planned']}); peak RSS {result['peak_rss_mb']} MB"
    )
    return result


# -- servers and load -----------------------------------------------------------------------------


def server_command(kind: str, index: Path | None, port: int, body: Path | None = None) -> list[str]:
    if kind == "dargah":
        return [DARGAH, "serve", "--index", str(index), "--workers", "2", "--host", HOST, "--port", str(port)]
    if kind == "tantivy":
        return [
            PYTHON,
            "-m",
            "benchmarks.tantivy_service",
            "serve",
            "--index",
            str(index),
            "--workers",
            "2",
            "--host",
            HOST,
            "--port",
            str(port),
        ]
    return [
        PYTHON,
        "-m",
        "benchmarks.fixed_service",
        "--body",
        str(body),
        "--workers",
        "2",
        "--host",
        HOST,
        "--port",
        str(port),
    ]


def start_server(kind: str, index, label: str, body=None, env=None) -> tuple[subprocess.Popen, int, float]:
    """Start a server; (process, port, seconds until /readyz first answered 200)."""
    port = free_port()
    logfile = (VAR / "logs" / f"serve-{kind}-{label}.log").open("ab")
    started = time.monotonic()
    p = spawn(server_command(kind, index, port, body), stdout=logfile, stderr=logfile, env=env)
    logfile.close()
    try:
        wait_ready(port, p, timeout=300)
        seconds = time.monotonic() - started
        # Both workers: /readyz 200 on ten fresh connections in a row (the kernel spreads them).
        ok, deadline = 0, time.monotonic() + 120
        while ok < 10 and time.monotonic() < deadline:
            ok = ok + 1 if http_get(port, "/readyz", 2)[0] == 200 else 0
            time.sleep(0.01 if ok else 0.1)
    except BaseException:
        stop(p)
        raise
    return p, port, seconds


def wrk(port: int, paths: Path, seconds: float, args, server_pids=None) -> dict:
    """One bounded wrk run. With `server_pids` (a function giving the server's processes), also
    the share of the machine's CPU that neither the server nor wrk used: other work running."""
    pids = server_pids() if server_pids else []
    t0, busy0, own0 = time.monotonic(), busy_cpu_seconds(), process_cpu_seconds(pids)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [
        "wrk",
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        f"{max(1, round(args.timeout))}s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}",
        "--",
        str(paths),
        str(args.threads),
        "count",
    ]
    p = spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=seconds + args.timeout + 60)
    except subprocess.TimeoutExpired:
        stop(p)
        raise RuntimeError("wrk did not stop by itself") from None
    finally:
        stop(p)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (kids1.ru_utime - kids0.ru_utime) + (kids1.ru_stime - kids0.ru_stime)
    elapsed = time.monotonic() - t0
    other = None
    if server_pids:
        other_cpu = busy_cpu_seconds() - busy0 - (process_cpu_seconds(pids) - own0) - wrk_cpu
        other = round(max(0.0, other_cpu) / (elapsed * (os.cpu_count() or 1)), 3)
    line = next((each for each in out.splitlines() if each.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {out[-500:]} {err[-500:]}")
    r = json.loads(line[len("WRK_JSON ") :])
    secs = r["duration_us"] / 1e6
    errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] + r["non2xx"]
    return {
        "requests": r["requests"],
        "rps": round((r["requests"] - r["non2xx"]) / secs, 1) if secs else 0.0,  # 2xx answers only
        "answers_per_s": round(r["requests"] / secs, 1) if secs else 0.0,  # 503s and the like too
        "p50_ms": round(r["p50_us"] / 1000, 2),
        "p90_ms": round(r["p90_us"] / 1000, 2),
        "p99_ms": round(r["p99_us"] / 1000, 2),
        "max_ms": round(r["max_us"] / 1000, 2),
        "errors": errors,
        "non2xx": r["non2xx"],
        "timeouts": r["timeouts"],
        "socket_errors": r["connect_errors"] + r["read_errors"] + r["write_errors"],
        "mean_body_bytes": round(r["bytes"] / r["requests"]) if r["requests"] else 0,
        "seconds": round(secs, 1),
        "server_cpu_s": round(process_cpu_seconds(pids) - own0, 1) if server_pids else None,
        "wrk_cpu_s": round(wrk_cpu, 1),
        "other_cpu_share": other,
    }


def cache_counts(port: int) -> tuple[int, int] | None:
    """dargah's response-cache hits and misses over all its workers: one scrape shows the whole
    replica (api/metrics.py); the counters only grow, so the largest of a few scrapes is the latest."""
    time.sleep(1.1)  # the other workers publish their counts about once a second
    pairs = []
    for _ in range(3):
        status, body = http_get(port, "/metrics", 2)
        if status != 200:
            continue
        text = body.decode("utf-8", "replace")
        hit = re.search(r'dargah_cache_requests_total\{result="hit"\} (\d+)', text)
        miss = re.search(r'dargah_cache_requests_total\{result="miss"\} (\d+)', text)
        if hit and miss:
            pairs.append((int(hit.group(1)), int(miss.group(1))))
    return max(pairs, key=sum) if pairs else None


def py_spy() -> str:
    local = Path(PYTHON).parent / "py-spy"
    return str(local) if local.exists() else (shutil.which("py-spy") or "py-spy")


def profile_worker(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    # --gil: only the thread holding the GIL is sampled, so the shares are of the worker's Python CPU
    # time (threads waiting for the GIL would otherwise show as busy in whatever frame they wait).
    cmd = [
        py_spy(),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        "100",
        "--gil",
        "--format",
        "raw",
        "--output",
        str(out),
    ]
    return spawn(cmd, stdout=subprocess.DEVNULL, stderr=(VAR / "logs" / "py-spy.log").open("ab"))


def warm_up(kind: str, mix: str, port: int, paths: Path, args) -> float:
    """Warm-up load, not measured: `--warmup` seconds; for dargah's judged mix, repeated until its
    response cache answers at least 95% of a round (the steady state of a popular-query mix) or
    `--judged-warmup-max` seconds have passed. Returns the seconds spent."""
    if args.warmup <= 0:
        return 0.0
    spent = 0.0
    adaptive = kind == "dargah" and mix == "judged"
    while True:
        before = cache_counts(port) if adaptive else None
        wrk(port, paths, args.warmup, args)
        spent += args.warmup
        if not adaptive or spent >= args.judged_warmup_max:
            break
        after = cache_counts(port)
        if before and after:
            hits, misses = after[0] - before[0], after[1] - before[1]
            if hits + misses and hits / (hits + misses) >= 0.95:
                break
    if adaptive:
        log(f"  warm-up of the judged mix: {spent:.0f} s")
    return spent


def load_suite(kind: str, corpus_label: str, index, qs: QuerySets, args, body=None, profile=False) -> dict:
    """Cold starts, then the judged mix and the distinct queries against one server."""
    res: dict = {"server": kind, "corpus": corpus_label}
    cold = []
    proc, port = None, None
    try:
        for i in range(max(1, args.cold_starts)):
            proc, port, secs = start_server(kind, index, corpus_label, body)
            cold.append(round(secs, 2))
            if i < args.cold_starts - 1:
                stop(proc)
                proc = None
        res["cold_start_s"] = cold
        res["cold_start_median_s"] = round(statistics.median(cold), 2)
        log(f"service: {kind} on {corpus_label}: cold start {cold} s")
        for mix, warm_file in (("judged", qs.files["judged"]), ("distinct", qs.files["warm_distinct"])):
            warmed = warm_up(kind, mix, port, warm_file, args)
            mid = cache_counts(port) if kind == "dargah" else None
            r = wrk(port, qs.files[mix], args.duration, args, server_pids=lambda: [proc.pid, *children(proc.pid)])
            r["warmup_s"] = warmed
            if kind == "dargah":
                after = cache_counts(port)
                if mid and after:
                    hits, misses = after[0] - mid[0], after[1] - mid[1]
                    r["cache_hit_ratio"] = round(hits / (hits + misses), 3) if hits + misses else None
            res[mix] = r
            log(
                f"  {mix:8} {r['rps']:8.1f} req/s (2xx)  p50 {r['p50_ms']:8.2f} ms  p99 {r['p99_ms']:8.2f} ms  "
                f"errors {r['errors']}"
                + (f"  cache hits {r.get('cache_hit_ratio')}" if kind == "dargah" else "")
                + f"  (other work: {r['other_cpu_share']:.0%} of the CPUs)"
            )
        workers = children(proc.pid)
        res["worker_rss_mb"] = [round((rss_kb(w) or 0) / 1024, 1) for w in workers]
        res["worker_pss_mb"] = [round((pss_kb(w) or 0) / 1024, 1) for w in workers]
        parts = [rss_parts_kb(w) for w in workers]
        res["worker_rss_anon_mb"] = [round((anon or 0) / 1024, 1) for anon, _file in parts]
        res["worker_rss_file_mb"] = [round((file or 0) / 1024, 1) for _anon, file in parts]
        res["parent_rss_mb"] = round((rss_kb(proc.pid) or 0) / 1024, 1)
        log(
            f"  worker RSS {res['worker_rss_mb']} MB (anonymous {res['worker_rss_anon_mb']}, "
            f"mapped files {res['worker_rss_file_mb']}), PSS {res['worker_pss_mb']} MB "
            f"(parent RSS {res['parent_rss_mb']} MB)"
        )
        if kind == "dargah":
            res["sample_body"] = capture_body(port, qs, corpus_label)
        if profile and kind == "dargah" and workers:
            out = VAR / f"profile-dargah-{corpus_label}.txt"
            out.unlink(missing_ok=True)
            log(f"  profiling worker {workers[0]} for {args.duration:.0f} s under distinct load (py-spy)")
            spy = profile_worker(workers[0], args.duration, out)
            time.sleep(1.0)
            wrk(port, qs.files["profile"], args.duration, args)
            try:
                spy.wait(args.duration + 30)
            except subprocess.TimeoutExpired:
                pass
            stop(spy)
            if out.exists():
                res["profile"] = profiles.summarize(out, str(ROOT))
                res["profile"]["file"] = str(out.relative_to(ROOT))
                res["profile"]["gil"] = True
            else:
                log("  py-spy wrote nothing (see var/bench/logs/py-spy.log)")
    finally:
        if proc is not None:
            stop(proc)
    return res


def capture_body(port: int, qs: QuerySets, label: str) -> str:
    """A real dargah answer of median size, for the fixed-answer service."""
    sizes = []
    for q in qs.judged[:41]:
        status, body = http_get(port, queries.search_path(q), 10)
        if status == 200:
            sizes.append((len(body), body))
    sizes.sort(key=lambda x: x[0])
    path = VAR / f"fixed-body-{label}.json"
    path.write_bytes(sizes[len(sizes) // 2][1] if sizes else b'{"hits": []}')
    return str(path)


# -- single-card publication -----------------------------------------------------------------------

# Made-up words no card writes, each its own index term: a card retitled with one is found by it
# only once the write is published and served.
PUBLICATION_MARKERS = [f"زغبک{letter}وه" for letter in "پتثجچحخدذرزژسشصض"]
SEEN_IN_A_ROW = 10  # answers in a row, each on a new connection, that show the change: both workers serve it


def publication_latency(index: Path, corpus: corpora.Corpus, runs: int) -> dict:
    """Seconds from an admin write of one card (PUT /api/v1/admin/services/{id}) to the change
    shown by search: `write_s` until the PUT answers (the generation is published), `visible_s`
    until SEEN_IN_A_ROW answers in a row find the card by the word the write added to its title.
    On a copy of the corpus' index, served by `dargah serve --workers 2`."""
    import secrets
    import urllib.parse
    import urllib.request

    copy = VAR / f"publication-{corpus.label}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy, symlinks=True)
    with corpus.path.open(encoding="utf-8") as f:
        cards = [json.loads(line) for line, _ in zip(f, range(runs), strict=False)]
    token = secrets.token_hex(16)
    port = free_port()
    logfile = (VAR / "logs" / f"publication-{corpus.label}.log").open("wb")
    proc = spawn(
        server_command("dargah", copy, port),
        env={**os.environ, "DARGAH_ADMIN_TOKEN": token},
        stdout=logfile,
        stderr=logfile,
    )
    writes, visible = [], []
    try:
        wait_ready(port, proc)
        for card, marker in zip(cards, PUBLICATION_MARKERS, strict=False):
            card = {**card, "title": f"{card['title']} {marker}"}
            request = urllib.request.Request(
                f"http://{HOST}:{port}/api/v1/admin/services/{urllib.parse.quote(card['id'])}",
                data=json.dumps(card, ensure_ascii=False).encode(),
                method="PUT",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            started = time.monotonic()
            with urllib.request.urlopen(request, timeout=60) as r:
                r.read()
            writes.append(time.monotonic() - started)
            path = "/api/v1/search?" + urllib.parse.urlencode({"q": marker})
            seen = 0
            while seen < SEEN_IN_A_ROW:
                if time.monotonic() - started > 60:
                    raise TimeoutError(f"the write of {card['id']} was not visible after 60 s")
                status, body = http_get(port, path)
                hits = json.loads(body)["hits"] if status == 200 else []
                seen = seen + 1 if hits and hits[0]["id"] == card["id"] else 0
            visible.append(time.monotonic() - started)
    finally:
        stop(proc)
        logfile.close()
        shutil.rmtree(copy, ignore_errors=True)
    return {
        "runs": len(visible),
        "write_s": [round(x, 3) for x in writes],
        "visible_s": [round(x, 3) for x in visible],
        "write_median_s": round(statistics.median(writes), 3),
        "visible_median_s": round(statistics.median(visible), 3),
    }


AFTER_PUBLICATION_QUERIES = 100_000


def wait_idle(pids: list[int], most: float = 60.0, quiet_cpu_s: float = 0.05) -> float | None:
    """Seconds until these processes used less than `quiet_cpu_s` of CPU in a second (None if they
    never did within `most` seconds)."""
    started = time.monotonic()
    while time.monotonic() - started < most:
        before = process_cpu_seconds(pids)
        time.sleep(1.0)
        if process_cpu_seconds(pids) - before < quiet_cpu_s:
            return round(time.monotonic() - started, 1)
    return None


def after_publication_load(index: Path, corpus: corpora.Corpus, qs: QuerySets, args) -> dict:
    """Fresh-query latency around single-card admin writes: on a copy of the corpus' index served by
    `dargah serve --workers 2`, a steady load of distinct queries (`--after-publication-connections`)
    while `--after-publication-runs` cards are retitled one after another, `--after-publication-window`
    seconds apart on each side; p50/p99 in the window before each write, while it is answered, in the
    window after its answer, and over the whole measured load (benchmarks/after_publication.py)."""
    import secrets

    copy = VAR / f"after-publication-{corpus.label}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy, symlinks=True)
    # Cards from the end of the corpus: publication_latency retitles the first ones.
    all_cards = queries.read_cards(corpus.path)
    cards = all_cards[-args.after_publication_runs :]
    # More distinct queries than the service runs use: the load lasts a minute or more, and a
    # repeated query might be answered from the response cache.
    fresh = queries.distinct(all_cards, AFTER_PUBLICATION_QUERIES, exclude=set(qs.judged) | set(qs.warm))
    pubs = [
        after_publication.Publication(
            card["id"],
            json.dumps({**card, "title": f"{card['title']} {marker}"}, ensure_ascii=False).encode(),
            marker,
        )
        for card, marker in zip(cards, reversed(PUBLICATION_MARKERS), strict=False)
    ]
    token = secrets.token_hex(16)
    env = {**os.environ, "DARGAH_ADMIN_TOKEN": token}
    proc, port, _ = start_server("dargah", copy, f"after-publication-{corpus.label}", env=env)
    try:
        pids = [proc.pid, *children(proc.pid)]
        # A generation builds the rest of what it serves (suggestions, report) a second after it
        # starts serving, in the workers: let that finish before the first quiet window.
        idle_after = wait_idle(pids)
        t0, busy0, server0 = time.monotonic(), busy_cpu_seconds(), process_cpu_seconds(pids)
        result = after_publication.run(
            port,
            [queries.search_path(q) for q in qs.warm],
            [queries.search_path(q) for q in fresh],
            pubs,
            token,
            connections=args.after_publication_connections,
            warmup=args.warmup,
            window=args.after_publication_window,
            timeout=args.timeout,
            host=HOST,
        )
        server_cpu = process_cpu_seconds(pids) - server0
        other_cpu = busy_cpu_seconds() - busy0 - server_cpu - result["client_cpu_s"]
        result["server_cpu_s"] = round(server_cpu, 1)
        result["other_cpu_share"] = round(max(0.0, other_cpu) / ((time.monotonic() - t0) * (os.cpu_count() or 1)), 3)
    finally:
        stop(proc)
        shutil.rmtree(copy, ignore_errors=True)
    result.update(
        idle_after_s=idle_after,
        connections=args.after_publication_connections,
        window_s=args.after_publication_window,
        warmup_s=args.warmup,
        cards=corpus.cards,
    )
    med, ov = result["median"], result["overall"]
    log(
        f"  PUT answered in {result['put_median_s']} s (median); p50/p99 ms before {med['before']['p50_ms']}/"
        f"{med['before']['p99_ms']}, after {med['after']['p50_ms']}/{med['after']['p99_ms']}, overall "
        f"{ov['p50_ms']}/{ov['p99_ms']} ({ov['requests']} requests, {ov['per_s']}/s, {ov['errors']} errors); "
        f"visible: {[p['visible'] for p in result['publications']]}; "
        f"load generator CPU {result['client_cpu_s']} s, server {result['server_cpu_s']} s, "
        f"other work {result['other_cpu_share']:.0%} of the CPUs"
    )
    return result


# -- report ---------------------------------------------------------------------------------------


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def _fmt(v, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float):
        v = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v}{unit}"


def _verdict(ok):
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def _ms(v, decimals: int = 1) -> str:
    return "–" if v is None else f"{v:,.{decimals}f}"


def _share(v) -> str:
    return "–" if v is None else format(v, ".0%")


def _statuses(counts: dict | None) -> str:
    return ", ".join(f"{k}×{v}" for k, v in sorted((counts or {}).items())) or "none"


def _after_verdict(target_applies: bool, p99_ms) -> str:
    """The fresh-query p99 target holds at 10,000 cards; the bundled corpus is only a smoke run."""
    if not target_applies or p99_ms is None:
        return _verdict(None)
    return _verdict(p99_ms <= TARGETS["after_publication_p99_ms"])


def build_report(results: dict) -> str:
    m, cfg = results["machine"], results["config"]
    svc = results.get("service", {})
    lines = [
        f"Run of {results['date']} ({'--quick' if cfg['quick'] else 'full run'}), {results['elapsed_min']} min in all.",
        f"Machine: {m['nproc']} CPUs, {m['model']}, {m['mem_mb'] // 1024} GB; "
        f"load average {results['load_before']} before the run, {results['load_after']} after (1/5/15 min).",
        f"Load: wrk {cfg['threads']} threads, {cfg['connections']} connections, {cfg['duration']:.0f} s per run after "
        f"{cfg['warmup']:.0f} s of warm-up, timeout {cfg['timeout']:.0f} s; "
        "all three servers run 2 worker processes on 127.0.0.1.",
        "",
    ]

    def get(corpus, server, mix, key):
        return svc.get(corpus, {}).get(server, {}).get(mix, {}).get(key)

    rows = []

    def row(name, d, t, target, ok, unit="", ratio=True):
        shown_ratio = _fmt(_ratio(d, t)) + "×" if ratio and _ratio(d, t) is not None else "–"
        rows.append(f"| {name} | {_fmt(d, unit)} | {_fmt(t, unit)} | {shown_ratio} | {target} | {_verdict(ok)} |")

    shares = [
        r.get("other_cpu_share")
        for per in svc.values()
        for srv in per.values()
        for mix in ("judged", "distinct")
        if isinstance(srv, dict) and isinstance(r := srv.get(mix), dict) and r.get("other_cpu_share") is not None
    ]
    if shares:
        lines[-1:-1] = [
            f"Other work on the machine during the load runs: {min(shares):.0%} to {max(shares):.0%} of the CPUs "
            "(last column of the service runs; more than a few % makes that run's numbers worse)."
        ]
    if svc:
        for c in svc:
            d, t = get(c, "dargah", "judged", "rps"), get(c, "tantivy", "judged", "rps")
            ok = None if _ratio(d, t) is None else _ratio(d, t) >= TARGETS["judged_rps_ratio"]
            row(f"req/s, judged mix, {c}", d, t, f"≥ {TARGETS['judged_rps_ratio']}× tantivy", ok)
            d, t = get(c, "dargah", "judged", "p99_ms"), get(c, "tantivy", "judged", "p99_ms")
            target = TARGETS["judged_p99_ms"]
            row(f"p99 ms, judged mix, {c}", d, t, f"≤ {target:.0f} ms", None if d is None else d <= target)
            d, t = get(c, "dargah", "distinct", "rps"), get(c, "tantivy", "distinct", "rps")
            target = TARGETS["distinct_rps_ratio"].get(c)
            ok = None if target is None or _ratio(d, t) is None else _ratio(d, t) >= target
            row(f"req/s, distinct, {c}", d, t, "" if target is None else f"≥ {target}× tantivy", ok)
            d, t = get(c, "dargah", "distinct", "p99_ms"), get(c, "tantivy", "distinct", "p99_ms")
            target = TARGETS["distinct_p99_ms"].get(c)
            ok = None if target is None or d is None else d <= target
            row(f"p99 ms, distinct, {c}", d, t, "" if target is None else f"≤ {target:.0f} ms", ok)
            target = TARGETS["distinct_errors"].get(c)
            if target is not None:
                d, t = get(c, "dargah", "distinct", "errors"), get(c, "tantivy", "distinct", "errors")
                row(f"errors, distinct, {c}", d, t, str(target), None if d is None else d <= target, ratio=False)
        derr = sum(get(c, "dargah", mix, "errors") or 0 for c in svc for mix in ("judged", "distinct"))
        terr = sum(get(c, "tantivy", mix, "errors") or 0 for c in svc for mix in ("judged", "distinct"))
        row("errors, all runs", derr, terr, "", None, ratio=False)
        for c in svc:
            d = svc[c].get("dargah", {}).get("cold_start_median_s")
            t = svc[c].get("tantivy", {}).get("cold_start_median_s")
            row(
                f"cold start s (median of {cfg['cold_starts']}), {c}",
                d,
                t,
                "≤ 5 s",
                None if d is None else d <= TARGETS["cold_start_s"],
            )
        for c in svc:
            d = max(svc[c].get("dargah", {}).get("worker_rss_mb") or [0]) or None
            t = max(svc[c].get("tantivy", {}).get("worker_rss_mb") or [0]) or None
            target = TARGETS["rss_per_worker_mb"].get(c)
            row(
                f"RSS per worker MB after load, {c} (largest)",
                d,
                t,
                "" if target is None else f"≤ {target:.0f} MB",
                None if d is None or target is None else d <= target,
            )
            d = max(svc[c].get("dargah", {}).get("worker_pss_mb") or [0]) or None
            t = max(svc[c].get("tantivy", {}).get("worker_pss_mb") or [0]) or None
            row(f"PSS per worker MB after load, {c} (largest; shared pages split)", d, t, "", None)
        lines += [
            "### Targets (dargah / tantivy)",
            "",
            "| measure | dargah | tantivy | dargah/tantivy | target | |",
            "| --- | ---: | ---: | ---: | --- | --- |",
            *rows,
            "",
            "### Service runs",
            "",
            "| corpus | mix | server | req/s (2xx) | answers/s (all) | p50 ms | p90 ms | p99 ms | max ms | errors "
            "| bytes/answer | dargah cache hits | server CPU s | wrk CPU s | other work |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for c in svc:
            for mix in ("judged", "distinct"):
                for s in SERVERS:
                    r = svc[c].get(s, {}).get(mix)
                    if not r:
                        continue
                    hit = r.get("cache_hit_ratio")
                    other = r.get("other_cpu_share")
                    lines.append(
                        f"| {c} | {mix} | {s} | {r['rps']:,.0f} | {r.get('answers_per_s', r['rps']):,.0f} "
                        f"| {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | "
                        f"{r['max_ms']:.0f} | {r['errors']} | {r['mean_body_bytes']:,} "
                        f"| {'' if hit is None else f'{hit:.0%}'} | "
                        f"{_fmt(r.get('server_cpu_s'))} | {_fmt(r.get('wrk_cpu_s'))} "
                        f"| {'–' if other is None else format(other, '.0%')} |"
                    )
        lines += [
            "",
            "Cold start (s, each start) and resident memory after the load (MB, each worker; the parent apart):",
            "",
        ]
        for c in svc:
            for s in ("dargah", "tantivy"):
                r = svc[c].get(s)
                if r:
                    lines.append(
                        f"- {c}, {s}: cold start {r['cold_start_s']}; "
                        f"workers {r['worker_rss_mb']}"
                        + (
                            f" (anonymous {r['worker_rss_anon_mb']}, mapped files {r['worker_rss_file_mb']})"
                            if "worker_rss_anon_mb" in r
                            else ""
                        )
                        + f" (parent {r['parent_rss_mb']})"
                    )
        lines.append("")

    big_builds = [(k.split("-", 1)[1], b) for k, b in results["builds"].items() if k.startswith("dargah-")]
    big_builds = [(c, b) for c, b in big_builds if c != "bundled"]
    publication = results.get("publication") or {}
    if big_builds or publication:
        lines += [
            "### Builds and single-card publication (dargah)",
            "",
            "| measure | dargah | target | |",
            "| --- | ---: | --- | --- |",
        ]
        for c, b in big_builds:
            when = f" (built {b['built_at']})" if b.get("reused") else ""
            most = TARGETS["build_s"].get(c)
            target = "" if most is None else f"≤ {most:.0f} s"
            ok = None if most is None else b["seconds"] <= most
            lines.append(
                f"| index build s, {c}{when}; peak {_fmt(b.get('max_rss_mb'))} MB | {_fmt(b['seconds'])} "
                f"| {target} | {_verdict(ok)} |"
            )
        for c, p in publication.items():
            lines.append(
                f"| single-card publication s, {c}: admin write answered (median of {p['runs']}) "
                f"| {_fmt(p['write_median_s'])} | | |"
            )
            lines.append(
                f"| single-card publication s, {c}: visible in {SEEN_IN_A_ROW} searches in a row (median of "
                f"{p['runs']}) | {_fmt(p['visible_median_s'])} | ≤ {TARGETS['publication_s']:.0f} s "
                f"| {_verdict(p['visible_median_s'] <= TARGETS['publication_s'])} |"
            )
        lines.append("")

    for c, a in (results.get("after_publication") or {}).items():
        med, ov = a["median"], a["overall"]
        n = len(a["publications"])
        big = c != "bundled"
        target = f"≤ {TARGETS['after_publication_p99_ms']:.0f} ms" if big else ""

        lines += [
            f"### Fresh queries around a single-card publication (dargah, {c})",
            "",
            f"{n} admin writes (`PUT`, one card retitled each, answered in {_fmt(a['put_median_s'])} s, median) "
            f"under a steady load of distinct queries from {a['connections']} connections of an in-process "
            f"asyncio load generator (which used {a['client_cpu_s']} CPU s of the same machine, the server "
            f"{_ms(a.get('server_cpu_s'))}; other work: {_share(a.get('other_cpu_share'))} of the CPUs); windows of "
            f"{a['window_s']:.0f} s before each write was sent and after it was answered, by the time each "
            "request was sent; per window the median over the writes. Latency of every request, errors "
            "included.",
            "",
            "| window | requests | p50 ms | p99 ms | max ms | errors | target p99 | |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for name, label in (
            ("before", f"{a['window_s']:.0f} s before the write"),
            ("during", "while the write is answered"),
            ("after", f"{a['window_s']:.0f} s after the answer"),
        ):
            w = med[name]
            shown_target = target if name != "during" else ""
            shown_verdict = _after_verdict(big, w["p99_ms"]) if name != "during" else "–"
            lines.append(
                f"| {label} (median of {n}) | {_ms(w['requests'], 0)} | {_ms(w['p50_ms'])} | {_ms(w['p99_ms'])} "
                f"| {_ms(w['max_ms'], 0)} | {_ms(w['errors'], 0)} | {shown_target} | {shown_verdict} |"
            )
        lines += [
            f"| overall ({_ms(ov['per_s'], 0)} requests/s) | {ov['requests']:,} | {_ms(ov['p50_ms'])} "
            f"| {_ms(ov['p99_ms'])} | {_ms(ov['max_ms'], 0)} | {ov['errors']} | {target} "
            f"| {_after_verdict(big, ov['p99_ms'])} |",
            "",
            "Each write's p99 ms before / after: "
            + ", ".join(f"{p['before']['p99_ms']} / {p['after']['p99_ms']}" for p in a["publications"])
            + "; errors by status (0: no answer) before / during / after: "
            + ", ".join(
                " / ".join(_statuses(p[w].get("errors_by_status")) for w in ("before", "during", "after"))
                for p in a["publications"]
            )
            + "; the change found by search at the end of the window after: "
            + ", ".join("yes" if p["visible"] else "**no**" for p in a["publications"])
            + (f"; {a['paths_repeated']} requests repeated a query (the list ran out)" if a["paths_repeated"] else "")
            + ".",
            "",
            "Second by second after the answer (median over the writes), requests / p99 ms: "
            + ", ".join(f"{_ms(x['requests'], 0)} / {_ms(x['p99_ms'], 0)}" for x in a["after_by_second_median"])
            + ".",
            "",
        ]

    eng = results.get("engine", {})
    if eng:
        lines += [
            "### Engine, in-process (`Engine.search(SearchRequest(q, size=10))`, facets and highlights included)",
            "",
            "| corpus | cards | engine | index build s | build peak MB | load s | judged p50 / p99 ms (n) "
            "| distinct p50 / p99 ms (n of planned) | zero-hit share judged / distinct | peak RSS MB | other work |",
            "| --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | ---: | ---: |",
        ]
        for c, per in eng.items():
            for e in ("dargah", "tantivy"):
                r = per.get(e)
                if not r:
                    continue
                b = results["builds"].get(f"{e}-{c}", {})
                when = "" if not b.get("reused") else f" (built {b['built_at']})"
                j, d = r["judged"], r["distinct"]
                lines.append(
                    f"| {c} | {r['cards']:,} | {e} | {_fmt(b.get('seconds'))}{when} | {_fmt(b.get('max_rss_mb'))} "
                    f"| {r['load_s']} | {j['p50_ms']:.1f} / {j['p99_ms']:.1f} ({j['n']}) "
                    f"| {d['p50_ms']:.1f} / {d['p99_ms']:.1f} ({d['n']} of {d['planned']}) | "
                    f"{j['zero_hit_share']:.0%} / {d['zero_hit_share']:.0%} | {r['peak_rss_mb']} | "
                    f"{'–' if r.get('other_cpu_share') is None else format(r['other_cpu_share'], '.0%')} |"
                )
        synth = results.get("synth_seconds") or {}
        if synth:
            lines += [
                "",
                "Synthetic corpora: " + ", ".join(f"{k} generated in {v:.0f} s" for k, v in synth.items() if v) + ".",
            ]
        lines.append("")

    prof = [(c, svc[c]["dargah"]["profile"]) for c in svc if svc[c].get("dargah", {}).get("profile")]
    for c, p in prof:
        lines += [
            f"### Where a dargah worker's time goes ({c}, distinct queries under load; py-spy, {p['samples']} samples"
            + (" of the thread holding the GIL)" if p.get("gil") else ")"),
            "",
            "| inclusive | dargah function | | self | any function |",
            "| ---: | --- | --- | ---: | --- |",
        ]
        for a, b in zip(p["inclusive"], p["self"], strict=False):
            lines.append(f"| {a['share']:.0%} | `{a['function']}` | | {b['share']:.0%} | `{b['function']}` |")
        lines.append("")
        if p.get("stages"):
            lines += [
                f"By stage of a search ({c}; a sample counts for the stage of its innermost frame in code "
                "a stage owns: `benchmarks/profiles.py`):",
                "",
                "| stage | share of busy time |",
                "| --- | ---: |",
                *(f"| {s['stage']} | {s['share']:.0%} |" for s in p["stages"]),
                "",
            ]
    return "\n".join(lines)


def write_readme(report: str) -> None:
    text = README.read_text("utf-8") if README.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n## Latest results\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{report}\n{END}{tail}", "utf-8")


# -- main -------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    check_tools(args)
    install_cleanup()
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: dict = {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "load_before": loadavg(),
        "config": {
            k: getattr(args, k)
            for k in (
                "quick",
                "duration",
                "warmup",
                "connections",
                "threads",
                "timeout",
                "cold_starts",
                "engine_budget",
                "engine_queries",
                "service_queries",
                "judged_warmup_max",
                "after_publication_runs",
                "after_publication_connections",
                "after_publication_window",
            )
        },
        "builds": {},
        "engine": {},
        "service": {},
        "synth_seconds": {},
        "publication": {},
        "after_publication": {},
    }
    log(
        f"benchmark ({'quick' if args.quick else 'full'}) on {results['machine']['nproc']} CPUs, "
        f"load average {results['load_before']}"
    )

    # Corpora and indexes.
    corpus_list = [corpora.bundled()]
    for n in sorted(set(args.synth_sizes) | set(args.service_sizes)):
        c = corpora.synthetic(n)
        corpus_list.append(c)
        results["synth_seconds"][c.label] = c.synth_seconds
    service_labels = {"bundled"} | {corpora.label_of(n) for n in args.service_sizes}
    engine_labels = {"bundled"} | {corpora.label_of(n) for n in args.synth_sizes}
    built: dict[str, dict[str, Path]] = {}
    for c in corpus_list:
        built[c.label] = {}
        for e, fn in (("dargah", corpora.dargah_index), ("tantivy", corpora.tantivy_index)):
            b = fn(c, rebuild=args.rebuild)
            built[c.label][e] = b.index
            results["builds"][f"{e}-{c.label}"] = {
                "seconds": b.seconds,
                "max_rss_mb": b.max_rss_mb,
                "built_at": b.built_at,
                "reused": b.reused,
            }
            if b.reused:
                log(
                    f"{e} index of {c.label}: unchanged, kept "
                    f"(built {b.built_at} in {b.seconds:.0f} s, peak {b.max_rss_mb:.0f} MB)"
                )

    qsets = {c.label: QuerySets(c, args) for c in corpus_list}

    # Engine, in-process.
    if not args.skip_engine:
        for c in corpus_list:
            if c.label not in engine_labels:
                continue
            budget = args.engine_budget if (args.quick or c.label != "bundled") else 0
            results["engine"][c.label] = {
                e: engine_run(e, built[c.label][e], qsets[c.label], budget or None) for e in ("dargah", "tantivy")
            }

    # Service under load.
    if not args.skip_service:
        for c in corpus_list:
            if c.label not in service_labels:
                continue
            per = results["service"][c.label] = {}
            per["dargah"] = load_suite(
                "dargah", c.label, built[c.label]["dargah"], qsets[c.label], args, profile=args.profile
            )
            per["tantivy"] = load_suite("tantivy", c.label, built[c.label]["tantivy"], qsets[c.label], args)
            body = Path(per["dargah"]["sample_body"])
            fixed_args = argparse.Namespace(**{**vars(args), "cold_starts": 1})
            per["fixed"] = load_suite("fixed", c.label, None, qsets[c.label], fixed_args, body=body)

    # Single-card publication on the first synthetic service corpus.
    publication_corpus = next((c for c in corpus_list if c.label in service_labels - {"bundled"}), None)
    if args.publication_runs > 0 and publication_corpus:
        c = publication_corpus
        log(f"single-card publication on {c.label}: {args.publication_runs} admin writes")
        results["publication"][c.label] = publication_latency(built[c.label]["dargah"], c, args.publication_runs)

    # Fresh queries around publications: the same corpus, or the bundled one when there is none.
    after_corpus = publication_corpus or (corpus_list[0] if args.only_after_publication else None)
    if args.after_publication_runs > 0 and after_corpus:
        c = after_corpus
        log(
            f"fresh queries around {args.after_publication_runs} single-card publications on {c.label} "
            f"({args.after_publication_connections} connections)"
        )
        results["after_publication"][c.label] = after_publication_load(
            built[c.label]["dargah"], c, qsets[c.label], args
        )

    results["load_after"] = loadavg()
    results["elapsed_min"] = round((time.monotonic() - started) / 60, 1)
    report = build_report(results)
    out = VAR / ("results-quick.json" if args.quick else "results.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(report)
    if not args.no_readme:
        write_readme(report)
        log(f"table written into {README.relative_to(ROOT)}; all numbers in {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("benchmarks/run.py: interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
