"""The index directory: immutable, complete generations plus a pointer to the serving one.

    DIR/CURRENT                      name of the serving generation (replaced atomically)
    DIR/generations/<name>/          a published generation, <seq>-<UTC time>: never modified after
                                     publication
        whoosh/                      the Whoosh index (fields.py: the schema)
        cards.jsonl                  the cards, a line each (search never reads the corpus)
        shown.jsonl                  what a result shows of each card, line for line, with its
                                     texts' stored words (card_files.py, stored_words.py)
        meta.json                    counts, build time, source
        synonyms.tsv, best_bets.tsv, life_events.json
                                     the query-side data this generation was built with
    DIR/generations/.building-<pid>-<ns>/  a build in progress (or left by a crash: removed on start)
    DIR/.build.lock                  held by the one build (or single-card change) running

Beside them, not part of a generation: DIR/overlay.jsonl (indexer/overlay.py) and DIR/jobs/
(indexer/jobs.py).

A reader that has opened a generation keeps using it while a newer one is published; old
generations are removed only beyond the newest `keep`. The indexer writes through these functions
and the search side finds the serving generation with `current`.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import shutil
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
BUILDING = ".building-"
_NAME = re.compile(r"^(\d{6})-\d{8}T\d{6}Z$")
DEFAULT_KEEP = 3
GRACE_SECONDS = 120.0  # a superseded generation stays at least this long: readers on other hosts may lag


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
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", "ascii")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)  # atomic: readers see the old name or the new, never half
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(root: Path):
    """One build at a time per index directory (across processes); BuildLocked if one is running."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is running in {root}") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def try_lock(root: Path) -> int | None:
    """Take the build lock without waiting and return its descriptor (to hand to a job process),
    or None when a build is running."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def new_build_dir(root: Path) -> Path:
    base = generations_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{BUILDING}{os.getpid()}-{time.time_ns()}"
    path.mkdir()
    return path


def _next_name(root: Path) -> str:
    gens = list_generations(root)
    seq = (gens[-1].seq + 1) if gens else 1
    return f"{seq:06d}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"


def publish(root: Path, build_dir: Path, keep: int = DEFAULT_KEEP) -> Generation:
    """Move a finished build into place and point CURRENT at it. Call under build_lock."""
    name = _next_name(root)
    final = generations_dir(root) / name
    os.rename(build_dir, final)
    _fsync_dir(final.parent)
    _write_pointer(root, name)
    prune(root, keep)
    return Generation(name, final)


def prune(root: Path, keep: int = DEFAULT_KEEP, grace: float = GRACE_SECONDS) -> None:
    """Remove generations older than the newest `keep`, never the serving one, and only once the
    generation that replaced each was published `grace` seconds ago (replicas on a shared volume
    switch within seconds, but one that lags must not find its generation gone)."""
    serving = current_name(root)
    gens = list_generations(root)
    now = time.time()
    # Each generation beyond the newest `keep`, with the one published after it.
    for gen, successor in itertools.pairwise(gens[: max(0, len(gens) - keep) + 1]):
        try:
            superseded_at = successor.path.stat().st_mtime
        except OSError:
            continue
        if gen.name != serving and now - superseded_at >= grace:
            shutil.rmtree(gen.path, ignore_errors=True)


def switch(root: Path, name: str) -> Generation:
    """Point CURRENT at a published generation; GenerationMissing if there is none by that name."""
    gen = Generation(name, generations_dir(root) / name)
    if not gen.path.is_dir():
        raise GenerationMissing(f"no generation {name} in {root}")
    _write_pointer(root, name)
    return gen


def rollback(root: Path) -> Generation:
    """Serve the generation published before the current one (NothingToRollBack if none is left)."""
    older = older_generations(root, current_name(root))
    if not older:
        raise NothingToRollBack(f"{root}: no older generation to roll back to")
    return switch(root, older[0].name)


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
    for p in root.glob(f".{POINTER}.*.tmp"):
        p.unlink(missing_ok=True)
    return removed
