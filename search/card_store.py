"""A generation's cards, read from disk when a result or the service view shows them.

`cards.jsonl` holds one line per card (`{"id", "card"}`) and `shown.jsonl`, line for line, what a
result shows of it: title, description, url, popularity and the indexer's analysis of the two
texts results highlight (analyzers.text_words); see indexer/card_lines.py. A server keeps only
where each line starts: a search parses its page's ten shown lines from the files mapped into
memory (the page cache holds them once for every worker), so no worker keeps every card as Python
objects — at 10,000 cards those were about 55 MB per worker — and a hit parses a line of about
2.5 KB, not a whole card of 4.

Older generations are served too: without `shown.jsonl` a result is made from the card line (with
the words stored there, as the previous layout did, or analysed when shown); before `cards.jsonl`
there was `cards.json` (a JSON array of cards), held in memory. Words stored in a version this
reader does not know are analysed when shown.
"""

from __future__ import annotations

import mmap
import os
from array import array
from collections.abc import Container, Iterator
from pathlib import Path
from typing import NamedTuple

import orjson

from analyzers.text_words import READABLE_VERSIONS, TextWords, from_stored, text_words

LINES = "cards.jsonl"
SHOWN = "shown.jsonl"
LEGACY = "cards.json"


class Shown(NamedTuple):
    title: str
    description: str
    url: str | None
    popularity: float | None
    title_words: TextWords
    description_words: TextWords


class _Lines:
    """One line per card, `data` being the file mapped into memory (or, for the oldest layout,
    bytes). Mapped, not read with `pread`: a slice of a mapping is a copy from the page cache
    that keeps the GIL, where each `pread` gave it up and waited to get it back behind the other
    threads of a busy worker, ten times a search. The mapping is shared by every worker and
    stays readable after the generation's directory is removed."""

    def __init__(self, data):
        self.data = data
        self.offsets = array("q", [0])  # where each line starts, then the end of the last

    @classmethod
    def mapped(cls, path: Path) -> _Lines:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return cls(b"")
            return cls(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))

    def lines(self) -> Iterator[bytes]:
        """Every line in order. A whole pass (load, the suggester) touches every page of the
        mapping, which would then count in the worker's resident memory until it exits: they are
        released after it (the page cache keeps them), so only the pages of cards that results
        show stay mapped."""
        data = self.data
        if not isinstance(data, mmap.mmap):
            yield from data.splitlines(keepends=True)
            return
        try:
            start, size = 0, len(data)
            while start < size:
                end = data.find(b"\n", start)
                end = size if end < 0 else end + 1
                yield data[start:end]
                start = end
        finally:
            data.madvise(mmap.MADV_DONTNEED)

    def scan(self) -> Iterator[bytes]:
        """Every line in order, noting where lines start."""
        offsets, end = array("q", [0]), 0
        for line in self.lines():
            end += len(line)
            offsets.append(end)
            yield line
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, n: int) -> dict:
        return orjson.loads(self.data[self.offsets[n] : self.offsets[n + 1]])


class CardStore:
    def __init__(self, path: Path):
        self.path = path
        if (path / LINES).is_file():
            self._cards = _Lines.mapped(path / LINES)
        elif (path / LEGACY).is_file():
            memory = b"".join(
                orjson.dumps({"id": c["id"], "card": c}) + b"\n" for c in orjson.loads((path / LEGACY).read_bytes())
            )
            self._cards = _Lines(memory)
        else:
            raise FileNotFoundError(f"{path} has neither {LINES} nor {LEGACY}")
        self._shown = _Lines.mapped(path / SHOWN) if (path / SHOWN).is_file() else None

    def scan(self) -> Iterator[dict]:
        """Every card in line order, read once sequentially (at load), noting where lines start.
        Only one card is alive at a time."""
        if self._shown is not None:
            for _ in self._shown.scan():
                pass
        for line in self._cards.scan():
            yield orjson.loads(line)["card"]
        if self._shown is not None and len(self._shown) != len(self._cards):
            raise ValueError(f"{self.path}: {len(self._shown)} lines in {SHOWN} for {len(self._cards)} cards")

    def __len__(self) -> int:
        return len(self._cards)

    def card(self, n: int) -> dict:
        return self._cards[n]["card"]

    def shown(self, n: int, vocabulary: Container[str]) -> Shown:
        """What a result shows of a card, with its title's and description's words (`vocabulary`:
        the generation's terms, for words analysed here; see analyzers.text_words)."""
        if self._shown is not None:
            line = self._shown[n]
            title, description = line["title"], line["description"]
            url, popularity, words = line["url"], line["popularity"], line["words"]
        else:
            line = self._cards[n]
            card, words = line["card"], line.get("words")
            title, description = card["title"], card.get("description") or ""
            url, popularity = card.get("url"), card.get("popularity")
        version = words.get("version") if words else None
        if version in READABLE_VERSIONS:
            return Shown(
                title,
                description,
                url,
                popularity,
                from_stored(words["title"], version, vocabulary),
                from_stored(words["description"], version, vocabulary),
            )
        return Shown(
            title, description, url, popularity, text_words(title, vocabulary), text_words(description, vocabulary)
        )

    def cards(self) -> Iterator[dict]:
        """Every card, one at a time (for views built after load: suggestions)."""
        for line in self._cards.lines():
            yield orjson.loads(line)["card"]
