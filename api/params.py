"""Parsing and bounding query parameters; anything out of range is a 400 naming the parameter, its
reason in English and in Persian (api/responses.py chooses by Accept-Language)."""

from __future__ import annotations

from multidict import MultiMapping

from api.responses import invalid

MAX_Q = 200  # characters after trimming
MAX_SIZE = 50
# Paging is bounded by depth, whatever the page size: deeper results are for crawlers, not citizens.
MAX_DEPTH = 1000  # page × size
MAX_PAGE = MAX_DEPTH  # with one hit a page
MAX_VALUES = 20  # values of one repeatable filter


def _fa_digits(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def text(query: MultiMapping, name: str, *, max_len: int = MAX_Q, default: str = "") -> str:
    values = query.getall(name, [])
    if len(values) > 1:
        raise invalid(name, "must be given once", "باید یک بار آمده باشد")
    value = (values[0] if values else default).strip()
    if "\x00" in value:
        raise invalid(name, "must not contain NUL characters", "نویسه NUL پذیرفته نیست")
    if "\ufffd" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise invalid(name, "must be valid UTF-8 text", "باید متن UTF-8 درست باشد")
    if len(value) > max_len:
        raise invalid(name, f"must be at most {max_len} characters", f"حداکثر {_fa_digits(max_len)} نویسه")
    return value


def integer(query: MultiMapping, name: str, default: int, lo: int, hi: int) -> int:
    values = query.getall(name, [])
    if len(values) > 1:
        raise invalid(name, "must be given once", "باید یک بار آمده باشد")
    if not values:
        return default
    raw = values[0].strip()
    reason = f"must be a whole number from {lo} to {hi}"
    reason_fa = f"باید عددی درست از {_fa_digits(lo)} تا {_fa_digits(hi)} باشد"
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 12:
        raise invalid(name, reason, reason_fa)
    value = int(raw)
    if not lo <= value <= hi:
        raise invalid(name, reason, reason_fa)
    return value


def boolean(query: MultiMapping, name: str) -> bool:
    value = text(query, name, default="false").lower()
    if value not in ("true", "false", "1", "0"):
        raise invalid(name, "must be true or false", "باید true یا false باشد")
    return value in ("true", "1")


def choices(query: MultiMapping, name: str) -> list[str]:
    given = query.getall(name, [])
    # Counted as sent, blanks included: the limit is on the request, as the OpenAPI document says.
    if len(given) > MAX_VALUES:
        raise invalid(name, f"at most {MAX_VALUES} values", f"حداکثر {_fa_digits(MAX_VALUES)} مقدار")
    values = [v.strip() for v in given if v.strip()]
    if any(len(v) > MAX_Q or "\x00" in v for v in values):
        raise invalid(name, f"values must be at most {MAX_Q} characters", f"هر مقدار حداکثر {_fa_digits(MAX_Q)} نویسه")
    return list(dict.fromkeys(values))


def subset(query: MultiMapping, name: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """Which of `known` a comma-separated list names (`facets=cluster,agency`): all of them when
    the parameter is absent, none when it is empty. In the order of `known`, so that the same
    choice in any order gives the same answer. A name not in `known` (a blank between commas too)
    is a 400 naming it."""
    values = query.getall(name, [])
    if not values:
        return known
    if len(values) > 1:
        raise invalid(name, "must be given once", "باید یک بار آمده باشد")
    asked = values[0].split(",") if values[0] else []
    unknown = [a for a in asked if a not in known]
    if unknown:
        bad = unknown[0][:100]
        raise invalid(
            name,
            f"unknown name {bad!r}; the names are {', '.join(known)}",
            f"«{bad}» را نمی‌شناسیم؛ این‌ها را می‌شناسیم: {'، '.join(known)}",
        )
    return tuple(k for k in known if k in asked)


def paging(query: MultiMapping, default_size: int = 10) -> tuple[int, int]:
    """(page, size), the results they reach no deeper than MAX_DEPTH."""
    size = integer(query, "size", default_size, 1, MAX_SIZE)
    page = integer(query, "page", 1, 1, MAX_PAGE)
    if page * size > MAX_DEPTH:
        deepest = MAX_DEPTH // size
        raise invalid(
            "page",
            f"at most {deepest} pages of {size} (results are listed {MAX_DEPTH} deep)",
            f"با {_fa_digits(size)} نتیجه در هر صفحه، حداکثر {_fa_digits(deepest)} صفحه",
        )
    return page, size


def last_page(total: int, size: int) -> int:
    """How many pages of `size` the answer has, within the depth bound (0 when nothing matched)."""
    return min(-(-total // size), MAX_DEPTH // size)


def past_the_end(page: int, pages: int):
    return invalid(
        "page",
        f"page {page} is past the last page ({pages})",
        f"صفحه {_fa_digits(page)} وجود ندارد؛ نتایج {_fa_digits(pages)} صفحه است",
    )
