"""The index directory: immutable, complete generations plus a pointer to the serving one.

    DIR/CURRENT                      name of the serving generation (replaced atomically)
    DIR/generations/<name>/          a published generation, <seq>-<UTC time>: never modified after
                                     publication
        whoosh/                      the Whoosh index (fields.py: the schema)
        cards.jsonl                  the cards, a line each (search never reads the corpus)
        shown.jsonl                  what a result shows of each card, line for line, with its
                                     texts' stored words (card_files.py, stored_words.py)
        facts.jsonl                  what load keeps of each card, line for line (card_facts.py)
        postings/<segment id>/       each Whoosh segment's postings and field lengths as arrays
                                     every worker maps (segment_postings.py)
        meta.json                    counts, build time, source
        synonyms.tsv, best_bets.tsv, life_events.json
                                     the query-side data this generation was built with
    DIR/generations/.building-<pid>-<ns>/  a build in progress (or left by a crash: removed on start)
    DIR/.build.lock                  held by the one write running (build, card change, rollback),
                                     and naming it (JSON) for whoever finds it taken
    DIR/published.json               when each generation last became the serving one and when it
                                     stopped being it: pruning reads these times, never a
                                     directory's (a copied generation inherits its source's)
    DIR/replicas/<host>-<pid>.json   the generation each serving process reports it serves (every
                                     few seconds): pruning never removes one reported lately

Beside them, not part of a generation: DIR/audit.jsonl and DIR/.pending-write.json (indexer/writes.py,
indexer/audit.py), DIR/jobs/ (indexer/jobs.py); each generation carries its own overlay.jsonl
(indexer/overlay.py).

A reader that has opened a generation keeps using it while a newer one is published; an old
generation is removed only when it is beyond the newest `keep` and was superseded at least
`grace` seconds ago. The indexer writes through these functions and the search side finds the
serving generation with `current`.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import orjson

from store.errors import BuildLocked, GenerationMissing, IndexMissing, NoPublishedGeneration, NothingToRollBack

POINTER = "CURRENT"
GENERATIONS = "generations"
WHOOSH = "whoosh"
META = "meta.json"
EXTRA_FILES = ("synonyms.tsv", "best_bets.tsv", "life_events.json")  # query-side data a generation carries along
LOCK = ".build.lock"
PUBLISHED = "published.json"
REPLICAS = "replicas"  # DIR/replicas/<host>-<pid>.json: the generation each serving process reports
REPORT_FRESH = 60.0  # seconds a replica's report counts: one that stopped reporting is gone (or lagging)
LONG_WRITES = ("reindex", "build")  # holders of the lock a short write does not wait for
SHORT_WRITE_FRESH = 10.0  # seconds a short write's note in the lock file counts (a killed writer's goes stale)
BUILDING = ".building-"
_NAME = re.compile(r"^(\d{6})-\d{8}T\d{6}Z$")
DEFAULT_KEEP = 3
GRACE_SECONDS = 120.0  # a superseded generation stays at least this long: readers on other hosts may lag
GRACE_ENV = "DARGAH_PRUNE_GRACE"  # seconds, overriding GRACE_SECONDS (`dargah serve --prune-grace`)


def grace_seconds() -> float:
    try:
        return max(0.0, float(os.environ[GRACE_ENV]))
    except (KeyError, ValueError):
        return GRACE_SECONDS


class Generation(NamedTuple):
    """A published generation (unpacks as `name, path`)."""

    name: str
    path: Path

    @property
    def seq(self) -> int:
        return int(self.name.split("-", 1)[0])

    def meta(self) -> dict:
        try:
            return orjson.loads((self.path / META).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}


def valid_name(name: str) -> bool:
    """True for a string shaped like a generation's name (<seq>-<UTC time>)."""
    return bool(_NAME.match(name))


def generations_dir(root: Path) -> Path:
    return root / GENERATIONS


def list_generations(root: Path) -> list[Generation]:
    """Published generations, oldest first."""
    base = generations_dir(root)
    if not base.is_dir():
        return []
    found = [Generation(p.name, p) for p in base.iterdir() if p.is_dir() and _NAME.match(p.name)]
    return sorted(found, key=lambda g: g.seq)


def current_name(root: Path) -> str | None:
    try:
        name = (root / POINTER).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if _NAME.match(name) else None


