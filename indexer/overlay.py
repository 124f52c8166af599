"""Single-card changes made through the admin API, kept beside the generations so that the next
full rebuild from the configured corpus does not silently undo them.

The rule: DIR/overlay.jsonl holds, per card id, the latest upserted card or a deletion. A full
rebuild applies the overlay on top of the corpus (an upsert replaces or adds the card, a deletion
removes it) and then forgets every entry the corpus has caught up with: an upsert whose card is
now identical in the corpus, a deletion whose id the corpus no longer has. So an admin's fix
lasts until the agency's own data says the same thing, and never longer.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

FILE = "overlay.jsonl"


def load(root: Path) -> dict[str, dict | None]:
    """id → card (upsert) or None (deletion)."""
    path = root / FILE
    if not path.is_file():
        return {}
    out: dict[str, dict | None] = {}
    for line in path.read_bytes().splitlines():
        if line.strip():
            entry = orjson.loads(line)
            out[entry["id"]] = entry.get("card")
    return out


def save(root: Path, overlay: dict[str, dict | None]) -> None:
    """Replace the overlay atomically (call under the build lock)."""
    tmp = root / f".{FILE}.{os.getpid()}.tmp"
    with tmp.open("wb") as f:
        for sid, card in sorted(overlay.items()):
            f.write(orjson.dumps({"id": sid, "card": card}) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / FILE)


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
