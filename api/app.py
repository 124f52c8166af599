"""The aiohttp application: the public HTTP API over one Engine.

Whoosh work runs in a thread pool so the event loop keeps answering other requests (and
`dargah serve --workers N` runs N such processes on one port).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from api import params
from api.responses import Problem, json_response
from search import Engine, SearchRequest
from search.index_dir import IndexUnavailable

log = logging.getLogger("dargah.api")

ENGINE = web.AppKey("engine", Engine)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
STATIC = Path(__file__).parent / "static"


async def _run(request: web.Request, fn, *args):
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(request.app[EXECUTOR], fn, *args)
    except IndexUnavailable:
        raise Problem(503, "the search index is not available yet", headers={"Retry-After": "5"}) from None


async def search(request: web.Request) -> web.Response:
    query = request.rel_url.query
    req = SearchRequest(
        q=params.text(query, "q"),
        page=params.integer(query, "page", 1, 1, params.MAX_DEPTH),
        size=params.integer(query, "size", 10, 1, params.MAX_SIZE),
        filters={f: params.choices(query, f) for f in ("cluster", "agency")},
    )
    if req.page * req.size > params.MAX_DEPTH:
        raise params.invalid("page", f"page × size must be at most {params.MAX_DEPTH}")
    return json_response(await _run(request, request.app[ENGINE].search, req))


async def service(request: web.Request) -> web.Response:
    service_id = request.match_info["id"]
    card = await _run(request, request.app[ENGINE].service, service_id)
    if card is None:
        raise Problem(404, f"no service with id {service_id!r}")
    return json_response(card)


async def analyze(request: web.Request) -> web.Response:
    text = params.text(request.rel_url.query, "text", max_len=params.MAX_Q * 5)
    return json_response(await _run(request, Engine.analyze, text))


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    if not engine.ready:
        raise Problem(503, "no index generation is loaded yet", headers={"Retry-After": "1"})
    return json_response({"status": "ready", "generation": engine.generation().name})


async def index_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


@web.middleware
async def problems(request: web.Request, handler):
    """Every error leaves as problem+json; nothing internal (trace, path) ever does."""
    try:
        return await handler(request)
    except Problem:
        raise
    except web.HTTPException as e:
        if e.status >= 400:
            raise Problem(e.status, e.reason or "error", headers={k: v for k, v in e.headers.items() if k == "Allow"}) from None
        raise
    except Exception:
        log.exception("unhandled error on %s", request.path)
        raise Problem(500, "internal error; it has been logged") from None


async def _load_engine(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(app[EXECUTOR], app[ENGINE].load)
    except IndexUnavailable as e:
        log.error("%s", e)  # /readyz answers 503 until a generation can be opened


async def _close(app: web.Application) -> None:
    app[EXECUTOR].shutdown(wait=False, cancel_futures=True)


def create_app(index_dir: Path | str, *, threads: int = 4) -> web.Application:
    app = web.Application(middlewares=[problems], client_max_size=1024**2)
    app[ENGINE] = Engine(index_dir)
    app[EXECUTOR] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="search")
    app.on_startup.append(_load_engine)
    app.on_cleanup.append(_close)
    app.router.add_get("/api/v1/search", search)
    app.router.add_get("/api/v1/services/{id}", service)
    app.router.add_get("/api/v1/analyze", analyze)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/", index_page)
    return app