def current(root: Path) -> Generation:
    """The serving generation, or an IndexUnavailable saying why there is none."""
    if not root.is_dir():
        raise IndexMissing(f"no index at {root} (build one with `dargah index CORPUS --index {root}`)")
    name = current_name(root)
    if name is None:
        raise NoPublishedGeneration(f"{root} holds no published index generation (build one with `dargah index`)")
    gen = Generation(name, generations_dir(root) / name)
    if not gen.path.is_dir():
        raise GenerationMissing(f"{root}: the current generation {name} is missing")
    return gen


def _write_pointer(root: Path, name: str) -> None:
    tmp = root / f".{POINTER}.{_unique()}.tmp"
    tmp.write_text(name + "\n", "ascii")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)  # atomic: readers see the old name or the new, never half
    _fsync_dir(root)


def _unique() -> str:
    """A temporary file name part no other call uses: two threads of one process, or two
    processes on two hosts with the same pid, never write the same temporary file."""
    return f"{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"


def _fsync_tree(path: Path) -> None:
    for folder, _, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(root: Path, operation: str = "build", wait: float = 0.0, **detail):
    """One write at a time per index directory, across processes and hosts sharing it (a build, a
    single-card change, a rollback all take it). Waits up to `wait` seconds for a short write to
    finish (not for a rebuild, which takes minutes), then raises BuildLocked naming the operation
    that holds it."""
    fd = try_lock(root, operation, wait=wait, **detail)
    if fd is None:
        raise locked_error(root)
    try:
        yield
    finally:
        release(fd)


