"""What a full rebuild would change, and the guard rail against a rebuild that would remove much
of the live catalogue (a truncated export, a five-card test upload): refused unless forced."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store import card_files, layout
from store.errors import IndexUnavailable

DEFAULT_MAX_REMOVED_SHARE = 0.10  # a rebuild removing more than this share of the live cards is refused


@dataclass
class Diff:
    live: int  # cards served now
    total: int  # cards the rebuild would serve
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "live": self.live,
            "total": self.total,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.total - len(self.added) - len(self.changed),
        }


class TooManyRemoved(Exception):
    """The rebuild would remove more than the allowed share of the live cards."""

    def __init__(self, diff: Diff, max_share: float):
        self.diff, self.max_share = diff, max_share
        super().__init__(
            f"the rebuild would remove {len(diff.removed)} of the {diff.live} live cards "
            f"({100 * len(diff.removed) / diff.live:.0f}%), more than the {100 * max_share:.0f}% allowed; "
            "check the corpus (a dry run lists what would change), or force the rebuild"
        )

    def as_dict(self) -> dict:
        return {"removed": len(self.diff.removed), "live": self.diff.live, "max_removed_share": self.max_share}


def live_cards(root: Path) -> dict[str, dict]:
    """id → card of the serving generation ({} when none is published)."""
    try:
        serving = layout.current(root)
    except IndexUnavailable:
        return {}
    try:
        with open(serving.path / card_files.CARDS, "rb") as f:
            return {(entry := orjson.loads(line))["id"]: entry["card"] for line in f if line.strip()}
    except OSError:
        return {}


def diff(root: Path, cards: list[dict]) -> Diff:
    """What serving `cards` instead of the serving generation's cards would change."""
    live = live_cards(root)
    new = {c["id"]: c for c in cards}
    return Diff(
        live=len(live),
        total=len(new),
        added=sorted(new.keys() - live.keys()),
        changed=sorted(i for i in new.keys() & live.keys() if new[i] != live[i]),
        removed=sorted(live.keys() - new.keys()),
    )


def guard(d: Diff, max_share: float | None, force: bool = False) -> None:
    """Raise TooManyRemoved unless forced or within the share (None: no guard)."""
    if force or max_share is None or not d.live:
        return
    if len(d.removed) > max_share * d.live:
        raise TooManyRemoved(d, max_share)
