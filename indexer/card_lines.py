"""The generation's cards file, `cards.jsonl`: one line per card with the analysis of the texts
results highlight (the format search/card_store.py reads)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import orjson

from analyzers import text_words

FILE = "cards.jsonl"


def line(card: dict) -> bytes:
    words = {
        "version": text_words.STORED_VERSION,
        "title": text_words.text_words(card["title"]).stored(),
        "description": text_words.text_words(card.get("description") or "").stored(),
    }
    return orjson.dumps({"id": card["id"], "card": card, "words": words}) + b"\n"


def write(path: Path, cards: Iterable[dict]) -> None:
    try:
        with open(path, "wb") as f:
            f.writelines(line(card) for card in cards)
    finally:
        text_words.clear_cache()


def read(generation: Path) -> list[tuple[bytes, dict]]:
    """Each card of a published generation with its line, in file order (from `cards.json` for a
    generation written before this file existed)."""
    if not (generation / FILE).is_file():
        return [(line(c), c) for c in orjson.loads((generation / "cards.json").read_bytes())]
    with open(generation / FILE, "rb") as f:
        return [(raw, orjson.loads(raw)["card"]) for raw in f]
