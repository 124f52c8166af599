"""A generation's card files, one line per card, in the same order (the formats
search/card_store.py reads):

- `cards.jsonl`: `{"id", "card"}`, the card as published (the service view, the catalogue, load);
- `shown.jsonl`: what a result shows of it, `{"title", "description", "url", "popularity",
  "words": {"version", "title", "description"}}`, the words being the analysis of the two texts
  results highlight (analyzers.text_words). A search parses ten of these small lines, not ten
  whole cards.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from pathlib import Path

import orjson

from analyzers import text_words

FILE = "cards.jsonl"
SHOWN = "shown.jsonl"
LEGACY = "cards.json"  # a JSON array of the cards: generations written before cards.jsonl


def card_line(card: dict) -> bytes:
    return orjson.dumps({"id": card["id"], "card": card}) + b"\n"


def shown_line(card: dict, vocabulary: Container[str]) -> bytes:
    """`vocabulary`: the terms of the generation's index (whoosh_index.vocabulary), for the
    compounds a card writes apart that a query may write joined."""
    description = card.get("description") or ""
    words = {
        "version": text_words.STORED_VERSION,
        "title": text_words.text_words(card["title"], vocabulary).stored(),
        "description": text_words.text_words(description, vocabulary).stored(),
    }
    shown = {
        "title": card["title"],
        "description": description,
        "url": card.get("url"),
        "popularity": card.get("popularity"),
        "words": words,
    }
    return orjson.dumps(shown) + b"\n"


def write(generation: Path, cards: Iterable[dict], vocabulary: Container[str]) -> None:
    try:
        with open(generation / FILE, "wb") as lines, open(generation / SHOWN, "wb") as shown:
            for card in cards:
                lines.write(card_line(card))
                shown.write(shown_line(card, vocabulary))
    finally:
        text_words.clear_cache()


def read(generation: Path, vocabulary: Container[str]) -> list[tuple[dict, bytes, bytes]]:
    """Each card of a published generation with its two lines, in file order. A generation
    written before a file existed gets that file's lines made now (with `vocabulary`)."""
    if (generation / FILE).is_file():
        with open(generation / FILE, "rb") as f:
            pairs = [(orjson.loads(raw)["card"], raw) for raw in f]
    else:
        pairs = [(c, card_line(c)) for c in orjson.loads((generation / LEGACY).read_bytes())]
    if (generation / SHOWN).is_file():
        with open(generation / SHOWN, "rb") as f:
            shown = f.readlines()
    else:
        shown = [shown_line(c, vocabulary) for c, _ in pairs]
        text_words.clear_cache()
    return [(c, raw, s) for (c, raw), s in zip(pairs, shown, strict=True)]


def rewrite(generation: Path, kept: list[tuple[dict, bytes, bytes]]) -> None:
    """Replace a generation's card files with these cards' lines (a single-card change)."""
    (generation / FILE).write_bytes(b"".join(raw for _, raw, _ in kept))
    (generation / SHOWN).write_bytes(b"".join(s for _, _, s in kept))
    (generation / LEGACY).unlink(missing_ok=True)
