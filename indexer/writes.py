"""Every write to the index directory is recorded before it is published, and published under
the one write lock (store/layout.py build_lock).

A write (a full build, a single-card change, a rollback or roll-forward) runs, with the lock held:

1. `recover`: finish or discard a write a crash interrupted, so that the served generation and
   the record agree before anything else happens;
2. build the new generation completely, its overlay (indexer/overlay.py) inside it;
3. record: DIR/.pending-write.json, the audit entry of this write with the generation it will
   publish (fsync): the write-ahead record;
4. publish: rename the generation into place and point CURRENT at it (one atomic rename);
5. append the entry to the audit log (indexer/audit.py) and remove the pending record.

A crash between 3 and 4 leaves a record of a write that was not published: `recover` discards it
(and the unpublished generation). A crash between 4 and 5 leaves a published write whose entry is
not yet in the audit log: `recover` appends it. Either way, what is served is what is recorded.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from pathlib import Path

import orjson

from indexer import audit
from store import layout
from store.errors import NothingToRollBack, NothingToRollForward

PENDING = ".pending-write.json"
# Test hook: a fault injected between the record and the publication ("crash": the process dies
# at once, as under kill -9; "fail": the write fails as on a full disk). Never set in production.
FAULT_ENV = "DARGAH_TEST_FAULT"
LOCK_WAIT = 2.0  # seconds a card change or rollback waits for another short write before 409


def _fault(point: str) -> None:
    fault = os.environ.get(FAULT_ENV, "")
    if fault == f"crash-{point}":
        os._exit(137)
    if fault == f"fail-{point}":
        raise OSError(errno.ENOSPC, "No space left on device (injected)")


def _write_pending(root: Path, record: dict) -> None:
    tmp = root / f"{PENDING}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    with tmp.open("wb") as f:
        f.write(orjson.dumps(record))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / PENDING)
    layout._fsync_dir(root)


def _clear_pending(root: Path) -> None:
    (root / PENDING).unlink(missing_ok=True)


def pending(root: Path) -> dict | None:
    try:
        record = orjson.loads((root / PENDING).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("entry"), dict) else None


def recover(root: Path) -> str | None:
    """Finish ("finished") or discard ("discarded") a write a crash interrupted; None if there was
    none. Call under the write lock (every write does, and `dargah serve` at start-up)."""
    for tmp in root.glob(f"{PENDING}.*.tmp"):
        tmp.unlink(missing_ok=True)
    record = pending(root)
    if record is None:
        (root / PENDING).unlink(missing_ok=True)  # unreadable: torn before it was complete
        return None
    entry = record["entry"]
    after = entry.get("generation_after")
    if after and layout.current_name(root) == after:
        if after not in layout.publications(root):
            layout.record_switch(root, entry.get("generation_before"), after)
        if not audit.has_write(root, entry.get("write")):
            audit.append(root, {**entry, "recovered": True})
        outcome = "finished"
    else:
        if record.get("kind") == "new" and after:
            shutil.rmtree(layout.generations_dir(root) / after, ignore_errors=True)  # never served
        outcome = "discarded"
    _clear_pending(root)
    return outcome


def _entry(root: Path, entry: dict, after: str) -> dict:
    return audit.stamp(
        {
            "write": secrets.token_hex(8),
            "actor": "cli",
            **entry,
            "generation_before": layout.current_name(root),
            "generation_after": after,
        }
    )


def _finish(root: Path, entry: dict) -> None:
    """Step 5. A failure here (a full disk) leaves the pending record for `recover` to finish:
    the write is published and stays so."""
    try:
        audit.append(root, entry)
        _clear_pending(root)
    except OSError:
        pass


def publish(root: Path, build_dir: Path, entry: dict, keep: int = layout.DEFAULT_KEEP) -> layout.Generation:
    """Record, then publish a complete build as the serving generation. Call under the lock."""
    name = layout.next_name(root)
    entry = _entry(root, entry, name)
    _write_pending(root, {"kind": "new", "entry": entry})
    try:
        _fault("after-record")
        gen = layout.publish(root, build_dir, keep, name=name)
    except BaseException:
        if layout.current_name(root) != name:  # not published: the record goes too
            shutil.rmtree(layout.generations_dir(root) / name, ignore_errors=True)
            _clear_pending(root)
            raise
        gen = layout.Generation(name, layout.generations_dir(root) / name)  # published all the same
    _fault("after-publish")
    _finish(root, entry)
    return gen


def switch(root: Path, target: str, entry: dict, **note) -> layout.Generation:
    """Record, then serve an existing generation (a rollback or roll-forward). Call under the lock."""
    entry = _entry(root, entry, target)
    _write_pending(root, {"kind": "switch", "entry": entry})
    try:
        _fault("after-record")
        gen = layout.switch(root, target, **note)
    except BaseException:
        if layout.current_name(root) != target:
            _clear_pending(root)
            raise
        gen = layout.Generation(target, layout.generations_dir(root) / target)
    _finish(root, entry)
    return gen


def rollback(root: Path, actor: str = "cli", to: str | None = None, wait: float = LOCK_WAIT) -> layout.Generation:
    """Serve the generation the current one was made from (or the named one `to`), with the
    overlay that went with it, as a recorded write. NothingToRollBack / GenerationMissing."""
    with layout.build_lock(root, "rollback", wait=wait):
        recover(root)
        before = layout.current_name(root)
        target = to or layout.rollback_target(root)
        if target is None:
            raise NothingToRollBack("no older generation to roll back to")
        if target == before:
            raise NothingToRollBack(f"generation {target} is already the serving one")
        action = "rollback" if to is None or to < (before or "") else "rollforward"
        return switch(root, target, {"actor": actor, "action": action}, rolled_back_from=before)


def rollforward(root: Path, actor: str = "cli", wait: float = LOCK_WAIT) -> layout.Generation:
    """Undo the last rollback: serve again the generation it replaced (NothingToRollForward)."""
    with layout.build_lock(root, "rollforward", wait=wait):
        recover(root)
        before = layout.current_name(root)
        target = (layout.publications(root).get(before) or {}).get("rolled_back_from")
        if not target or not (layout.generations_dir(root) / target).is_dir():
            raise NothingToRollForward(
                "the serving generation was not reached by a rollback (or what it replaced is gone)"
            )
        return switch(root, target, {"actor": actor, "action": "rollforward"})
