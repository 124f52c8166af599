"""The aiohttp application: the public HTTP API and the page over one Engine.

Whoosh work runs in a thread pool so the event loop keeps answering other requests (and
`dargah serve --workers N` runs N such processes on one port). Whoosh itself is never imported
here: everything goes through `search.Engine`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
from aiohttp import web

from analyzers import ANALYZER_VERSION
from api import admin, assets, openapi, page, params, presenters
from api.accesslog import ACCESS_LOG
from api.metrics import Metrics
from api.querylog import QueryLog
from api.ratelimit import RateLimiter
from api.response_cache import ResponseCache
from api.responses import JSON, Problem, json_response, prefers_persian, unknown_parameters
from api.state import CACHE, ENGINE, EXECUTOR, INFLIGHT, LIMITER, METRICS, QUERYLOG, SETTINGS, TASKS, Settings
from search import Engine, SearchRequest
from search import report as national_report
from search.engine import SORTS
from search.facets import FACETS
from store import versions
from store.errors import GenerationIncompatible, GenerationMissing, IndexUnavailable

log = logging.getLogger("dargah.api")
NOT_READY = web.AppKey("not_ready", list)  # [why /readyz answers 503, when an operator may be told]

STATIC = Path(__file__).parent / "static"
API = "/api/v1"
CACHE_CONTROL = "public, max-age=30"
# The page may load only its own script, style and data: no inline script, no third parties.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


async def run_engine(request: web.Request, fn, *args):
    """Run engine work off the event loop, bounded in time and in how many run at once.

    An index that is not there yet, a worker already running its limit of searches, and a search
    past its time limit are each a 503 with Retry-After, never a 500 or an unbounded queue."""
    settings, inflight = request.app[SETTINGS], request.app[INFLIGHT]
    if inflight[0] >= settings.max_concurrent:
        raise Problem(
            503,
            "the server is busy; try again in a moment",
            detail_fa="سرور سرش شلوغ است؛ چند لحظه دیگر دوباره تلاش کنید.",
            headers={"Retry-After": "1"},
        )
    inflight[0] += 1
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + settings.search_timeout

    def unless_abandoned():
        # A thread must not start work whose client has already been told 503: under overload
        # that work would only delay the requests still waiting.
        if time.monotonic() >= deadline:
            raise TimeoutError
        try:
            return fn(*args)
        except GenerationMissing:
            # This worker lagged behind and its generation was pruned: open the current one and
            # answer from it, rather than fail the request.
            request.app[ENGINE].served.refresh()
            return fn(*args)

    try:
        future = loop.run_in_executor(request.app[EXECUTOR], unless_abandoned)
        return await asyncio.wait_for(future, settings.search_timeout)
    except IndexUnavailable:
        raise Problem(
            503,
            "the search index is not available yet",
            detail_fa="سامانه جست‌وجو هنوز آماده نیست؛ چند لحظه دیگر دوباره تلاش کنید.",
            headers={"Retry-After": "5"},
        ) from None
    except TimeoutError:
        raise Problem(
            503,
            "the search took too long; try again or simplify the query",
            detail_fa="جست‌وجو بیش از اندازه طول کشید؛ دوباره تلاش کنید یا عبارت کوتاه‌تری بنویسید.",
            headers={"Retry-After": "2"},
        ) from None
    finally:
        inflight[0] -= 1


async def cached_json(request: web.Request, fn, *args, note=None) -> tuple[web.Response, object]:
    """A JSON response from the per-generation response cache, computing it on a miss.

    `note(result)` extracts what the caller needs to know about a result (kept with the body, so
    a cache hit knows it too)."""
    app = request.app
    key = (app[ENGINE].generation_name(), request.path, tuple(sorted(request.rel_url.query.items())))
    cache, metrics = app[CACHE], app[METRICS]
    entry = cache.get(key) if key[0] else None
    if entry is None:
        metrics.cache_misses += 1
        result = await run_engine(request, fn, *args)
        entry = (orjson.dumps(result), note(result) if note else None)
        cache.put(key, entry)
    else:
        metrics.cache_hits += 1
    return web.Response(body=entry[0], content_type=JSON, charset="utf-8"), entry[1]


# -- public API ---------------------------------------------------------------------------------


def search_request(query) -> SearchRequest:
    sort = params.text(query, "sort", default="relevance")
    if sort not in SORTS:
        raise params.invalid("sort", f"must be one of {', '.join(SORTS)}", "ترتیب نتایج را نمی‌شناسیم")
    page, size = params.paging(query)
    return SearchRequest(
        q=params.text(query, "q"),
        page=page,
        size=size,
        filters={f: params.choices(query, f) for f in FACETS},
        sort=sort,
        electronic=params.boolean(query, "electronic"),
        exact=params.boolean(query, "exact"),
        facets=params.subset(query, "facets", FACETS),
    )


def _search_note(result: dict) -> tuple[str, bool, int, int, bool]:
    """What the handler needs of an answer, kept beside it in the cache: the normalized query and
    whether it found nothing (the query log), how many pages there are and which one this is (a
    page past the end), whether anything was typed."""
    q = result["query"]
    return q["normalized"], result["total"] == 0, result["pages"], result["page"], bool(q["q"])


async def search(request: web.Request) -> web.Response:
    app = request.app
    query, engine = request.rel_url.query, app[ENGINE]
    # The parameters are read only when the answer is not cached: a cached address was read (and
    # found valid) when its answer was made, and most requests of a busy portal are such repeats.
    response, (normalized, zero, pages, page, typed) = await cached_json(
        request, lambda: presenters.search_json(engine.search(search_request(query))), note=_search_note
    )
    if page > max(1, pages):
        raise params.past_the_end(page, pages)
    # The query log counts what citizens ask: first pages of real queries only.
    if typed and page == 1 and app[SETTINGS].log_queries:
        app[QUERYLOG].record(normalized, zero)
    return response


async def suggest(request: web.Request) -> web.Response:
    q = params.text(request.rel_url.query, "q")
    limit = params.integer(request.rel_url.query, "size", 10, 1, 10)
    response, _ = await cached_json(request, request.app[ENGINE].suggest, q, limit)
    return response


async def service(request: web.Request) -> web.Response:
    service_id = request.match_info["id"]
    card = await run_engine(request, request.app[ENGINE].service, service_id)
    if card is None:
        raise Problem(404, f"no service with id {service_id[:100]!r}", detail_fa="خدمتی با این شناسه پیدا نشد.")
    return json_response(card)


async def life_events(request: web.Request) -> web.Response:
    response, _ = await cached_json(request, request.app[ENGINE].life_events)
    return response


async def life_event(request: web.Request) -> web.Response:
    event_id = request.match_info["id"]
    event = await run_engine(request, request.app[ENGINE].life_event, event_id)
    if event is None:
        raise Problem(404, f"no life event with id {event_id[:100]!r}", detail_fa="رویداد زندگی با این شناسه پیدا نشد.")
    return json_response(event)


async def clusters(request: web.Request) -> web.Response:
    return json_response(await run_engine(request, request.app[ENGINE].clusters))


async def agencies(request: web.Request) -> web.Response:
    return json_response(await run_engine(request, request.app[ENGINE].agencies))


async def analyze(request: web.Request) -> web.Response:
    text = params.text(request.rel_url.query, "text", max_len=params.MAX_Q * 5)
    return json_response(await run_engine(request, Engine.analyze, text))


async def openapi_json(request: web.Request) -> web.Response:
    return json_response(openapi.document())


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "version": versions.code_version(), "analyzer_version": ANALYZER_VERSION})


async def readyz(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    if not engine.ready:
        why = request.app[NOT_READY][0]
        raise Problem(
            503,
            why or "no index generation is loaded yet",
            detail_fa="سامانه جست‌وجو هنوز آماده نیست.",
            headers={"Retry-After": "1"},
        )
    return json_response({"status": "ready", "generation": engine.generation_name()})


async def metrics(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    text = request.app[METRICS].render(engine.generation_name(), engine.card_count())
    return web.Response(text=text, content_type="text/plain", charset="utf-8", headers={"Cache-Control": "no-store"})


async def index_page(request: web.Request) -> web.Response:
    """The page, rendered on the server for its address (api/page/) so that it works without
    JavaScript (the script then takes it over), its script and style named by version
    (api/assets.py); revalidated on every visit."""
    state = page.read_state(request.rel_url.query)
    engine = request.app[ENGINE]
    headers = {"Cache-Control": assets.REVALIDATE}
    try:
        # A page is a search too: it counts against the client's rate as the API's requests do.
        limiter = request.app[LIMITER]
        if limiter is not None:
            wait = limiter.allow(limiter.client(request.remote, request.headers.get("X-Forwarded-For")))
            if wait:
                raise Problem(
                    429, "too many requests from this address", headers={"Retry-After": str(max(1, round(wait + 0.5)))}
                )
        rendered, html = await run_engine(request, page.render, engine, state)
    except Problem as e:
        # Too many requests, no generation yet, or too busy: the shell says so in Persian.
        rendered = page.unavailable(state, e.status)
        html = page.finish(rendered, state)
        headers.update({k: v for k, v in e.headers.items() if k == "Retry-After"})
    # Logged as the API logs a search (the script does not ask the API again for this page).
    if rendered.searched and state.q and state.page == 1 and request.app[SETTINGS].log_queries:
        request.app[QUERYLOG].record(*rendered.searched)
    body = assets.versioned(html).encode("utf-8")
    if rendered.status == 200:
        # The same page for the same generation and address: a browser's copy is revalidated cheaply.
        headers["ETag"] = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        if headers["ETag"] in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return web.Response(status=304, headers=headers)
    return web.Response(body=body, status=rendered.status, content_type="text/html", charset="utf-8", headers=headers)


# -- the national e-readiness report --------------------------------------------------------------


def _report_of(engine: Engine):
    return engine.generation().report


async def report(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    response, _ = await cached_json(request, lambda: _report_of(engine).national)
    return response


async def report_agency(request: web.Request) -> web.Response:
    engine, name = request.app[ENGINE], request.match_info["name"]

    def page():
        found = national_report.agency_json(_report_of(engine), engine.index_dir, name)
        if found is None:
            raise Problem(
                404, f"no agency named {name[:100]!r} in the report", detail_fa="دستگاهی با این نام در گزارش نیست."
            )
        return found

    response, _ = await cached_json(request, page)
    return response


async def report_history(request: web.Request) -> web.Response:
    engine, query = request.app[ENGINE], request.rel_url.query
    agency = params.text(query, "agency") or None
    parent = None if agency else params.text(query, "parent") or None  # an agency's series if both are given
    response, _ = await cached_json(
        request,
        lambda: national_report.history_json(_report_of(engine), engine.index_dir, agency=agency, parent=parent),
    )
    return response


async def report_csv(request: web.Request) -> web.Response:
    """A table of the report as CSV, kept in the response cache like the JSON answers."""
    by = params.text(request.rel_url.query, "by", default="agency")
    if by not in national_report.TABLES:
        raise params.invalid("by", f"must be one of {', '.join(national_report.TABLES)}", "جدول گزارش را نمی‌شناسیم")
    engine = request.app[ENGINE]
    key = (engine.generation_name(), request.path, tuple(sorted(request.rel_url.query.items())))
    cache = request.app[CACHE]
    entry = cache.get(key) if key[0] else None
    if entry is None:
        text = await run_engine(request, lambda: national_report.csv_text(_report_of(engine), by))
        entry = (text.encode("utf-8"), None)
        cache.put(key, entry)
    return web.Response(
        body=entry[0],
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="dargah-report-{by}.csv"'},
    )


# -- the middleware -----------------------------------------------------------------------------


PUBLIC = API + "/"
ADMIN = API + "/admin"
OPENAPI = API + "/openapi.json"
CACHE_BUSTER = frozenset({"_"})
# What aiohttp's own errors say, for people reading Persian.
_ROUTING_FA = {
    404: "این نشانی در درگاه وجود ندارد.",
    405: "این روش درخواست برای این نشانی پذیرفته نیست.",
    413: "درخواست بیش از اندازه بزرگ است.",
}
# On every response: a FileResponse's type is only known once it is sent, and a JSON body opened
# as a document must not run anything either.
_SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, Content-Type, Accept-Language",
    "Access-Control-Max-Age": "600",
}


@web.middleware
async def every_request(request: web.Request, handler):
    """What every request goes through besides its handler, in one pass: a single coroutine reads
    the path, the route and the application's state once, instead of a chain of six doing it each.
    In this order (each step sees what the ones before it decided):

    1. an OPTIONS preflight on the public API is answered at once (and not counted);
    2. the time and status of everything else go to the metrics and the access log (its path,
       never its query string);
    3. a client over its rate gets a 429 (on the whole API, admin included), before
    4. a query parameter the operation does not take gets a 400 (`known_parameters`), before
    5. a public GET's conditional request gets a 304 (`_validators`), without any search;
    6. any error leaves as problem+json in the client's language (`_problem`);
    7. security headers go on every response, CORS on the public API.
    """
    path = request.path
    public = path.startswith(PUBLIC)
    cors = public and not path.startswith(ADMIN)
    app = request.app
    if cors and request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204, headers=_PREFLIGHT)
    else:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"  # never the raw path
        started = time.perf_counter()
        status = 500  # unless it finishes: a request cancelled (the client left) counts as one
        try:
            try:
                limiter = app[LIMITER]
                if public and limiter is not None:
                    _within_rate(limiter, request)
                if resource is not None and request.rel_url.query:
                    known_parameters(request, resource)
                validators = None
                if cors and request.method in ("GET", "HEAD") and path != OPENAPI:
                    validators = _validators(request, app[ENGINE].generation_name())
                if validators is not None and _has_copy(request.headers.get("If-None-Match"), validators["ETag"]):
                    response = web.Response(status=304, headers=validators)
                else:
                    response = await handler(request)
                    if validators is not None and response.status == 200:
                        response.headers.update(validators)
            except Exception as e:
                response = _problem(e, request, route)
            status = response.status
        except web.HTTPException as e:  # a problem that leaves as it is, or a redirect
            response, status = e, e.status
        finally:
            elapsed = time.perf_counter() - started
            app[METRICS].observe(route, status, elapsed)
            access_log = app.get(ACCESS_LOG)
            if access_log is not None:
                access_log.record(request.method, path, status, elapsed)
    headers = response.headers
    headers.update(_SECURITY)
    if cors:
        allowed = app[SETTINGS].cors_origins
        origin = request.headers.get("Origin")
        if "*" in allowed:
            headers["Access-Control-Allow-Origin"] = "*"
        elif origin and origin in allowed:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Vary"] = "Origin"
        # Browser code reads these: ETag to revalidate, Retry-After to wait after a 429 or 503.
        headers["Access-Control-Expose-Headers"] = "ETag, Retry-After, Content-Language"
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _within_rate(limiter: RateLimiter, request: web.Request) -> None:
    wait = limiter.allow(limiter.client(request.remote, request.headers.get("X-Forwarded-For")))
    if wait:
        raise Problem(
            429,
            "too many requests from this address",
            detail_fa="از این نشانی درخواست‌های زیادی رسیده است؛ کمی صبر کنید و دوباره تلاش کنید.",
            headers={"Retry-After": str(max(1, round(wait + 0.5)))},
        )


def known_parameters(request: web.Request, resource) -> None:
    """A query parameter the OpenAPI document does not list for the operation is a 400 naming it
    (a misspelt `sizes=3` would otherwise be silently ignored). Undocumented routes are not checked,
    and `_`, the cache-buster browsers' HTTP libraries append (jQuery's `_=<time>`), is let through."""
    method = "get" if request.method == "HEAD" else request.method.lower()
    allowed = openapi.query_parameters().get((method, resource.canonical))
    if allowed is not None:
        unknown = sorted(set(request.rel_url.query) - allowed - CACHE_BUSTER)
        if unknown:
            raise unknown_parameters(unknown[:20])


def _validators(request: web.Request, generation: str | None) -> dict[str, str] | None:
    """ETag, Cache-Control and Vary of a public GET's answer (None while no generation is served).

    The ETag is derived from the generation and the request, so it changes when a new generation
    is published, and a 304 costs no search at all."""
    if generation is None:
        return None
    digest = hashlib.blake2b(
        f"{generation}\n{request.path_qs}".encode("utf-8", "surrogatepass"), digest_size=12
    ).hexdigest()
    return {"ETag": f'W/"{digest}"', "Cache-Control": CACHE_CONTROL, "Vary": "Origin"}


def _has_copy(if_none_match: str | None, etag: str) -> bool:
    return bool(if_none_match) and (
        if_none_match.strip() == "*" or etag in [t.strip() for t in if_none_match.split(",")]
    )


def _problem(error: Exception, request: web.Request, route: str) -> Problem:
    """The problem+json an error leaves as, in the language the client prefers (Accept-Language:
    Persian for the page, English otherwise); nothing internal (trace, path) ever does. A redirect
    is raised as it is; a full or read-only disk is a 507 or 503 with Retry-After."""
    if isinstance(error, Problem):
        problem = error
    elif isinstance(error, web.HTTPException):
        if error.status < 400:
            raise error
        headers = {k: v for k, v in error.headers.items() if k in ("Allow", "Retry-After")}
        problem = Problem(
            error.status, error.reason or "error", detail_fa=_ROUTING_FA.get(error.status), headers=headers
        )
    else:
        problem = admin.storage_problem(error)
        if problem is not None:
            log.error("storage error on %s: %s", route, error)
        else:
            log.exception("unhandled error on %s", route)
            problem = Problem(500, "internal error; it has been logged", detail_fa="خطایی در سرور رخ داد و ثبت شد.")
    return problem.localize("fa" if prefers_persian(request.headers.get("Accept-Language")) else "en")


# -- the application ----------------------------------------------------------------------------


async def _load_engine(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(app[EXECUTOR], app[ENGINE].load)
    except IndexUnavailable as e:
        log.error("%s", e)  # /readyz answers 503 until a generation can be opened
        if isinstance(e.__cause__, GenerationIncompatible):
            # Says which versions differ and what to do; no path or internals, so /readyz may tell it.
            app[NOT_READY][0] = str(e.__cause__)


async def _flush_query_log(app: web.Application):
    """Write the query log about once a second, off the event loop."""
    loop = asyncio.get_running_loop()

    async def loop_forever():
        while True:
            await asyncio.sleep(1.0)
            try:
                await loop.run_in_executor(None, app[QUERYLOG].flush)  # never holds a search thread
            except Exception:
                log.exception("query log flush failed")

    task = asyncio.create_task(loop_forever())
    yield
    task.cancel()
    try:
        await loop.run_in_executor(None, app[QUERYLOG].flush)
    except Exception:
        log.exception("query log flush failed")


async def _close(app: web.Application) -> None:
    for task in list(app[TASKS]):
        task.cancel()
    app[EXECUTOR].shutdown(wait=False, cancel_futures=True)


def create_app(index_dir: Path | str | None = None, *, settings: Settings | None = None) -> web.Application:
    settings = settings or Settings(Path(index_dir))
    app = web.Application(
        middlewares=[every_request],
        client_max_size=1024**2,
        # A request line up to 128 kB reaches the handlers, which answer an over-long query with a
        # problem+json 400 instead of the HTTP parser's bare error.
        handler_args={
            "max_line_size": 128 * 1024,
            "max_field_size": 16 * 1024,
            "keepalive_timeout": settings.keepalive_timeout,
        },
    )
    app[SETTINGS] = settings
    app[ENGINE] = Engine(settings.index_dir)
    app[EXECUTOR] = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="search")
    app[METRICS] = Metrics()
    app[CACHE] = ResponseCache(settings.cache_size)
    app[TASKS] = set()
    app[INFLIGHT] = [0]
    app[NOT_READY] = [None]
    app[LIMITER] = RateLimiter(settings.rate_limit, trusted=settings.trusted_proxies) if settings.rate_limit else None
    app[QUERYLOG] = QueryLog(settings.analytics_dir or settings.index_dir / "analytics")
    app.on_startup.append(_load_engine)
    app.cleanup_ctx.append(_flush_query_log)
    app.on_cleanup.append(_close)
    app.on_response_prepare.append(assets.cache_headers)
    r = app.router
    r.add_get(API + "/search", search)
    r.add_get(API + "/suggest", suggest)
    r.add_get(API + "/services/{id}", service)
    r.add_get(API + "/life-events", life_events)
    r.add_get(API + "/life-events/{id}", life_event)
    r.add_get(API + "/clusters", clusters)
    r.add_get(API + "/agencies", agencies)
    r.add_get(API + "/analyze", analyze)
    r.add_get(API + "/report", report)
    r.add_get(API + "/report/agencies/{name}", report_agency)
    r.add_get(API + "/report/history", report_history)
    r.add_get(API + "/report.csv", report_csv)
    r.add_get(API + "/openapi.json", openapi_json)
    r.add_get("/healthz", healthz)
    r.add_get("/readyz", readyz)
    r.add_get("/metrics", metrics)
    admin.add_routes(app)
    r.add_get("/", index_page)
    r.add_static("/static/", STATIC, follow_symlinks=False, show_index=False)
    return app
