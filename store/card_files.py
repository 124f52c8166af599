"""A generation's card files, one line per card, in the same order: written by the indexer, read
by the search side.

- `cards.jsonl`: `{"id", "card"}`, the card as published (the service view, the catalogue);
- `shown.jsonl`: what a result shows of it, `{"title", "description", "url", "popularity",
  "words": {"version", "title", "description"}}`, the words being the analysis of the two texts
  results highlight (stored_words.py, in version versions.STORED_WORDS). A search parses ten of
  these small lines, not ten whole cards.
- `facts.jsonl`: what load keeps of each card (card_facts.py).

A server keeps only where each line starts (CardStore): a search parses its page's ten shown lines
from the files mapped into memory (the page cache holds them once for every worker), so no worker
keeps every card as Python objects, and a hit parses its small shown line, not its whole card.

A generation lacking cards.jsonl or shown.jsonl, with files of different lengths or with words
stored in another version is damaged (GenerationDamaged): it is not opened, and the engine serves
an older one. One without facts.jsonl was written before it: its facts are made from its cards.
"""

from __future__ import annotations

import mmap
import os
from array import array
from collections.abc import Container, Iterator
from pathlib import Path
from typing import NamedTuple

import orjson

from store import card_facts, stored_words
from store.card_facts import FACTS
from store.errors import GenerationDamaged
from store.stored_words import TextWords, from_stored
from store.versions import STORED_WORDS

CARDS = "cards.jsonl"
SHOWN = "shown.jsonl"
FILES = (CARDS, SHOWN, FACTS)  # written anew by every change
REQUIRED = (CARDS, SHOWN)  # a generation written before facts.jsonl has none (card_facts.py)

# -- writing ------------------------------------------------------------------------------------


def card_line(card: dict) -> bytes:
    return orjson.dumps({"id": card["id"], "card": card}) + b"\n"


def shown_line(card: dict, vocabulary: Container[str]) -> bytes:
    """`vocabulary`: the terms of the generation's index (indexer.whoosh_index.vocabulary), for
    the compounds a card writes apart that a query may write joined."""
    description = card.get("description") or ""
    words = {
        "version": STORED_WORDS,
        "title": stored_words.text_words(card["title"], vocabulary).stored(),
        "description": stored_words.text_words(description, vocabulary).stored(),
    }
    shown = {
        "title": card["title"],
        "description": description,
        "url": card.get("url"),
        "popularity": card.get("popularity"),
        "words": words,
    }
    return orjson.dumps(shown) + b"\n"


def read(generation: Path) -> list[tuple[dict, bytes, bytes]]:
    """Each card of a published generation with its two lines, in file order (for a single-card
    change, which keeps the other cards' lines as they are)."""
    _require(generation)
    # Whole files split in one call: reading them line by line costs as much as parsing the cards.
    lines = (generation / CARDS).read_bytes().splitlines(keepends=True)
    shown = (generation / SHOWN).read_bytes().splitlines(keepends=True)
    _check_lengths(generation, len(shown), len(lines))
    if shown:
        _check_version(generation, orjson.loads(shown[0]))
    loads = orjson.loads
    return [(loads(raw)["card"], raw, s) for raw, s in zip(lines, shown, strict=True)]


def rewrite(generation: Path, kept: list[tuple[dict, bytes, bytes]]) -> None:
    """Replace a generation's card files with these cards' lines (a single-card change)."""
    (generation / CARDS).write_bytes(b"".join(raw for _, raw, _ in kept))
    (generation / SHOWN).write_bytes(b"".join(s for _, _, s in kept))
    (generation / FACTS).write_bytes(card_facts.lines_of(card for card, _, _ in kept))


def write_changed(
    source: Path,
    target: Path,
    lines: list[tuple[dict, bytes, bytes]],
    dropped: int | None,
    added: tuple[bytes, bytes, bytes] | None,
) -> None:
    """Write `target`'s card files as `source`'s (whose lines `read` gave as `lines`) with line
    `dropped` left out and `added` (a card line, its shown line and its facts line) appended: the
    bytes `rewrite` writes for those lines, but the lines kept of the two large files are copied
    from file to file by the kernel, not written from memory (tens of megabytes at 10,000 cards,
    for one line changed); facts.jsonl, a short line per card, goes through memory."""
    for name, k in ((CARDS, 1), (SHOWN, 2)):
        src = os.open(source / name, os.O_RDONLY)
        try:
            size = os.fstat(src).st_size
            start = sum(len(line[k]) for line in lines[:dropped]) if dropped is not None else size
            end = start + len(lines[dropped][k]) if dropped is not None else size
            dst = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                _copy_range(src, dst, 0, start)
                _copy_range(src, dst, end, size - end)
                if added is not None:
                    _write_all(dst, added[k - 1])
            finally:
                os.close(dst)
        finally:
            os.close(src)
    try:
        facts = (source / FACTS).read_bytes().splitlines(keepends=True)
    except FileNotFoundError:  # written before facts.jsonl: made from the cards
        facts = [card_facts.line(card) for card, _, _ in lines]
    if dropped is not None:
        del facts[dropped]
    if added is not None:
        facts.append(added[2])
    (target / FACTS).write_bytes(b"".join(facts))


