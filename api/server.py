"""`dargah serve`: one or several worker processes on one listening port.

With --workers N > 1 the parent forks N workers that each bind the port with SO_REUSEPORT (the
kernel spreads connections among them; balance.py evens out an uneven spread) and replaces any
worker that dies. SIGTERM or SIGINT is passed on to the workers, which finish their in-flight
requests and exit.

The workers publish their metrics in a directory of the replica, so that a scrape of any of them
shows the whole replica (api/metrics.py); with --access-log each writes its own lines (api/accesslog.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

import search
from api.accesslog import ACCESS_LOG, AccessLog
from api.app import Settings, create_app
from api.balance import ConnectionBalance, shared_counts
from api.metrics import Metrics, SharedSnapshots, retire, shared_directory
from api.state import ENGINE, METRICS

log = logging.getLogger("dargah.server")
SHUTDOWN_TIMEOUT = 10.0  # seconds a worker may take to finish in-flight requests
PUBLISH_INTERVAL = 1.0  # seconds between a worker's metrics snapshots (and access log writes)
SWITCH_INTERVAL = 0.001  # seconds a thread may hold the GIL while others wait (see run_worker)


@dataclass(frozen=True)
class Observability:
    """What a replica records of its work: where the workers publish their metrics (None: one
    worker, nothing to share) and the access log (None: off; "-": standard error; else a file)."""

    metrics_dir: Path | None = None
    access_log: str | None = None


def run_worker(
    settings: Settings,
    host: str,
    port: int,
    reuse_port: bool,
    balance: ConnectionBalance | None = None,
    slot: int = 0,
    observability: Observability = Observability(),
) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s [{os.getpid()}] %(levelname)s %(name)s: %(message)s")
    # A search thread holding the GIL keeps the event loop and the other search thread waiting
    # up to the switch interval: a shorter one than Python's 5 ms lets them in sooner (measured
    # in the commit that set it).
    sys.setswitchinterval(SWITCH_INTERVAL)
    asyncio.run(_serve(settings, host, port, reuse_port, balance, slot, observability))


async def _serve(
    settings: Settings,
    host: str,
    port: int,
    reuse_port: bool,
    balance: ConnectionBalance | None = None,
    slot: int = 0,
    observability: Observability = Observability(),
) -> None:
    """Serve until SIGTERM or SIGINT, then drain: stop accepting, let the requests in flight
    finish (up to SHUTDOWN_TIMEOUT), run the cleanups, exit.

    aiohttp's run_app cancels its main task on a signal, and a cancelled task does not wait for
    in-flight handlers, so the signals are handled here instead."""
    app = create_app(settings=settings)
    if observability.metrics_dir is not None:
        app[METRICS] = Metrics(SharedSnapshots(observability.metrics_dir, slot))
    if observability.access_log is not None:
        path = None if observability.access_log == "-" else observability.access_log
        app[ACCESS_LOG] = AccessLog.open(path, slot)
    app.cleanup_ctx.append(_publish_every_second)
    if balance is not None:
        app.on_response_prepare.append(balance.on_response_prepare)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    if balance is not None:
        balance.server = runner.server
    site = web.TCPSite(runner, host, port, reuse_port=reuse_port, backlog=1024)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping: finishing requests in flight")
    await runner.cleanup()


async def _publish_every_second(app: web.Application):
    """Write this worker's metrics snapshot for the other workers, and its access log lines, about
    once a second; both once more on the way out."""

    def publish() -> None:
        engine = app[ENGINE]
        app[METRICS].publish(engine.generation_name(), engine.card_count())
        access_log = app.get(ACCESS_LOG)
        if access_log is not None:
            access_log.flush()

    async def loop_forever():
        while True:
            await asyncio.sleep(PUBLISH_INTERVAL)
            try:
                publish()
            except Exception:  # a full /dev/shm must not stop the worker
                log.exception("publishing metrics failed")

    publish()
    task = asyncio.create_task(loop_forever())
    yield
    task.cancel()
    publish()
    access_log = app.get(ACCESS_LOG)
    if access_log is not None:
        access_log.close()


def serve(settings: Settings, host: str, port: int, workers: int, access_log: str | None = None) -> int:
    """Serve until SIGTERM or SIGINT. `access_log`: None (off), "-" (standard error) or a file."""
    index_dir = settings.index_dir
    if workers <= 1:
        print(f"dargah: serving {index_dir} on http://{host}:{port}/", file=sys.stderr)
        run_worker(settings, host, port, reuse_port=False, observability=Observability(access_log=access_log))
        return 0
    metrics_dir = shared_directory()
    try:
        return _serve_workers(settings, host, port, workers, Observability(metrics_dir, access_log))
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve_workers(settings: Settings, host: str, port: int, workers: int, observability: Observability) -> int:
    index_dir = settings.index_dir
    # hazm's lexicon and the Normalizer (about 110 MB) are loaded once, here, and frozen out of
    # the garbage collector's reach: forked workers then share those pages instead of each
    # building its own copy, and start faster.
    search.warm_up()
    gc.collect()
    gc.freeze()
    ctx = multiprocessing.get_context("fork")
    procs: dict[int, multiprocessing.Process] = {}
    stopping = False
    counts = shared_counts(workers)

    def start(slot: int) -> None:
        balance = ConnectionBalance(counts, slot)
        p = ctx.Process(
            target=run_worker,
            args=(settings, host, port, True, balance, slot, observability),
            name=f"dargah-worker-{slot}",
            daemon=False,
        )
        p.start()
        procs[slot] = p

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for p in procs.values():
            if p.is_alive():
                os.kill(p.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(workers):
        start(slot)
    print(f"dargah: serving {index_dir} on http://{host}:{port}/ with {workers} workers", file=sys.stderr)

    restarts: list[float] = []
    while True:
        time.sleep(0.2)
        if stopping:
            deadline = time.monotonic() + SHUTDOWN_TIMEOUT + 5
            for p in procs.values():
                p.join(max(0.1, deadline - time.monotonic()))
                if p.is_alive():
                    p.kill()
            return 0
        for slot, p in list(procs.items()):
            if not p.is_alive():
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                if len(restarts) > 10 * workers:
                    log.error("workers keep dying; giving up")
                    stop(signal.SIGTERM, None)
                    break
                print(f"dargah: worker {p.pid} exited with {p.exitcode}; starting a new one", file=sys.stderr)
                retire(observability.metrics_dir, slot, p.pid)  # its counts stay in the replica's
                start(slot)
