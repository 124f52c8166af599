"""Parsing and bounding query parameters; anything out of range is a 400 naming the parameter."""

from __future__ import annotations

from multidict import MultiMapping

from api.responses import invalid

MAX_Q = 200  # characters after trimming
MAX_SIZE = 50
MAX_PAGE = 20  # with at most 50 a page, 1000 results deep: deeper pages are for crawlers, not citizens
MAX_VALUES = 20  # values of one repeatable filter


def text(query: MultiMapping, name: str, *, max_len: int = MAX_Q, default: str = "") -> str:
    values = query.getall(name, [])
    if len(values) > 1:
        raise invalid(name, "must be given once")
    value = (values[0] if values else default).strip()
    if "\x00" in value:
        raise invalid(name, "must not contain NUL characters")
    if "\ufffd" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise invalid(name, "must be valid UTF-8 text")
    if len(value) > max_len:
        raise invalid(name, f"must be at most {max_len} characters")
    return value


def integer(query: MultiMapping, name: str, default: int, lo: int, hi: int) -> int:
    values = query.getall(name, [])
    if len(values) > 1:
        raise invalid(name, "must be given once")
    if not values:
        return default
    raw = values[0].strip()
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 12:
        raise invalid(name, f"must be a whole number from {lo} to {hi}")
    value = int(raw)
    if not lo <= value <= hi:
        raise invalid(name, f"must be a whole number from {lo} to {hi}")
    return value


def choices(query: MultiMapping, name: str) -> list[str]:
    given = query.getall(name, [])
    # Counted as sent, blanks included: the limit is on the request, as the OpenAPI document says.
    if len(given) > MAX_VALUES:
        raise invalid(name, f"at most {MAX_VALUES} values")
    values = [v.strip() for v in given if v.strip()]
    if any(len(v) > MAX_Q or "\x00" in v for v in values):
        raise invalid(name, f"values must be at most {MAX_Q} characters")
    return list(dict.fromkeys(values))
