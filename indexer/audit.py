"""The audit trail: every write to the index directory, appended to DIR/audit.jsonl, one JSON
object a line, never rewritten.

An entry says when (`time`, ISO 8601 UTC, and `at`, seconds since the epoch), who (`actor`: the
admin token's name, or `cli`), what (`action`: upsert, delete, reindex, rollback, rollforward),
on which card (`id`, `agency`), which generation served before and after, and for a card write
the fields that changed and the card as written (`card`, None for a deletion), which is what a
card's history shows. Entries are appended under the index directory's write lock
(indexer/writes.py), so they are in the order the writes were published.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

FILE = "audit.jsonl"
CARD_ACTIONS = ("upsert", "delete")


def append(root: Path, entry: dict) -> None:
    """Append one entry durably (fsync). A line torn by a crash is closed off first, so it never
    swallows the next entry."""
    line = orjson.dumps(entry) + b"\n"
    fd = os.open(root / FILE, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def entries(root: Path) -> Iterator[dict]:
    """Every entry, oldest first (a line torn by a crash is skipped)."""
    try:
        data = (root / FILE).read_bytes()
    except FileNotFoundError:
        return
    for raw in data.splitlines():
        try:
            entry = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            yield entry


def has_write(root: Path, write_id: str) -> bool:
    return any(e.get("write") == write_id for e in entries(root))


def query(
    root: Path,
    *,
    since: float | None = None,
    card_id: str | None = None,
    actor: str | None = None,
    agencies: frozenset[str] | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Entries matching every given condition, oldest first, at most the newest `limit`.
    `agencies`: only card writes of these agencies (what an agency's own token may read)."""
    out = []
    for e in entries(root):
        if since is not None and (e.get("at") or 0) < since:
            continue
        if card_id is not None and e.get("id") != card_id:
            continue
        if actor is not None and e.get("actor") != actor:
            continue
        if agencies is not None and e.get("agency") not in agencies:
            continue
        out.append(e)
    return out[-limit:]


def history(root: Path, card_id: str) -> list[dict]:
    """Each version of one card written through the admin API, oldest first."""
    return [e for e in query(root, card_id=card_id) if e.get("action") in CARD_ACTIONS]


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    """The card properties a write changed (all of them for a new card or a deletion)."""
    before, after = before or {}, after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def stamp(entry: dict) -> dict:
    now = time.time()
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)), "at": round(now, 3), **entry}
