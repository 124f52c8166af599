"""Single-card upserts and deletions, published as a new generation in well under a second.

The current generation is copied, the one document is replaced or deleted in the copy with
Whoosh's incremental writer (a new small segment), the card files are rewritten (only the changed
card analysed), the overlay updated, and the copy is checked, recorded and published like any
build (indexer/writes.py). Published generations stay immutable.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from whoosh import index as whoosh_index

from indexer import audit, overlay, postings_sidecar, writes
from indexer import whoosh_index as windex
from indexer.build import _check
from indexer.documents import field_terms
from store import card_facts, card_files, layout, report_history, segment_postings, versions


class NotYourAgency(Exception):
    """The writer may change only cards of its own agencies."""

    def __init__(self, card_id: str, agency: str):
        self.card_id, self.agency = card_id, agency
        super().__init__(f"card {card_id!r} belongs to {agency!r}, an agency this token may not edit")


def _copy_generation(source: Path, target: Path) -> None:
    """Copy a generation's files into the (empty) build directory, but for the card files, which
    the change writes anew. A failure raises at once with its own errno (a full disk says so),
    where shutil.copytree would gather them into one Error."""
    sidecar = segment_postings.folder(source)
    for folder, subfolders, files in os.walk(source):
        if Path(folder) == source and sidecar.name in subfolders:
            subfolders.remove(sidecar.name)  # linked: its files never change
        into = target / Path(folder).relative_to(source)
        into.mkdir(exist_ok=True)
        for name in files:
            if folder == str(source) and name in card_files.FILES:
                continue
            shutil.copyfile(Path(folder) / name, into / name)
    segment_postings.link_into(source, target)


class _WriteLock:
    """The write lock a single-card change holds. `then` runs its last step in a thread of its
    own, still under the lock, which that thread releases: the caller returns meanwhile."""

    def __init__(self, fd: int):
        self.fd = fd
        self.handed_over = False

    def then(self, step) -> None:
        def run():
            try:
                step()
            finally:
                layout.release(self.fd)

        try:
            threading.Thread(target=run, name="write-history").start()  # not a daemon: it ends before the process
        except RuntimeError:  # no thread to be had: the step runs now
            step()
            return
        self.handed_over = True


@contextmanager
def _write_lock(root: Path, operation: str, wait: float, **detail) -> Iterator[_WriteLock]:
    """layout.build_lock, whose release a _WriteLock may hand over to its last step."""
    fd = layout.try_lock(root, operation, wait=wait, **detail)
    if fd is None:
        raise layout.locked_error(root)
    lock = _WriteLock(fd)
    try:
        yield lock
    finally:
        if not lock.handed_over:
            layout.release(fd)


def _apply(
    root: Path,
    card_id: str,
    card: dict | None,
    keep: int,
    actor: str = "cli",
    agencies: frozenset[str] | None = None,
    wait: float = writes.LOCK_WAIT,
    history_after_return: bool = False,
) -> layout.Generation:
    """`agencies`: the agencies the writer may edit (None: all). Raises KeyError when a deleted
    card does not exist, NotYourAgency, and whatever the store raises. `history_after_return`:
    return once the generation is published (and recorded in the audit log), and append its line
    of the report's history (store/report_history.py) in the background, still under the write
    lock; a server shows the serving generation's figures in the series meanwhile."""
    operation = "upsert" if card is not None else "delete"
    with _write_lock(root, operation, wait, id=card_id) as lock:
        writes.recover(root)
        layout.cleanup_partial(root)
        base = layout.current(root)
        before = card_files.read(base.path)
        old = next((c for c, _, _ in before if c["id"] == card_id), None)
        if card is None and old is None:
            raise KeyError(card_id)
        if agencies is not None:
            for version in (old, card):
                if version is not None and version["agency"] not in agencies:
                    raise NotYourAgency(card_id, version["agency"])
        # A card analysed by this code beside cards analysed by another would be found by one
        # kind of query and not the other: a generation of another analyzer is rebuilt, not patched.
        versions.check(base.name, base.meta())
        build_dir = layout.new_build_dir(root)
        try:
            _copy_generation(base.path, build_dir)
            ix = whoosh_index.open_dir(str(build_dir / layout.WHOOSH))
            writer = ix.writer()
            try:
                if card is None:
                    writer.delete_by_term("id", card_id)
                else:
                    writer.update_document(id=card_id, **field_terms(card))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            # Other cards' lines are kept as they are: the compounds their texts were checked
            # against are the vocabulary of the build that wrote them (a term this change adds
            # counts for them from the next full build).
            dropped = next((n for n, (c, _, _) in enumerate(before) if c["id"] == card_id), None)
            # One searcher on the committed index for the new card's words and the check (each
            # opening reads every segment's term tables).
            searcher = whoosh_index.open_dir(str(build_dir / layout.WHOOSH)).searcher()
            try:
                postings_sidecar.complete(build_dir, searcher.reader())
                added = None
                if card is not None:
                    vocabulary = windex.IndexedTerms(searcher.reader())
                    added = (
                        card_files.card_line(card),
                        card_files.shown_line(card, vocabulary),
                        card_facts.line(card),
                    )
                card_files.write_changed(base.path, build_dir, before, dropped, added)
                cards = [c for n, (c, _, _) in enumerate(before) if n != dropped]
                if card is not None:
                    cards.append(card)
                recorded = overlay.of_generation(root, base.path)
                recorded[card_id] = card
                overlay.write(build_dir, recorded)
                meta = orjson.loads((build_dir / layout.META).read_bytes())
                versions.stamp(meta)
                meta.update(
                    cards=len(cards),
                    agencies=len({c["agency"] for c in cards}),
                    clusters=len({c["cluster"] for c in cards}),
                    source=f"{meta.get('source', '')} + {operation} {card_id}",
                    parent=base.name,
                )
                (build_dir / layout.META).write_bytes(orjson.dumps(meta))
                _check(build_dir, cards, searcher)
            finally:
                searcher.close()
            entry = {
                "actor": actor,
                "action": operation,
                "id": card_id,
                "agency": (card or old)["agency"],
                "changed": audit.changed_fields(old, card),
                "card": card,
            }
            gen = writes.publish(root, build_dir, entry, keep)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        if history_after_return:
            lock.then(lambda: report_history.append(root, gen, cards))
        else:
            report_history.append(root, gen, cards)
        return gen


def upsert(root: Path, card: dict, keep: int = layout.DEFAULT_KEEP, **who) -> layout.Generation:
    return _apply(root, card["id"], card, keep, **who)


def delete(root: Path, card_id: str, keep: int = layout.DEFAULT_KEEP, **who) -> layout.Generation:
    return _apply(root, card_id, None, keep, **who)
