"""N aiohttp worker processes sharing one port with SO_REUSEPORT, like `dargah serve --workers N`.

Used by the two measuring instruments (tantivy_service.py, fixed_service.py). Each worker builds its
application after the fork (so nothing such as a tantivy index is shared across a fork). SIGTERM or
SIGINT to the parent is passed on to the workers; the parent exits when they have.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable

from aiohttp import web


async def _readyz(request: web.Request) -> web.Response:
    return web.Response(body=b'{"status":"ready"}', content_type="application/json")


def instrument_app(search, setup: Callable[[web.Application], None] | None = None) -> Callable[[], web.Application]:
    """The factory of an instrument's application: GET /api/v1/search and /readyz; `setup` runs in
    each worker after the fork (to open an index there)."""

    def factory() -> web.Application:
        app = web.Application()
        if setup is not None:
            setup(app)
        app.router.add_get("/api/v1/search", search)
        app.router.add_get("/readyz", _readyz)
        return app

    return factory


def _worker(make_app: Callable[[], web.Application], host: str, port: int, reuse_port: bool) -> None:
    web.run_app(
        make_app(), host=host, port=port, reuse_port=reuse_port, access_log=None, print=None, shutdown_timeout=5
    )


def serve(make_app: Callable[[], web.Application], host: str, port: int, workers: int, name: str) -> int:
    if workers <= 1:
        _worker(make_app, host, port, False)
        return 0
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(make_app, host, port, True), name=f"{name}-{i}") for i in range(workers)]
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.is_alive() and p.pid:
                os.kill(p.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for p in procs:
        p.start()
    print(f"{name}: http://{host}:{port}/ with {workers} workers", file=sys.stderr, flush=True)
    while not stopping and all(p.is_alive() for p in procs):
        time.sleep(0.2)
    stop(signal.SIGTERM, None)
    deadline = time.monotonic() + 10
    for p in procs:
        p.join(max(0.1, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1)
    return 0
