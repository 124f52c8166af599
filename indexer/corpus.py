"""Reading and validating a corpus of service cards (UTF-8 JSON Lines, one card per line).

Every problem is reported as `FILE:LINE: field: reason`, the way compilers report errors, so an
admin can jump to it. Reading never stops at the first problem: a build is refused with all of them.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fastjsonschema

from corpus import SCHEMA

MAX_LINE_BYTES = 1_000_000  # a card is a few kilobytes; a megabyte line is a broken file


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class Corpus:
    cards: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@functools.cache
def _validator():
    return fastjsonschema.compile(json.loads(SCHEMA.read_text("utf-8")))


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


# Properties a card cannot do without: each must show something once the characters that show
# nothing are removed (NUL and other controls, ZWNJ/ZWJ, bidi marks, spaces, lone diacritics).
VISIBLE_REQUIRED = ("title", "agency", "cluster")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def visible(text: str) -> bool:
    """True if `text` shows at least one character."""
    return any(not c.isspace() and unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in text)


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text("utf-8"))


@functools.cache
def _property_validator(name: str):
    """A validator of one top-level property alone, so that every property's problem is found,
    not only the first of the card."""
    return fastjsonschema.compile({"type": "object", "properties": {name: _schema()["properties"][name]}})


def _describe(e: fastjsonschema.JsonSchemaValueException, card: dict) -> tuple[str, str]:
    path = e.path[1:] if e.path and e.path[0] == "data" else e.path
    name = ".".join(str(p) for p in path) or "(card)"
    reason = e.message.replace(e.name, "value", 1) if e.name else e.message
    if e.rule == "required":
        # fastjsonschema names the object; name the missing property inside it instead.
        obj = card
        for p in path:
            obj = obj[int(p)] if isinstance(obj, list) else obj.get(p, {}) if isinstance(obj, dict) else {}
        absent = [r for r in (e.rule_definition or []) if isinstance(obj, dict) and r not in obj]
        if absent:
            name = f"{name}.{absent[0]}" if path else absent[0]
        reason = "is required"
    return name, reason


def card_problems(card) -> list[tuple[str, str]]:
    """Every (field, reason) wrong with one card: each missing required property, the first
    problem of each property present, and required texts that show nothing. [] if it is valid."""
    if not isinstance(card, dict):
        return [("(card)", f"must be a JSON object, not {type(card).__name__}")]
    problems: list[tuple[str, str]] = []
    try:
        _validator()(card)
    except fastjsonschema.JsonSchemaValueException as first:
        schema = _schema()
        problems += [(name, "is required") for name in schema.get("required", ()) if name not in card]
        for name in schema.get("properties", {}):
            if name in card:
                try:
                    _property_validator(name)(card)
                except fastjsonschema.JsonSchemaValueException as e:
                    problems.append(_describe(e, card))
        if not problems:
            problems.append(_describe(first, card))
    for name in VISIBLE_REQUIRED:
        value = card.get(name)
        if isinstance(value, str) and value and not visible(value):
            problems.append((name, "shows nothing once invisible characters and spaces are removed"))
    return problems


def validate_card(card) -> tuple[str, str] | None:
    """(field, reason) of the first problem of one card (card_problems has them all), or None."""
    problems = card_problems(card)
    return problems[0] if problems else None


def corpus_files(path: Path) -> list[Path]:
    """The card files of a corpus path: a .jsonl file, or every *.jsonl in a folder (and its
    services/ subfolder), in name order so builds are reproducible."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl")) + sorted((path / "services").glob("*.jsonl"))
        if not files:
            raise FileNotFoundError(f"{path}: no *.jsonl card files in this folder")
        return files
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    return [path]


def iter_lines(name: str, data: Iterable[bytes]) -> Iterator[tuple[int, dict | None, Problem | None]]:
    """(line number, card, problem) for each non-blank line of one JSON Lines stream."""
    for number, raw in enumerate(data, start=1):
        if len(raw) > MAX_LINE_BYTES:
            yield number, None, Problem(name, number, "(line)", f"longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield number, None, Problem(name, number, "(line)", f"not UTF-8 (byte {e.start})")
            continue
        text = text.strip().lstrip("\ufeff")
        if not text:
            continue
        try:
            card = json.loads(text)
        except json.JSONDecodeError as e:
            yield number, None, Problem(name, number, "(line)", f"invalid JSON: {e.msg} at column {e.colno}")
            continue
        yield number, card, None


def read_stream(name: str, data: Iterable[bytes], corpus: Corpus | None = None, seen: dict | None = None) -> Corpus:
    """Validate and collect the cards of one stream into `corpus` (a new one if None)."""
    corpus = corpus if corpus is not None else Corpus()
    seen = seen if seen is not None else {}
    corpus.sources.append(name)
    for number, card, problem in iter_lines(name, data):
        if problem:
            corpus.problems.append(problem)
            continue
        invalid = card_problems(card)
        if invalid:
            corpus.problems.extend(Problem(name, number, *p) for p in invalid)
            continue
        card = _nfc(card)
        where = f"{name}:{number}"
        if card["id"] in seen:
            corpus.problems.append(
                Problem(name, number, "id", f"duplicate id {card['id']!r}, first at {seen[card['id']]}")
            )
            continue
        seen[card["id"]] = where
        corpus.cards.append(card)
    return corpus


def read_corpus(path: Path) -> Corpus:
    """Read every card file of `path`; problems are collected, not raised."""
    corpus, seen = Corpus(), {}
    for file in corpus_files(path):
        with file.open("rb") as f:
            read_stream(str(file), f, corpus, seen)
    return corpus
