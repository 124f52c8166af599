"""The admin API under /api/v1/admin/: rebuilds, single-card changes, generations, rollback and
roll-forward, the audit log, analytics.

Enabled only when a token is configured; sent as `Authorization: Bearer <token>` and compared in
constant time. No header → 401, a wrong token → 403, admin disabled → 404 (as if absent). Tokens
belong to an agency or to the central office (api/tokens.py): an agency's token writes only its
agencies' cards (403 otherwise); only a central token rebuilds, rolls back or forward, and reads
the analytics, the jobs and the whole audit log.

Every write takes the index directory's one write lock and is recorded before it is published
(indexer/writes.py). A write that finds the lock taken answers 409 naming what holds it, with
Retry-After; a full or read-only storage answers 507 or 503 with Retry-After. No answer shows a
server path. Builds run in their own process (indexer.jobs), never in a serving worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import sys
import time
from pathlib import Path

import orjson
from aiohttp import web

from api import params
from api.responses import Problem, invalid, json_response
from api.state import ENGINE, QUERYLOG, SETTINGS, TASKS
from api.tokens import Actor, identify
from indexer import audit, jobs, update, writes
from indexer.corpus import card_problems
from store import layout
from store.errors import (
    BuildLocked,
    GenerationDamaged,
    GenerationMissing,
    IndexUnavailable,
    NothingToRollBack,
    NothingToRollForward,
    storage_condition,
)

log = logging.getLogger("dargah.admin")
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
MAX_CARD_BYTES = 1_000_000
STORAGE_RETRY_AFTER = "60"


def _settings(request: web.Request):
    return request.app[SETTINGS]


def authorize(request: web.Request, central: bool = False) -> Actor:
    """The actor behind the request's token; `central`: the route is the central office's."""
    settings = _settings(request)
    if not settings.admin_token and not settings.admin_tokens:
        raise Problem(404, "not found")
    header = request.headers.get("Authorization", "")
    if not header:
        raise Problem(
            401, "this route needs an admin token", headers={"WWW-Authenticate": 'Bearer realm="dargah-admin"'}
        )
    scheme, _, sent = header.partition(" ")
    actor = identify(sent, settings.admin_tokens, settings.admin_token) if scheme.lower() == "bearer" else None
    if actor is None:
        raise Problem(403, "the admin token is not valid")
    if central and not actor.central:
        raise Problem(403, f"only a central token may do this; the token {actor.name!r} writes its agencies' cards")
    return actor


def _root(request: web.Request) -> Path:
    return _settings(request).index_dir


def problem(status: int, detail: str, headers: dict | None = None, **members) -> Problem:
    """A problem+json with extension members (RFC 9457 allows them)."""
    return Problem(status, detail, headers=headers, extensions=members)


def storage_problem(exc: BaseException) -> Problem | None:
    """507 for a full storage, 503 for a read-only one, each with Retry-After; None otherwise."""
    condition = storage_condition(exc)
    if condition == "full":
        return Problem(
            507,
            "the index storage is full: nothing was changed; free space and try again",
            detail_fa="فضای ذخیره‌سازی نمایه پر است و چیزی تغییر نکرد؛ کمی بعد دوباره تلاش کنید.",
            headers={"Retry-After": STORAGE_RETRY_AFTER},
        )
    if condition == "read-only":
        return Problem(
            503,
            "the index storage is read-only: nothing was changed; try again once it is writable",
            detail_fa="فضای ذخیره‌سازی نمایه فقط‌خواندنی است و چیزی تغییر نکرد؛ کمی بعد دوباره تلاش کنید.",
            headers={"Retry-After": STORAGE_RETRY_AFTER},
        )
    return None


_OPERATIONS = {
    "reindex": "a rebuild",
    "build": "a rebuild from the command line",
    "upsert": "a change to card {id}",
    "delete": "the deletion of card {id}",
    "rollback": "a rollback",
    "rollforward": "a roll-forward",
}


def locked_problem(holder: dict) -> Problem:
    """409 naming the write that holds the lock, and when to try again."""
    operation = holder.get("operation") or "another write"
    what = _OPERATIONS.get(operation, operation).format(id=repr(holder.get("id", "?"))[:80])
    rebuild = operation in ("reindex", "build")
    detail = "a rebuild is already running" if operation == "reindex" else f"{what} is running; try again in a moment"
    since = holder.get("since")
    lock = {"operation": operation}
    for key in ("id", "job"):
        if key in holder:
            lock[key] = holder[key]
    if isinstance(since, (int, float)):
        lock["since"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since))
    return problem(409, detail, headers={"Retry-After": "30" if rebuild else "2"}, lock=lock)


async def _write(fn, *args, **kwargs):
    """Run a write off the event loop and off the search threads (it may wait for the lock)."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except BuildLocked as e:
        raise locked_problem(e.holder) from None
    except IndexUnavailable:
        raise Problem(503, "no index to update", headers={"Retry-After": "5"}) from None
    except GenerationDamaged:
        raise Problem(503, "the current generation is damaged; rebuild the index or roll back") from None
    except OSError as e:
        p = storage_problem(e)
        if p is None:
            raise
        raise p from None


