"""JSON responses (orjson) and RFC 9457 problem details for every error.

A problem carries its words in English and, where people may read it, in Persian: `title` and
`detail` are written in the language the client prefers (Accept-Language), English by default,
since the API's first readers are programs and their developers."""

from __future__ import annotations

from http import HTTPStatus

import orjson
from aiohttp import web

JSON = "application/json"
PROBLEM = "application/problem+json"

# The status phrases a citizen may be shown, in Persian.
TITLES_FA = {
    400: "درخواست نامعتبر",
    401: "نیاز به شناسایی",
    403: "دسترسی مجاز نیست",
    404: "پیدا نشد",
    405: "این روش درخواست پذیرفته نیست",
    409: "ناسازگاری با وضعیت کنونی",
    413: "درخواست بیش از اندازه بزرگ است",
    414: "نشانی بیش از اندازه بلند است",
    415: "نوع محتوا پذیرفته نیست",
    429: "درخواست‌های بیش از اندازه",
    500: "خطای درونی سرور",
    503: "سرویس موقتاً در دسترس نیست",
}


def json_response(data, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        content_type=JSON,
        charset="utf-8",
        headers=headers,
    )


def prefers_persian(accept_language: str | None) -> bool:
    """Whether the client ranks Persian above English (RFC 9110 language ranges with q-values);
    a client that names neither, or none at all, reads English."""
    best: tuple[float, int] | None = None
    chosen = None
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("fa", "en"):
            continue
        q = 1.0
        for attr in rest.split(";"):
            key, _, value = attr.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (q, -i) > best):
            best, chosen = (q, -i), primary
    return chosen == "fa"


class Problem(web.HTTPException):
    """An error the client can act on, rendered as application/problem+json.

    `detail_fa` is the same message for people reading Persian; `invalid_params` reasons may have
    a Persian `reason_fa`, shown in their place when Persian is chosen (then dropped)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        detail_fa: str | None = None,
        invalid_params: list[dict] | None = None,
        headers: dict | None = None,
        extensions: dict | None = None,
    ):
        self.status_code = status
        super().__init__(headers=headers)
        self.detail = detail
        self.detail_fa = detail_fa
        self.invalid_params = invalid_params
        self.extensions = extensions or {}  # RFC 9457 extension members, e.g. a refused rebuild's numbers
        self.content_type = PROBLEM
        self.charset = "utf-8"
        self.localize("en")

    def localize(self, language: str) -> Problem:
        """Write the body in `language` ("fa" or "en")."""
        persian = language == "fa"
        body = {
            "type": "about:blank",
            "title": TITLES_FA.get(self.status_code, HTTPStatus(self.status_code).phrase)
            if persian
            else HTTPStatus(self.status_code).phrase,
            "status": self.status_code,
            "detail": (self.detail_fa or self.detail) if persian else self.detail,
        }
        body.update(self.extensions)
        if self.invalid_params:
            body["invalid_params"] = [
                {"name": p["name"], "reason": (p.get("reason_fa") or p["reason"]) if persian else p["reason"]}
                for p in self.invalid_params
            ]
        self.body = orjson.dumps(body)
        self.headers["Content-Language"] = language
        return self


def invalid(name: str, reason: str, reason_fa: str | None = None) -> Problem:
    """A 400 naming the parameter, with the reason in English and, for people, in Persian."""
    return Problem(
        400,
        f"invalid parameter {name!r}: {reason}",
        detail_fa=f"پارامتر «{name}» نادرست است: {reason_fa}" if reason_fa else None,
        invalid_params=[{"name": name, "reason": reason, "reason_fa": reason_fa}],
    )


def unknown_parameters(names: list[str]) -> Problem:
    listed = ", ".join(repr(n) for n in names)
    return Problem(
        400,
        f"unknown parameter{'s' if len(names) > 1 else ''} {listed}",
        detail_fa="این پارامترها شناخته نیست: " + "، ".join(f"«{n}»" for n in names),
        invalid_params=[{"name": n, "reason": "unknown parameter", "reason_fa": "پارامتر ناشناخته"} for n in names],
    )
