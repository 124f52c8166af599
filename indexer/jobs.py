"""Rebuild jobs started by the admin API, run in their own process.

The job's state lives in DIR/jobs/<id>.json, written atomically by the job process, so any
serving worker can answer `GET /jobs/{id}`. The API worker takes the build lock before starting
the process and hands the locked file descriptor to it: the lock is held exactly as long as the
job runs, and a second rebuild is refused (409) by whichever worker receives it.

    python -m indexer.jobs --index DIR --job ID --corpus PATH [--skip-invalid] [--lock-fd N]
                           [--force] [--dry-run] [--max-removed-share F] [--actor NAME] [--upload]

A job goes queued → checking (the corpus read and validated, the diff against the serving
generation computed, the guard rail applied) → running (the build) → succeeded or failed. A dry
run stops after checking, as succeeded with its `diff`; a rebuild refused by the guard rail
fails with `refused` saying how many cards it would remove. An uploaded corpus (`--upload`) is
removed when the job ends, however it ends (the API worker removes it too if the process dies).
Messages never show a server path.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

import orjson

from indexer import build, plan
from indexer.corpus import read_corpus
from store import layout
from store.errors import IndexUnavailable, storage_condition

JOBS = "jobs"
STATUSES = ("queued", "checking", "running", "succeeded", "failed")
ACTIVE = ("queued", "checking", "running")


def jobs_dir(root: Path) -> Path:
    path = root / JOBS
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


def valid_id(job_id: str) -> bool:
    return len(job_id) < 64 and all(c.isalnum() or c == "-" for c in job_id)


def write(root: Path, job: dict) -> None:
    path = jobs_dir(root) / f"{job['id']}.json"
    tmp = path.with_suffix(f".{os.getpid()}-{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(orjson.dumps(job))
    os.replace(tmp, path)


def read(root: Path, job_id: str) -> dict | None:
    if not valid_id(job_id):
        return None
    try:
        return orjson.loads((root / JOBS / f"{job_id}.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None


def create(root: Path, source: str, job_id: str | None = None, **extra) -> dict:
    job = {
        "id": job_id or new_id(),
        "status": "queued",
        "progress": {"done": 0, "total": 0},
        "errors": [],
        "generation": None,
        "source": source,
        "created": time.time(),
        **extra,
    }
    write(root, job)
    return job


def upload_path(root: Path, job_id: str) -> Path:
    return jobs_dir(root) / f"{job_id}.ndjson"


def remove_orphan_uploads(root: Path) -> list[str]:
    """Remove uploaded corpora whose job is no longer running. Call with the write lock held (no
    job is running then, and none can start)."""
    removed = []
    folder = root / JOBS
    if not folder.is_dir():
        return removed
    for upload in folder.glob("*.ndjson"):
        upload.unlink(missing_ok=True)
        removed.append(upload.name)
    for tmp in folder.glob("*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


def public_message(exc: BaseException, root: Path, corpus: Path) -> str:
    """What a failure says in a job: the storage condition, or the error without a server path."""
    condition = storage_condition(exc)
    if condition == "full":
        return "the index storage is full; free space and run the job again"
    if condition == "read-only":
        return "the index storage is read-only; make it writable and run the job again"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read the corpus: {exc.strerror}"
    message = str(exc)
    for path, label in ((corpus, "<corpus>"), (root, "<index>")):
        for form in sorted({str(path), str(path.resolve())}, key=len, reverse=True):
            if len(form) > 1:
                message = message.replace(form, label)
    return message


def run(
    root: Path,
    job: dict,
    corpus_path: Path,
    *,
    skip_invalid: bool = False,
    locked: bool = False,
    dry_run: bool = False,
    force: bool = False,
    max_removed_share: float | None = plan.DEFAULT_MAX_REMOVED_SHARE,
    actor: str = "cli",
) -> dict:
    job.update(status="checking", started=time.time())
    write(root, job)
    try:
        corpus = read_corpus(corpus_path)
    except OSError as e:
        return _finish(root, job, "failed", errors=[_error("(corpus)", public_message(e, root, corpus_path))])
    job["errors"] = [{"line": p.line, "field": p.field, "message": p.reason} for p in corpus.problems]
    total = len(corpus.cards)
    job["progress"] = {"done": 0, "total": total}
    if dry_run:
        diff = build.dry_run(root, corpus.cards)
        job.update(dry_run=True, diff=diff.as_dict(), valid=total, invalid=len({p.line for p in corpus.problems}))
        return _finish(root, job, "succeeded")
    if corpus.problems and not skip_invalid:
        return _finish(root, job, "failed")
    if not corpus.cards:
        return _finish(root, job, "failed", errors=job["errors"] or [_error("(corpus)", "no valid cards")])
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or done == total:
            last[0] = now
            job["progress"] = {"done": done, "total": total}
            write(root, job)

    def checked(diff: plan.Diff) -> None:
        job.update(status="running", diff=_counts(diff))
        write(root, job)

    try:
        result = build.build(
            root,
            corpus.cards,
            extras=_extras(root, corpus_path),
            source=f"admin job {job['id']}",
            progress=progress,
            locked=locked,
            max_removed_share=max_removed_share,
            force=force,
            checked=checked,
            audit={"actor": actor, "job": job["id"]},
        )
    except plan.TooManyRemoved as e:
        job.update(refused=e.as_dict(), diff=_counts(e.diff))
        return _finish(root, job, "failed", errors=job["errors"] + [_error("(corpus)", str(e))])
    except Exception as e:  # reported in the job; the serving generation is untouched
        failure = _error("(build)", public_message(e, root, corpus_path))
        return _finish(root, job, "failed", errors=job["errors"] + [failure])
    job["generation"] = result.generation.name
    return _finish(root, job, "succeeded")


def _error(where: str, message: str) -> dict:
    return {"line": 0, "field": where, "message": message}


def _counts(diff: plan.Diff) -> dict:
    counts = {k: len(getattr(diff, k)) for k in ("added", "changed", "removed")}
    return {"live": diff.live, "total": diff.total, **counts}


def _extras(root: Path, corpus_path: Path) -> dict[str, Path]:
    """Synonyms, best bets and life events beside the corpus (build.extras_beside); for an uploaded
    corpus, the serving generation's."""
    folder = corpus_path if corpus_path.is_dir() else corpus_path.parent
    extras = build.extras_beside(folder)
    if folder.resolve() == (root / JOBS).resolve():
        try:
            serving = layout.current(root).path
            extras = {name: serving / name for name in build.EXTRA_FILES}
        except IndexUnavailable:
            pass
    return extras


