"""A generation's cards, read from disk when a result shows them.

`cards.jsonl` holds one line per card: `{"id", "card", "words": {"title", "description"}}`, the
words being the indexer's analysis of the two texts results highlight (analyzers.text_words). A
server keeps only where each line starts: a search reads its page's ten lines with `pread` (the
page cache holds the file once for every worker), so no worker keeps every card as Python objects
— at 10,000 cards those were about 55 MB per worker. The file stays readable after its
generation's directory is removed, through the open descriptor.

Generations written before `cards.jsonl` have `cards.json` (a JSON array of cards): they are
served from memory, with the words analysed when shown (as are words stored in another version
of their format).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import orjson

from analyzers.text_words import STORED_VERSION, TextWords, from_stored, text_words

LINES = "cards.jsonl"
LEGACY = "cards.json"


class Shown(NamedTuple):
    card: dict
    title_words: TextWords
    description_words: TextWords


class CardStore:
    def __init__(self, path: Path):
        self.path = path
        self._offsets = array("q", [0])  # where each line starts, then the end of the last
        self._memory: bytes | None = None
        if (path / LINES).is_file():
            self._file = open(path / LINES, "rb")  # noqa: SIM115 - kept open for pread
        elif (path / LEGACY).is_file():
            self._file = None
            self._memory = b"".join(orjson.dumps({"id": c["id"], "card": c}) + b"\n" for c in orjson.loads((path / LEGACY).read_bytes()))
        else:
            raise FileNotFoundError(f"{path} has neither {LINES} nor {LEGACY}")

    def scan(self) -> Iterator[dict]:
        """Every card in line order, read once sequentially (at load), noting where lines start.
        Only one card is alive at a time."""
        self._offsets = array("q", [0])
        if self._file is not None:
            self._file.seek(0)
            lines = iter(self._file)
        else:
            lines = iter(self._memory.splitlines(keepends=True))
        end = 0
        for line in lines:
            end += len(line)
            self._offsets.append(end)
            yield orjson.loads(line)["card"]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _line(self, n: int) -> dict:
        start, end = self._offsets[n], self._offsets[n + 1]
        if self._memory is not None:
            return orjson.loads(self._memory[start:end])
        return orjson.loads(os.pread(self._file.fileno(), end - start, start))

    def card(self, n: int) -> dict:
        return self._line(n)["card"]

    def shown(self, n: int) -> Shown:
        """A card with its title's and description's words, for a result."""
        line = self._line(n)
        card, words = line["card"], line.get("words")
        if words and words.get("version") == STORED_VERSION:
            return Shown(card, from_stored(words["title"]), from_stored(words["description"]))
        return Shown(card, text_words(card["title"]), text_words(card.get("description") or ""))

    def cards(self) -> Iterator[dict]:
        """Every card, one at a time (for views built after load: suggestions, rankings)."""
        for n in range(len(self)):
            yield self.card(n)