# -- rebuilds -----------------------------------------------------------------------------------


def _flag(request: web.Request, name: str) -> bool:
    value = params.text(request.rel_url.query, name, default="false").lower()
    if value not in ("true", "false", "1", "0"):
        raise invalid(name, "must be true or false")
    return value in ("true", "1")


async def reindex(request: web.Request) -> web.Response:
    actor = authorize(request, central=True)
    settings = _settings(request)
    root = _root(request)
    force, dry_run = _flag(request, "force"), _flag(request, "dry_run")
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
    job_id = jobs.new_id()
    fd = layout.try_lock(root, "reindex", job=job_id)
    if fd is None:
        raise locked_problem(layout.lock_holder(root))
    job, upload = None, None
    try:
        writes.recover(root)
        jobs.remove_orphan_uploads(root)  # of jobs whose process died: none runs while we hold the lock
        job = jobs.create(
            root, "upload" if has_body else "configured corpus", job_id, dry_run=dry_run, force=force, actor=actor.name
        )
        if has_body:
            upload = jobs.upload_path(root, job_id)
            await _save_body(request, upload, settings.max_body)
            corpus = upload
        else:
            corpus = Path(settings.corpus_path)
        proc = await _spawn(request.app, root, job, corpus, fd, actor, force, dry_run, upload is not None)
    except BaseException as e:
        os.close(fd)
        _abandon(root, job, upload, e)
        p = storage_problem(e) if isinstance(e, OSError) else None
        if p is not None:
            raise p from None
        raise
    os.close(fd)  # the job process holds the lock now
    job = await _checked(root, job, proc, settings.check_wait)
    if job.get("refused"):
        raise problem(
            409,
            next((e["message"] for e in reversed(job["errors"]) if e["field"] == "(corpus)"), "rebuild refused"),
            job=job["id"],
            **job["refused"],
        )
    if dry_run and job["status"] == "succeeded":
        return json_response(
            {k: job.get(k) for k in ("dry_run", "diff", "errors", "valid", "invalid")} | {"job": job["id"]}
        )
    return json_response(
        {"job": {"id": job["id"], "status": job["status"]}},
        status=202,
        headers={"Location": f"/api/v1/admin/jobs/{job['id']}"},
    )