def _finish(root: Path, job: dict, status: str, errors: list | None = None) -> dict:
    if errors is not None:
        job["errors"] = errors
    job.update(status=status, finished=time.time())
    write(root, job)
    return job


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m indexer.jobs")
    p.add_argument("--index", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--skip-invalid", action="store_true")
    p.add_argument("--lock-fd", type=int, help="an inherited descriptor holding the build lock")
    p.add_argument("--dry-run", action="store_true", help="check and report the diff, publish nothing")
    p.add_argument("--force", action="store_true", help="publish even if the rebuild removes many cards")
    p.add_argument("--max-removed-share", type=float, default=plan.DEFAULT_MAX_REMOVED_SHARE)
    p.add_argument("--actor", default="cli", help="who asked for the job (the admin token's name)")
    p.add_argument("--upload", action="store_true", help="the corpus was uploaded: remove it when the job ends")
    args = p.parse_args(argv)
    # A rebuild shares the machine with the workers serving citizens: it yields the CPU to them.
    try:
        os.nice(5)
    except OSError:
        pass
    root, corpus = Path(args.index), Path(args.corpus)
    try:
        job = read(root, args.job)
        if job is None:
            print(f"no job {args.job}", file=sys.stderr)
            return 1
        job = run(
            root,
            job,
            corpus,
            skip_invalid=args.skip_invalid,
            locked=args.lock_fd is not None,
            dry_run=args.dry_run,
            force=args.force,
            max_removed_share=args.max_removed_share,
            actor=args.actor,
        )
    finally:
        if args.upload:
            corpus.unlink(missing_ok=True)
    return 0 if job["status"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
