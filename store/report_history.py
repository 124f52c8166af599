"""The report's history: one line per publication in `DIR/report-history.jsonl`, beside the
generations rather than in one, so it survives their pruning and every replica reads the same file.

Append-only, with one writer: the indexer appends right after it publishes, under the build lock
(indexer/build.py, indexer/update.py). A line is written with one `write` on a file opened for
appending and then synced, so a reader sees whole lines; a torn last line (a writer killed
mid-write) is skipped by readers and cut off by the next append, so it is never glued to the next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from store import card_files, layout, report

HISTORY = "report-history.jsonl"
log = logging.getLogger("dargah.report")


def path(root: Path) -> Path:
    return Path(root) / HISTORY


def append(root: Path, generation: layout.Generation, cards: Iterable[dict] | None = None) -> dict | None:
    """Append the summary of the report of `generation` (just published) and return it. `cards`:
    the generation's cards when the caller has them at hand (else they are read from its files).

    The generation is published whatever happens here: a history that cannot be written (a full
    disk) is logged and misses this entry, and the server still shows the serving generation's
    figures in the series (search/report.py)."""
    if cards is None:
        cards = card_files.CardStore(generation.path).cards()
    entry = report.summary(cards, generation.name)
    line = orjson.dumps(entry) + b"\n"
    try:
        fd = os.open(path(root), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            _cut_torn_tail(fd)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        log.error("the report history of %s was not written: %s", generation.name, e)
        return None
    return entry


def _cut_torn_tail(fd: int) -> None:
    """A last line without its newline was left by a writer that died: drop it."""
    size = os.fstat(fd).st_size
    if not size or os.pread(fd, 1, size - 1) == b"\n":
        return
    start = max(0, size - (1 << 20))
    tail = os.pread(fd, size - start, start)
    cut = tail.rfind(b"\n")
    os.ftruncate(fd, start + cut + 1 if cut >= 0 else start)


def read(root: Path) -> list[dict]:
    """Every entry, oldest first (a line that does not parse is skipped)."""
    try:
        data = path(root).read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for raw in data.splitlines():
        try:
            entry = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "generation" in entry:
            entries.append(entry)
    return entries


def series(entries: list[dict], *, agency: str | None = None, parent: str | None = None) -> list[dict]:
    """One point per publication: the national figures, or one agency's or ministry's (publications
    in which it had no services are left out)."""
    points = []
    for entry in entries:
        if agency is not None:
            figures = entry.get("agencies", {}).get(agency)
        elif parent is not None:
            figures = entry.get("parents", {}).get(parent)
        else:
            figures = entry.get("national")
        if figures is not None:
            points.append({"generation": entry["generation"], "published_at": entry["published_at"], **figures})
    return points
