"""The admin API under /api/v1/admin/: rebuilds, single-card changes, generations, analytics.

Enabled only when a token is configured; sent as `Authorization: Bearer <token>` and compared in
constant time. No header → 401, a wrong token → 403, admin disabled → 404 (as if absent).
Builds run in their own process (indexer.jobs), never in a serving worker's event loop.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import sys
from pathlib import Path

import orjson
from aiohttp import web

from api import params
from api.responses import Problem, invalid, json_response
from api.state import EXECUTOR, QUERYLOG, SETTINGS, TASKS
from indexer import jobs, update
from indexer.corpus import validate_card
from store import layout
from store.errors import BuildLocked, GenerationDamaged, GenerationMissing, IndexUnavailable, NothingToRollBack

log = logging.getLogger("dargah.admin")
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
MAX_CARD_BYTES = 1_000_000


def _settings(request: web.Request):
    return request.app[SETTINGS]


def authorize(request: web.Request) -> None:
    token = _settings(request).admin_token
    if not token:
        raise Problem(404, "not found")
    header = request.headers.get("Authorization", "")
    if not header:
        raise Problem(
            401, "this route needs an admin token", headers={"WWW-Authenticate": 'Bearer realm="dargah-admin"'}
        )
    scheme, _, sent = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        sent.strip().encode("utf-8", "surrogateescape"), token.encode()
    ):
        raise Problem(403, "the admin token is not valid")


def _root(request: web.Request) -> Path:
    return _settings(request).index_dir


async def _in_thread(request: web.Request, fn, *args):
    return await asyncio.get_running_loop().run_in_executor(request.app[EXECUTOR], fn, *args)


# -- rebuilds -----------------------------------------------------------------------------------


async def reindex(request: web.Request) -> web.Response:
    authorize(request)
    settings = _settings(request)
    root = _root(request)
    has_body = request.can_read_body and (request.content_length or 0) != 0
    if has_body and request.content_type not in NDJSON_TYPES:
        raise Problem(
            415,
            "send the corpus as application/x-ndjson (one card per line), "
            "or an empty body to rebuild from the configured corpus",
        )
    if not has_body and not settings.corpus_path:
        raise invalid(
            "body", "no corpus is configured on this server (dargah serve --corpus PATH); send the cards as the body"
        )
    fd = layout.try_lock(root)
    if fd is None:
        raise Problem(409, "a rebuild is already running")
    try:
        job = jobs.create(root, "upload" if has_body else str(settings.corpus_path))
        if has_body:
            corpus = jobs.jobs_dir(root) / f"{job['id']}.ndjson"
            await _save_body(request, corpus, settings.max_body)
        else:
            corpus = Path(settings.corpus_path)
        await _spawn(request.app, root, job, corpus, fd)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)  # the job process holds the lock now
    return json_response(
        {"job": {"id": job["id"], "status": job["status"]}},
        status=202,
        headers={"Location": f"/api/v1/admin/jobs/{job['id']}"},
    )


async def _save_body(request: web.Request, path: Path, limit: int) -> None:
    size = 0
    try:
        with path.open("wb") as f:
            async for chunk in request.content.iter_chunked(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise Problem(413, f"the corpus is larger than this server accepts ({limit} bytes)")
                f.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


async def _spawn(app: web.Application, root: Path, job: dict, corpus: Path, fd: int) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "indexer.jobs",
        "--index",
        str(root),
        "--job",
        job["id"],
        "--corpus",
        str(corpus),
        "--lock-fd",
        str(fd),
        pass_fds=(fd,),
        stdin=asyncio.subprocess.DEVNULL,
    )
    task = asyncio.create_task(_watch(root, job["id"], proc, corpus if corpus.parent == jobs.jobs_dir(root) else None))
    app[TASKS].add(task)
    task.add_done_callback(app[TASKS].discard)


async def _watch(root: Path, job_id: str, proc, upload: Path | None) -> None:
    code = await proc.wait()
    job = jobs.read(root, job_id)
    if job and job["status"] in ("queued", "running"):
        job["errors"].append({"line": 0, "field": "(build)", "message": f"the build process exited with code {code}"})
        job["status"] = "failed"
        jobs.write(root, job)
    if upload is not None:
        upload.unlink(missing_ok=True)


async def job_status(request: web.Request) -> web.Response:
    authorize(request)
    root = _root(request)
    job = jobs.read(root, request.match_info["id"])
    if job is None:
        raise Problem(404, "no such job")
    if job["status"] in ("queued", "running"):
        # The process that ran it is gone if nobody holds the build lock (its worker died).
        fd = layout.try_lock(root)
        if fd is not None:
            os.close(fd)
            job = jobs.read(root, job["id"]) or job
            if job["status"] in ("queued", "running"):
                job["status"] = "failed"
                job["errors"].append({"line": 0, "field": "(build)", "message": "the build process is gone"})
                jobs.write(root, job)
    return json_response(
        {k: job.get(k) for k in ("id", "status", "progress", "errors", "generation", "source", "created", "finished")}
    )


# -- single cards -------------------------------------------------------------------------------


async def put_service(request: web.Request) -> web.Response:
    authorize(request)
    service_id = request.match_info["id"]
    if (request.content_length or 0) > MAX_CARD_BYTES:
        raise Problem(413, f"a card is at most {MAX_CARD_BYTES} bytes")
    try:
        card = orjson.loads(await request.read())
    except orjson.JSONDecodeError as e:
        raise invalid("body", f"not JSON: {e}") from None
    if isinstance(card, dict):
        card.setdefault("id", service_id)
    problem = validate_card(card)
    if problem:
        raise Problem(
            400,
            f"invalid card: {problem[0]}: {problem[1]}",
            invalid_params=[{"name": problem[0], "reason": problem[1]}],
        )
    if card["id"] != service_id:
        raise invalid("id", "the card's id must match the id in the path")
    gen = await _locked(request, update.upsert, _root(request), card)
    return json_response({"id": service_id, "generation": gen.name})


async def delete_service(request: web.Request) -> web.Response:
    authorize(request)
    service_id = request.match_info["id"]
    try:
        gen = await _locked(request, update.delete, _root(request), service_id)
    except KeyError:
        raise Problem(404, f"no service with id {service_id[:100]!r}") from None
    return json_response({"id": service_id, "deleted": True, "generation": gen.name})


async def _locked(request, fn, *args):
    try:
        return await _in_thread(request, fn, *args)
    except BuildLocked:
        raise Problem(409, "a rebuild is running; try again when it has finished") from None
    except IndexUnavailable:
        raise Problem(503, "no index to update") from None
    except GenerationDamaged:
        raise Problem(503, "the current generation is damaged; rebuild the index or roll back") from None


# -- generations and analytics ------------------------------------------------------------------


async def list_generations(request: web.Request) -> web.Response:
    authorize(request)
    root = _root(request)
    serving = layout.current_name(root)
    rows = [{"name": g.name, "current": g.name == serving, **g.meta()} for g in layout.list_generations(root)]
    return json_response({"generations": rows, "current": serving})


async def rollback(request: web.Request) -> web.Response:
    authorize(request)
    try:
        gen = await _in_thread(request, layout.rollback, _root(request))
    except NothingToRollBack:
        raise Problem(409, "no older generation to roll back to") from None
    except GenerationMissing:  # pruned between listing and switching
        raise Problem(409, "the older generation is gone; try again") from None
    return json_response({"generation": gen.name})


async def analytics(request: web.Request) -> web.Response:
    authorize(request)
    kind = params.text(request.rel_url.query, "kind", default="top")
    if kind not in ("top", "zero"):
        raise invalid("kind", "must be top or zero")
    days = params.integer(request.rel_url.query, "days", 7, 1, 366)
    log_ = request.app[QUERYLOG]
    await _in_thread(request, log_.flush)
    rows = await _in_thread(request, log_.report, kind, days)
    return json_response({"kind": kind, "days": days, "queries": rows})


def add_routes(app: web.Application) -> None:
    base = "/api/v1/admin"
    app.router.add_post(base + "/reindex", reindex)
    app.router.add_get(base + "/jobs/{id}", job_status)
    app.router.add_put(base + "/services/{id}", put_service)
    app.router.add_delete(base + "/services/{id}", delete_service)
    app.router.add_get(base + "/generations", list_generations)
    app.router.add_post(base + "/rollback", rollback)
    app.router.add_get(base + "/analytics/queries", analytics)
