"""Single-card changes made through the admin API, kept with each generation so that the next
full rebuild from the configured corpus does not silently undo them.

The rule: a generation's overlay.jsonl holds, per card id, the latest upserted card or a deletion
in force when it was published. A full rebuild applies the serving generation's overlay on top of
the corpus (an upsert replaces or adds the card, a deletion removes it) and gives the new
generation the overlay without the entries the corpus has caught up with: an upsert whose card
is now identical in the corpus, a deletion whose id the corpus no longer has. So an admin's fix
lasts until the agency's own data says the same thing, and never longer.

Because the overlay travels inside the generation, it is written before the generation is
published (never after), and a rollback to an older generation restores the overlay that went
with it: a rolled-back edit is not served again by the next rebuild.

Generations published before this layout carry no overlay: theirs is DIR/overlay.jsonl, the
file the overlay was kept in then (read, never written).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from store import layout
from store.errors import IndexUnavailable

FILE = "overlay.jsonl"


def _read(path: Path) -> dict[str, dict | None]:
    if not path.is_file():
        return {}
    out: dict[str, dict | None] = {}
    for line in path.read_bytes().splitlines():
        if line.strip():
            entry = orjson.loads(line)
            out[entry["id"]] = entry.get("card")
    return out


def of_generation(root: Path, generation: Path) -> dict[str, dict | None]:
    """The overlay that went with a generation: id → card (upsert) or None (deletion)."""
    own = generation / FILE
    return _read(own if own.is_file() else root / FILE)


def load(root: Path) -> dict[str, dict | None]:
    """The overlay of the serving generation ({} when none is published)."""
    try:
        serving = layout.current(root)
    except IndexUnavailable:
        return {}
    return of_generation(root, serving.path)


def write(generation: Path, overlay: dict[str, dict | None]) -> None:
    """Write a generation's overlay into its build directory (before it is published)."""
    with (generation / FILE).open("wb") as f:
        for sid, card in sorted(overlay.items()):
            f.write(orjson.dumps({"id": sid, "card": card}) + b"\n")
        f.flush()
        os.fsync(f.fileno())


def apply(cards: list[dict], overlay: dict[str, dict | None]) -> list[dict]:
    """The corpus with the overlay's upserts and deletions applied, corpus order kept."""
    out, seen = [], set()
    for card in cards:
        seen.add(card["id"])
        if card["id"] in overlay:
            if overlay[card["id"]] is not None:
                out.append(overlay[card["id"]])
        else:
            out.append(card)
    out.extend(c for sid, c in overlay.items() if c is not None and sid not in seen)
    return out


def reconcile(cards: list[dict], overlay: dict[str, dict | None]) -> dict[str, dict | None]:
    """The overlay without the entries the corpus already agrees with."""
    corpus = {c["id"]: c for c in cards}
    return {sid: c for sid, c in overlay.items() if (corpus.get(sid) != c if c is not None else sid in corpus)}
