"""The tab-separated tables of analyzers/data: one reader for all of them."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources


def rows(name: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row of data/`name`, blank lines and # comments skipped; a row
    without exactly `columns` fields is a ValueError naming the file, the line and the columns."""
    text = resources.files("analyzers").joinpath("data", name).read_text("utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise ValueError(f"{name}:{number}: expected {'<TAB>'.join(columns)}, got {line!r}")
        yield number, fields
