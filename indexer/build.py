"""Build a generation from validated cards, check it, publish it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from whoosh import index as whoosh_index
from whoosh.query import Term

from corpus import LANGUAGE_FILES
from indexer import analysis, generation_files, overlay, plan, writes
from indexer.documents import field_terms
from store import layout, report_history, versions
from store.layout import EXTRA_FILES
from store.life_events import LifeEvents


def extras_beside(folder: Path) -> dict[str, Path]:
    """The query-side files for a corpus in `folder`: those beside it; where it has no synonyms or
    life events of its own, the bundled ones (they describe Persian and citizens' situations, which
    any catalogue of government services shares; best bets name one catalogue's cards)."""
    extras = {name: folder / name for name in EXTRA_FILES}
    for name, bundled in LANGUAGE_FILES.items():
        if not extras[name].is_file():
            extras[name] = bundled
    return extras


@dataclass
class BuildResult:
    generation: layout.Generation
    cards: int
    agencies: int
    clusters: int
    seconds: float
    diff: plan.Diff | None = None
    # Card life_events strings that name no event of life_events.json: {string: [card ids]}.
    unknown_life_events: dict[str, list[str]] = field(default_factory=dict)


class BuildCheckFailed(Exception):
    pass


def _check(path: Path, cards: list[dict], searcher=None) -> None:
    """Refuse to publish an index that does not hold every card or cannot find one by its title.
    `searcher`: one already open on that index."""
    if searcher is None:
        with whoosh_index.open_dir(str(path / layout.WHOOSH)).searcher() as opened:
            return _check(path, cards, opened)
    if searcher.doc_count() != len(cards):
        raise BuildCheckFailed(f"index holds {searcher.doc_count()} documents, expected {len(cards)}")
    if cards:
        probe = cards[len(cards) // 2]
        words = field_terms(probe)["title"].split()
        if words:
            hits = {searcher.stored_fields(d)["id"] for d in searcher.docs_for_query(Term("title", words[0]))}
            if probe["id"] not in hits:
                raise BuildCheckFailed(f"probe query for {probe['id']!r} did not find it")


def build(
    root: Path,
    cards: list[dict],
    *,
    extras: dict[str, Path] | None = None,
    source: str = "",
    keep: int = layout.DEFAULT_KEEP,
    progress: Callable[[int], None] | None = None,
    use_overlay: bool = True,
    locked: bool = False,
    max_removed_share: float | None = None,
    force: bool = False,
    checked: Callable[[plan.Diff], None] | None = None,
    audit: dict | None = None,
    processes: int | None = None,
) -> BuildResult:
    """Index `cards` into a new generation under `root` and make it the serving one.

    The serving generation's overlay (single-card changes, see overlay.py) is applied on top of
    `cards` unless `use_overlay` is false. With `max_removed_share`, a build that would remove
    more than that share of the live cards raises plan.TooManyRemoved unless `force`; `checked`
    is called with the diff once it passed. `processes`: how many analyse the cards (default: one
    per core for a large enough catalogue, see analysis.processes). The serving generation is untouched until the new
    one is complete, checked and recorded (indexer/writes.py); on any failure the partial build
    is removed and the exception propagates. `locked`: the caller already holds the write lock
    (a job started by the admin API). `audit`: what the audit entry says of who and why.
    """
    started = time.monotonic()
    with nullcontext() if locked else layout.build_lock(root, "build"):
        writes.recover(root)
        layout.cleanup_partial(root)
        base = layout.current_name(root)
        recorded = overlay.load(root) if use_overlay else {}
        corpus_cards = cards
        if recorded:
            cards = overlay.apply(cards, recorded)
        diff = plan.diff(root, cards)
        plan.guard(diff, max_removed_share, force)
        if checked:
            checked(diff)
        build_dir = layout.new_build_dir(root)
        try:
            generation_files.write(build_dir, cards, progress, analysis.processes(len(cards), processes))
            for name, path in (extras or {}).items():
                if name in EXTRA_FILES and path and Path(path).is_file():
                    shutil.copyfile(path, build_dir / name)
            overlay.write(build_dir, overlay.reconcile(corpus_cards, recorded) if recorded else {})
            agencies = len({c["agency"] for c in cards})
            clusters = len({c["cluster"] for c in cards})
            meta = {
                "cards": len(cards),
                "agencies": agencies,
                "clusters": clusters,
                "source": source,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "parent": base,
            }
            (build_dir / layout.META).write_bytes(orjson.dumps(versions.stamp(meta)))
            _check(build_dir, cards)
            unknown_events = _unknown_events(build_dir, cards)  # a broken file fails the build here
            entry = {
                "action": "reindex",
                "source": source,
                "added": len(diff.added),
                "changed": len(diff.changed),
                "removed": len(diff.removed),
                "cards": len(cards),
                **({"forced": True} if force else {}),
                **(audit or {}),
            }
            gen = writes.publish(root, build_dir, entry, keep)
            report_history.append(root, gen, cards)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
    return BuildResult(
        gen, len(cards), agencies, clusters, time.monotonic() - started, diff=diff, unknown_life_events=unknown_events
    )


def dry_run(root: Path, cards: list[dict], use_overlay: bool = True) -> plan.Diff:
    """What `build` would change, without building or publishing anything."""
    recorded = overlay.load(root) if use_overlay else {}
    return plan.diff(root, overlay.apply(cards, recorded) if recorded else cards)


def _unknown_events(generation: Path, cards: list[dict]) -> dict[str, list[str]]:
    """The cards' life_events that the generation's controlled vocabulary does not know."""
    path = generation / "life_events.json"
    if not path.is_file():
        return {}
    try:
        return LifeEvents.load(path).unknown_aliases(cards)
    except (ValueError, KeyError, TypeError) as e:
        raise BuildCheckFailed(f"life_events.json is not a valid list of life events: {e}") from None
