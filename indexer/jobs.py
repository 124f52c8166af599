"""Rebuild jobs started by the admin API, run in their own process.

The job's state lives in DIR/jobs/<id>.json, written atomically by the job process, so any
serving worker can answer `GET /jobs/{id}`. The API worker takes the build lock before starting
the process and hands the locked file descriptor to it: the lock is held exactly as long as the
job runs, and a second rebuild is refused (409) by whichever worker receives it.

    python -m indexer.jobs --index DIR --job ID --corpus PATH [--skip-invalid] [--lock-fd N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

import orjson

from indexer import build
from indexer.corpus import read_corpus
from store import layout
from store.errors import IndexUnavailable

JOBS = "jobs"
STATUSES = ("queued", "running", "succeeded", "failed")


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
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(job))
    os.replace(tmp, path)


def read(root: Path, job_id: str) -> dict | None:
    if not valid_id(job_id):
        return None
    try:
        return orjson.loads((root / JOBS / f"{job_id}.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None


def create(root: Path, source: str) -> dict:
    job = {
        "id": new_id(),
        "status": "queued",
        "progress": {"done": 0, "total": 0},
        "errors": [],
        "generation": None,
        "source": source,
        "created": time.time(),
    }
    write(root, job)
    return job


def run(root: Path, job: dict, corpus_path: Path, *, skip_invalid: bool = False, locked: bool = False) -> dict:
    job.update(status="running", started=time.time())
    write(root, job)
    try:
        corpus = read_corpus(corpus_path)
    except OSError as e:
        return _finish(root, job, "failed", errors=[{"line": 0, "field": "(corpus)", "message": str(e)}])
    job["errors"] = [{"line": p.line, "field": p.field, "message": p.reason} for p in corpus.problems]
    total = len(corpus.cards)
    job["progress"] = {"done": 0, "total": total}
    if corpus.problems and not skip_invalid:
        return _finish(root, job, "failed")
    if not corpus.cards:
        return _finish(
            root, job, "failed", errors=job["errors"] or [{"line": 0, "field": "(corpus)", "message": "no valid cards"}]
        )
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or done == total:
            last[0] = now
            job["progress"] = {"done": done, "total": total}
            write(root, job)

    try:
        result = build.build(
            root,
            corpus.cards,
            extras=_extras(root, corpus_path),
            source=f"admin job {job['id']}",
            progress=progress,
            locked=locked,
        )
    except Exception as e:  # reported in the job; the serving generation is untouched
        return _finish(root, job, "failed", errors=job["errors"] + [{"line": 0, "field": "(build)", "message": str(e)}])
    job["generation"] = result.generation.name
    return _finish(root, job, "succeeded")


def _extras(root: Path, corpus_path: Path) -> dict[str, Path]:
    """Synonyms and best bets beside the corpus; for an uploaded corpus, the serving generation's."""
    folder = corpus_path if corpus_path.is_dir() else corpus_path.parent
    extras = {name: folder / name for name in build.EXTRA_FILES}
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
    args = p.parse_args(argv)
    # A rebuild shares the machine with the workers serving citizens: it yields the CPU to them.
    try:
        os.nice(5)
    except OSError:
        pass
    root = Path(args.index)
    job = read(root, args.job)
    if job is None:
        print(f"no job {args.job}", file=sys.stderr)
        return 1
    job = run(root, job, Path(args.corpus), skip_invalid=args.skip_invalid, locked=args.lock_fd is not None)
    return 0 if job["status"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
