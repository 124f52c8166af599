"""JSON responses (orjson) and RFC 9457 problem details for every error."""

from __future__ import annotations

from http import HTTPStatus

import orjson
from aiohttp import web

JSON = "application/json"
PROBLEM = "application/problem+json"


def json_response(data, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        content_type=JSON,
        charset="utf-8",
        headers=headers,
    )


class Problem(web.HTTPException):
    """An error the client can act on, rendered as application/problem+json."""

    def __init__(
        self, status: int, detail: str, *, invalid_params: list[dict] | None = None, headers: dict | None = None
    ):
        self.status_code = status
        super().__init__(headers=headers)
        body = {
            "type": "about:blank",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": detail,
        }
        if invalid_params:
            body["invalid_params"] = invalid_params
        self.body = orjson.dumps(body)
        self.content_type = PROBLEM
        self.charset = "utf-8"


def invalid(name: str, reason: str) -> Problem:
    return Problem(400, f"invalid parameter {name!r}: {reason}", invalid_params=[{"name": name, "reason": reason}])
