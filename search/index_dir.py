"""Reading the on-disk index layout that `indexer/generations.py` writes: DIR/CURRENT names the
serving generation under DIR/generations/. The layout is the contract between the two sides; the
search side only reads it."""

from __future__ import annotations

import re
from pathlib import Path

_NAME = re.compile(r"^\d{6}-\d{8}T\d{6}Z$")


class IndexUnavailable(Exception):
    """No usable index at the configured directory (the message says why, without internals)."""


def current_generation(root: Path) -> tuple[str, Path]:
    if not root.is_dir():
        raise IndexUnavailable(f"no index at {root} (build one with `dargah index CORPUS --index {root}`)")
    try:
        name = (root / "CURRENT").read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise IndexUnavailable(f"{root} holds no published index (build one with `dargah index`)") from None
    if not _NAME.match(name) or not (root / "generations" / name).is_dir():
        raise IndexUnavailable(f"{root}: the current generation {name!r} is missing or malformed")
    return name, root / "generations" / name