def _abandon(root: Path, job: dict | None, upload: Path | None, exc: BaseException) -> None:
    """A request that failed before its job started leaves no queued job and no upload behind."""
    if upload is not None:
        upload.unlink(missing_ok=True)
    if job is None:
        return
    message = jobs.public_message(exc, root, upload or root) if isinstance(exc, OSError) else "the request failed"
    if isinstance(exc, Problem):
        message = "the request was refused before the job started"
    job.update(status="failed", finished=time.time())
    job["errors"].append({"line": 0, "field": "(request)", "message": message})
    try:
        jobs.write(root, job)
    except OSError:  # no room even for that: no job at all rather than one queued for ever
        (jobs.jobs_dir(root) / f"{job['id']}.json").unlink(missing_ok=True)


async def _checked(root: Path, job: dict, proc, wait: float) -> dict:
    """The job once its corpus is checked (refused, dry run done, or building), or as it is after
    `wait` seconds: the answer to a reindex says at once whether the rebuild was refused."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        current = jobs.read(root, job["id"]) or job
        if current["status"] not in ("queued", "checking") or proc.returncode is not None:
            if current["status"] not in jobs.ACTIVE:
                # Ended (refused, a dry run): answer once its process let go of the lock, so that
                # the request the client sends next is not refused as concurrent.
                try:
                    await asyncio.wait_for(asyncio.shield(proc.wait()), max(0.1, deadline - time.monotonic()))
                except TimeoutError:
                    pass
            return current
        await asyncio.sleep(0.05)
    return jobs.read(root, job["id"]) or job


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


async def _spawn(app, root: Path, job: dict, corpus: Path, fd: int, actor: Actor, force, dry_run, upload: bool):
    settings = app[SETTINGS]
    args = ["--index", str(root), "--job", job["id"], "--corpus", str(corpus), "--lock-fd", str(fd)]
    args += ["--actor", actor.name, "--max-removed-share", str(settings.max_removed_share)]
    args += ["--force"] * force + ["--dry-run"] * dry_run + ["--upload"] * upload
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "indexer.jobs", *args, pass_fds=(fd,), stdin=asyncio.subprocess.DEVNULL
    )
    task = asyncio.create_task(_watch(root, job["id"], proc, corpus if upload else None))
    app[TASKS].add(task)
    task.add_done_callback(app[TASKS].discard)
    return proc


async def _watch(root: Path, job_id: str, proc, upload: Path | None) -> None:
    try:
        code = await proc.wait()
        job = jobs.read(root, job_id)
        if job and job["status"] in jobs.ACTIVE:
            job["errors"].append(
                {"line": 0, "field": "(build)", "message": f"the build process exited with code {code}"}
            )
            job["status"] = "failed"
            jobs.write(root, job)
    finally:
        if upload is not None:
            upload.unlink(missing_ok=True)


async def job_status(request: web.Request) -> web.Response:
    authorize(request, central=True)
    root = _root(request)
    job = jobs.read(root, request.match_info["id"])
    if job is None:
        raise Problem(404, "no such job")
    if job["status"] in jobs.ACTIVE:
        # The process that ran it is gone if nobody holds the build lock (its worker died).
        fd = layout.try_lock(root, "job check")
        if fd is not None:
            try:
                job = jobs.read(root, job["id"]) or job
                if job["status"] in jobs.ACTIVE:
                    job["status"] = "failed"
                    job["errors"].append({"line": 0, "field": "(build)", "message": "the build process is gone"})
                    jobs.write(root, job)
                jobs.remove_orphan_uploads(root)
            finally:
                layout.release(fd)
    keys = ("id", "status", "progress", "errors", "generation", "source", "created", "finished")
    extra = ("dry_run", "diff", "refused", "actor", "force", "valid", "invalid")
    return json_response({k: job.get(k) for k in keys} | {k: job[k] for k in extra if k in job})


# -- single cards -------------------------------------------------------------------------------


async def put_service(request: web.Request) -> web.Response:
    actor = authorize(request)
    service_id = request.match_info["id"]
    if (request.content_length or 0) > MAX_CARD_BYTES:
        raise Problem(413, f"a card is at most {MAX_CARD_BYTES} bytes")
    try:
        card = orjson.loads(await request.read())
    except orjson.JSONDecodeError as e:
        raise invalid("body", f"not JSON: {e}") from None
    if isinstance(card, dict):
        card.setdefault("id", service_id)
    problems = card_problems(card)
    if problems:
        first = f"{problems[0][0]}: {problems[0][1]}"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise Problem(
            400,
            f"invalid card: {first}{more}",
            invalid_params=[{"name": name, "reason": reason} for name, reason in problems],
        )
    if card["id"] != service_id:
        raise invalid("id", "the card's id must match the id in the path")
    if not actor.may_write(card["agency"]):
        raise _not_yours(actor, card["agency"])
    try:
        gen = await _write(
            update.upsert, _root(request), card, actor=actor.name, agencies=actor.agencies, history_after_return=True
        )
    except update.NotYourAgency as e:
        raise _not_yours(actor, e.agency) from None
    return json_response({"id": service_id, "generation": gen.name})


def _not_yours(actor: Actor, agency: str) -> Problem:
    return Problem(403, f"the token {actor.name!r} may not write cards of {agency[:200]!r}")


async def delete_service(request: web.Request) -> web.Response:
    actor = authorize(request)
    service_id = request.match_info["id"]
    try:
        gen = await _write(
            update.delete,
            _root(request),
            service_id,
            actor=actor.name,
            agencies=actor.agencies,
            history_after_return=True,
        )
    except KeyError:
        raise Problem(404, f"no service with id {service_id[:100]!r}") from None
    except update.NotYourAgency as e:
        raise _not_yours(actor, e.agency) from None
    return json_response({"id": service_id, "deleted": True, "generation": gen.name})


async def service_history(request: web.Request) -> web.Response:
    actor = authorize(request)
    service_id = request.match_info["id"]
    versions = await asyncio.to_thread(audit.history, _root(request), service_id)
    if not actor.central:
        versions = [v for v in versions if actor.may_write(v.get("agency", ""))]
    return json_response({"id": service_id, "versions": [_public_entry(v) for v in versions]})


# -- generations, rollback, audit, analytics ----------------------------------------------------

_PATH = re.compile(r"(?<![\w.])/[^\s+]+")


def _public_source(source: str) -> str:
    """A generation's source without the server's directories (its file name is kept)."""
    return _PATH.sub(lambda m: os.path.basename(m.group(0).rstrip("/")) or "/", source or "")


async def list_generations(request: web.Request) -> web.Response:
    authorize(request)
    root = _root(request)
    serving = layout.current_name(root)
    published = layout.publications(root)
    rows = []
    for g in layout.list_generations(root):
        meta = g.meta()
        meta["source"] = _public_source(meta.get("source", ""))
        times = published.get(g.name) or {}
        rows.append(
            {
                "name": g.name,
                "current": g.name == serving,
                **meta,
                **{k: times[k] for k in ("published", "superseded") if k in times},
            }
        )
    return json_response({"generations": rows, "current": serving})


async def _switch(request: web.Request, fn, *args) -> web.Response:
    try:
        gen = await _write(fn, _root(request), *args)
    except NothingToRollBack as e:  # its message names no path: "no older generation …"
        raise Problem(409, str(e)) from None
    except NothingToRollForward:
        raise Problem(409, "nothing to roll forward to: the serving generation was not reached by a rollback") from None
    except GenerationMissing:  # pruned, or never there
        raise Problem(409, "that generation is not on disk (it may have been pruned)") from None
    return json_response({"generation": gen.name})


async def rollback(request: web.Request) -> web.Response:
    """Serve the generation the current one was made from, or the one named by `generation`
    (query parameter or JSON body), with the overlay that went with it."""
    actor = authorize(request, central=True)
    target = params.text(request.rel_url.query, "generation") or None
    if target is None and request.can_read_body and (request.content_length or 0) > 0:
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            raise invalid("body", 'send a JSON object like {"generation": NAME}, or nothing') from None
        target = body.get("generation") if isinstance(body, dict) else None
    if target is not None and not (isinstance(target, str) and layout.valid_name(target)):
        raise invalid("generation", "must be the name of a generation, as /api/v1/admin/generations lists it")
    if target is not None and not (layout.generations_dir(_root(request)) / target).is_dir():
        raise Problem(409, f"generation {target} is not on disk (it may have been pruned)")
    return await _switch(request, writes.rollback, actor.name, target)


async def rollforward(request: web.Request) -> web.Response:
    """Undo the last rollback."""
    actor = authorize(request, central=True)
    return await _switch(request, writes.rollforward, actor.name)


def _public_entry(entry: dict) -> dict:
    out = {k: v for k, v in entry.items() if k not in ("at", "write")}
    if "source" in out:
        out["source"] = _public_source(out["source"])
    return out


def _since(value: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return time.mktime(time.strptime(value, pattern)) - time.timezone
        except ValueError:
            continue
    raise invalid("since", "must be a date (2025-01-31), a UTC time (2025-01-31T08:00:00Z) or seconds since 1970")


async def audit_log(request: web.Request) -> web.Response:
    authorize(request, central=True)
    query = request.rel_url.query
    since = _since(params.text(query, "since"))
    limit = params.integer(query, "limit", 1000, 1, 10000)
    rows = await asyncio.to_thread(
        audit.query,
        _root(request),
        since=since,
        card_id=params.text(query, "id") or None,
        actor=params.text(query, "actor") or None,
        limit=limit,
    )
    return json_response({"entries": [_public_entry(e) for e in rows]})


async def analytics(request: web.Request) -> web.Response:
    authorize(request, central=True)
    kind = params.text(request.rel_url.query, "kind", default="top")
    if kind not in ("top", "zero"):
        raise invalid("kind", "must be top or zero")
    days = params.integer(request.rel_url.query, "days", 7, 1, 366)
    log_ = request.app[QUERYLOG]
    await asyncio.to_thread(log_.flush)
    rows = await asyncio.to_thread(log_.report, kind, days)
    return json_response({"kind": kind, "days": days, "queries": rows})


REPORT_EVERY = 5.0  # seconds between a worker's reports of the generation it serves


async def report_serving(app: web.Application):
    """Tell pruning which generation this worker serves (store/layout.py report_serving), every few
    seconds, so that a generation a slow replica still serves is not removed under it."""
    root, engine = app[SETTINGS].index_dir, app[ENGINE]
    replica = f"{socket.gethostname()}-{os.getpid()}"

    async def loop_forever():
        while True:
            name = engine.generation_name()
            if name is None:  # still loading
                await asyncio.sleep(0.5)
                continue
            try:
                await asyncio.to_thread(layout.report_serving, root, replica, name)
            except OSError:
                pass  # a full or read-only disk: pruning then relies on its grace period alone
            await asyncio.sleep(REPORT_EVERY)

    task = asyncio.create_task(loop_forever())
    yield
    task.cancel()
    try:
        layout.withdraw_report(root, replica)
    except OSError:
        pass


def add_routes(app: web.Application) -> None:
    """The admin routes, and the worker's reports of the generation it serves (read by pruning,
    whichever write prunes)."""
    app.cleanup_ctx.append(report_serving)
    base = "/api/v1/admin"
    app.router.add_post(base + "/reindex", reindex)
    app.router.add_get(base + "/jobs/{id}", job_status)
    app.router.add_put(base + "/services/{id}", put_service)
    app.router.add_delete(base + "/services/{id}", delete_service)
    app.router.add_get(base + "/services/{id}/history", service_history)
    app.router.add_get(base + "/generations", list_generations)
    app.router.add_post(base + "/rollback", rollback)
    app.router.add_post(base + "/rollforward", rollforward)
    app.router.add_get(base + "/audit", audit_log)
    app.router.add_get(base + "/analytics/queries", analytics)