def _copy_range(src: int, dst: int, offset: int, count: int) -> None:
    """`count` bytes of `src` from `offset` to where `dst` stands."""
    while count > 0:
        try:
            done = os.copy_file_range(src, dst, count, offset)
        except OSError:  # a file system or kernel without it: through memory
            done = _write_all(dst, os.pread(src, min(count, 1 << 24), offset))
        if done == 0:
            raise OSError(f"{count} bytes missing at {offset} (the file shrank while copied)")
        offset, count = offset + done, count - done


def _write_all(fd: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    return len(data)


# -- reading ------------------------------------------------------------------------------------


def _require(generation: Path) -> None:
    for name in REQUIRED:
        if not (generation / name).is_file():
            raise GenerationDamaged(f"{generation}: {name} is missing (a damaged generation)")


def _check_lengths(generation: Path, shown: int, cards: int) -> None:
    if shown != cards:
        raise GenerationDamaged(f"{generation}: {shown} lines in {SHOWN} for {cards} cards in {CARDS}")


def _check_version(generation: Path, shown: dict) -> None:
    version = (shown.get("words") or {}).get("version")
    if version != STORED_WORDS:
        raise GenerationDamaged(
            f"{generation}: {SHOWN} stores words in version {version!r}, this code reads version {STORED_WORDS}"
        )


class Shown(NamedTuple):
    title: str
    description: str
    url: str | None
    popularity: float | None
    title_words: TextWords
    description_words: TextWords


class _Lines:
    """One line per card, `data` being the file mapped into memory. Mapped, not read with
    `pread`: a slice of a mapping is a copy from the page cache that keeps the GIL, where each
    `pread` gave it up and waited to get it back behind the other threads of a busy worker, ten
    times a search. The mapping is shared by every worker and stays readable after the
    generation's directory is removed."""

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

    def index(self) -> None:
        """Note where each line starts, without copying the lines out (`scan` copies them)."""
        data, offsets = self.data, array("q", [0])
        start, size = 0, len(data)
        while start < size:
            end = data.find(b"\n", start)
            start = size if end < 0 else end + 1
            offsets.append(start)
        self.offsets = offsets
        if isinstance(data, mmap.mmap) and size:
            data.madvise(mmap.MADV_DONTNEED)  # as `lines`: the pages touched stay in the page cache only

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
        return orjson.loads(self.line(n))

    def line(self, n: int) -> bytes:
        return self.data[self.offsets[n] : self.offsets[n + 1]]


class EveryCard:
    """Every card of a store, read afresh from its file at each iteration: for a view that reads
    the cards twice without holding them all (at 50,000 cards a list of them all is hundreds of
    MB that the allocator keeps once they are freed)."""

    def __init__(self, store: CardStore):
        self.store = store

    def __iter__(self) -> Iterator[dict]:
        return self.store.cards()


class CardStore:
    """A published generation's cards, read from disk when a result or the service view shows
    them. GenerationDamaged when its card files are missing or not of this layout."""

    def __init__(self, path: Path):
        self.path = path
        _require(path)
        self._cards = _Lines.mapped(path / CARDS)
        self._shown = _Lines.mapped(path / SHOWN)
        self._facts = _Lines.mapped(path / FACTS) if (path / FACTS).is_file() else None

    def facts_lines(self) -> Iterator[bytes]:
        """Every card's line of facts (card_facts.py) in line order, read once at load, which
        notes where each card's lines start (`card` and `shown` read by it); made from the cards
        for a generation written before facts.jsonl."""
        self._shown.index()
        self._cards.index()
        if len(self._shown):
            _check_version(self.path, self._shown[0])
        _check_lengths(self.path, len(self._shown), len(self._cards))
        if self._facts is None:
            for line in self._cards.lines():
                yield card_facts.line(orjson.loads(line)["card"])
            return
        yield from self._facts.scan()
        if len(self._facts) != len(self._cards):
            found = f"{len(self._facts)} lines in {FACTS} for {len(self._cards)} cards in {CARDS}"
            raise GenerationDamaged(f"{self.path}: {found}")

    def facts_line(self, n: int) -> bytes | None:
        """Card `n`'s line of facts as written (None for a generation written before them)."""
        return self._facts.line(n) if self._facts is not None else None

    def card_line(self, n: int) -> bytes:
        """Card `n`'s line as written (`card_line`)."""
        return self._cards.line(n)

    def __len__(self) -> int:
        return len(self._cards)

    def card(self, n: int) -> dict:
        return self._cards[n]["card"]

    def shown(self, n: int) -> Shown:
        """What a result shows of a card, with its title's and description's stored words."""
        line = self._shown[n]
        words = line["words"]
        return Shown(
            line["title"],
            line["description"],
            line["url"],
            line["popularity"],
            from_stored(words["title"]),
            from_stored(words["description"]),
        )

    def cards(self) -> Iterator[dict]:
        """Every card, one at a time (for views built after load: suggestions)."""
        for line in self._cards.lines():
            yield orjson.loads(line)["card"]