def try_lock(root: Path, operation: str = "reindex", wait: float = 0.0, **detail) -> int | None:
    """Take the build lock (waiting up to `wait` seconds) and return its descriptor (to hand to a
    job process), or None when another write holds it. The lock file then names this write."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline or lock_holder(root).get("operation") in LONG_WRITES:
                os.close(fd)
                return None
            time.sleep(0.02)
    holder = {"operation": operation, "pid": os.getpid(), "since": time.time(), **detail}
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, orjson.dumps(holder), 0)
    except OSError:
        pass  # a full disk: the lock holds all the same, only its name is missing
    return fd


def release(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def lock_holder(root: Path) -> dict:
    """What the lock file says about the write holding it ({} when it does not say)."""
    try:
        holder = orjson.loads((root / LOCK).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return holder if isinstance(holder, dict) else {}


def short_write_under_way(root: Path) -> bool:
    """Whether a short write (a card change, a rollback) holds the lock, as its note says: a new
    generation is about to be served. Read without taking the lock, which writers must find free."""
    holder = lock_holder(root)
    operation, since = holder.get("operation"), holder.get("since")
    if not operation or operation in LONG_WRITES or not isinstance(since, (int, float)):
        return False
    return time.time() - since < SHORT_WRITE_FRESH


def locked_error(root: Path) -> BuildLocked:
    holder = lock_holder(root)
    operation = holder.get("operation") or "another write"
    return BuildLocked(f"{operation} is running in this index directory", holder=holder)


def new_build_dir(root: Path) -> Path:
    base = generations_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{BUILDING}{os.getpid()}-{time.time_ns()}"
    path.mkdir()
    return path


def next_name(root: Path) -> str:
    gens = list_generations(root)
    seq = (gens[-1].seq + 1) if gens else 1
    return f"{seq:06d}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"


_next_name = next_name


def publish(
    root: Path, build_dir: Path, keep: int = DEFAULT_KEEP, name: str | None = None, grace: float | None = None
) -> Generation:
    """Move a finished build into place and point CURRENT at it. Call under build_lock."""
    name = name or next_name(root)
    final = generations_dir(root) / name
    _fsync_tree(build_dir)  # on disk before it can be served: a power cut never serves empty files
    os.rename(build_dir, final)
    _fsync_dir(final.parent)
    switch(root, name)
    prune(root, keep, grace_seconds() if grace is None else grace)
    return Generation(name, final)


# -- publication times --------------------------------------------------------------------------


def publications(root: Path) -> dict[str, dict]:
    """{generation: {"published": t, "superseded": t or None, ...}} as recorded by `switch`."""
    try:
        data = orjson.loads((root / PUBLISHED).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_publications(root: Path, data: dict) -> None:
    tmp = root / f".{PUBLISHED}.{_unique()}.tmp"
    with tmp.open("wb") as f:
        f.write(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / PUBLISHED)


def record_switch(root: Path, before: str | None, after: str, **note) -> None:
    """Note that `after` replaced `before` as the serving generation now (call under the lock)."""
    data = publications(root)
    now = time.time()
    if before and before != after:
        data.setdefault(before, {})["superseded"] = now
    entry = data.setdefault(after, {})
    entry.update(published=now, superseded=None, **note)
    _save_publications(root, data)


def _superseded_at(gen: Generation, recorded: dict) -> float:
    """When `gen` stopped serving; for a generation with no record (published by an older version,
    or never published at all) the last change of its directory entry, which a copy does not
    inherit."""
    at = (recorded.get(gen.name) or {}).get("superseded")
    if isinstance(at, (int, float)):
        return float(at)
    try:
        st = gen.path.stat()
    except OSError:
        return time.time()
    return max(st.st_mtime, st.st_ctime)


def prune(root: Path, keep: int = DEFAULT_KEEP, grace: float | None = None) -> list[str]:
    """Remove generations older than the newest `keep`, never the serving one, and only once each
    stopped serving `grace` seconds ago (recorded when it was superseded: replicas on a shared
    volume switch within seconds, but one that lags must not find its generation gone). Returns
    the names removed."""
    grace = grace_seconds() if grace is None else grace
    serving = current_name(root)
    gens = list_generations(root)
    recorded = publications(root)
    reported = reported_serving(root)
    now = time.time()
    removed = []
    for gen in gens[: max(0, len(gens) - keep)]:
        if gen.name == serving or gen.name in reported or now - _superseded_at(gen, recorded) < grace:
            continue
        shutil.rmtree(gen.path, ignore_errors=True)
        removed.append(gen.name)
    if removed and recorded:
        on_disk = {g.name for g in list_generations(root)}
        try:
            _save_publications(root, {k: v for k, v in recorded.items() if k in on_disk})
        except OSError:
            pass
    return removed


# -- what the replicas serve --------------------------------------------------------------------


def report_serving(root: Path, replica: str, name: str) -> None:
    """Note that the serving process `replica` (host and pid) serves generation `name` now."""
    folder = root / REPLICAS
    folder.mkdir(exist_ok=True)
    tmp = folder / f".{replica}.{_unique()}.tmp"
    tmp.write_bytes(orjson.dumps({"generation": name, "at": time.time()}))
    os.replace(tmp, folder / f"{replica}.json")


def withdraw_report(root: Path, replica: str) -> None:
    (root / REPLICAS / f"{replica}.json").unlink(missing_ok=True)


def reported_serving(root: Path, fresh: float = REPORT_FRESH) -> set[str]:
    """The generations serving processes reported within the last `fresh` seconds."""
    folder = root / REPLICAS
    if not folder.is_dir():
        return set()
    now, names = time.time(), set()
    for path in folder.glob("*.json"):
        try:
            report = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(report, dict) and now - float(report.get("at") or 0) < fresh:
            names.add(str(report.get("generation")))
    return names


def switch(root: Path, name: str, **note) -> Generation:
    """Point CURRENT at a published generation (and record when); GenerationMissing if there is
    none by that name. Call under build_lock."""
    gen = Generation(name, generations_dir(root) / name)
    if not gen.path.is_dir():
        raise GenerationMissing(f"no generation {name} in this index directory")
    before = current_name(root)
    _write_pointer(root, name)
    record_switch(root, before, name, **note)
    return gen


def rollback(root: Path) -> Generation:
    """Serve the generation published before the current one (NothingToRollBack if none is left).
    Call under build_lock; the admin API and the command line go through indexer.writes, which
    records the rollback."""
    target = rollback_target(root)
    if target is None:
        raise NothingToRollBack("no older generation to roll back to")
    return switch(root, target)


def rollback_target(root: Path) -> str | None:
    """The generation the serving one was made from (its meta's `parent`), else the newest older."""
    name = current_name(root)
    if name is not None:
        parent = Generation(name, generations_dir(root) / name).meta().get("parent")
        if parent:
            return parent if (generations_dir(root) / parent).is_dir() else None
    older = older_generations(root, name)
    return older[0].name if older else None


def older_generations(root: Path, name: str | None) -> list[Generation]:
    """The published generations older than `name` (all of them for None), newest first."""
    return [g for g in reversed(list_generations(root)) if name is None or g.name < name]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cleanup_partial(root: Path) -> list[str]:
    """Remove builds left behind by a crashed process; returns what was removed."""
    base = generations_dir(root)
    removed: list[str] = []
    if not base.is_dir():
        return removed
    for p in base.glob(f"{BUILDING}*"):
        try:
            pid = int(p.name.split("-")[1])
        except (IndexError, ValueError):
            pid = -1
        if pid == os.getpid() or (pid > 0 and _pid_alive(pid)):
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p.name)
    for pattern in (f".{POINTER}.*.tmp", f".{PUBLISHED}.*.tmp"):
        for p in root.glob(pattern):
            p.unlink(missing_ok=True)
    return removed
