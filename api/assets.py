"""The page's static files under versioned URLs, so browsers and caches may keep them a year.

A page refers to `/static/app.js?v=<hash of app.js>`: a new release changes the hash and so the
URL, and no one keeps an old script after an upgrade. A request whose `v` is the file's current
hash gets `Cache-Control: public, max-age=31536000, immutable`; any other (no `v`, or a page of
the previous release asking for its old version) must revalidate, so it is never kept for long
under a name that is not its own. The page itself must always revalidate: it carries the names.

Files are hashed once per process: they are part of the installed code and change only with it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_REFERENCE = re.compile(r'(?P<attr>(?:href|src)=")/static/(?P<name>[A-Za-z0-9._-]+)"')


@functools.cache
def versions() -> dict[str, str]:
    """File name → the first 12 hex digits of its content's hash."""
    return {p.name: hashlib.blake2b(p.read_bytes(), digest_size=6).hexdigest() for p in STATIC.iterdir() if p.is_file()}


def url(name: str) -> str:
    """The versioned URL of a static file."""
    version = versions().get(name)
    return f"{PREFIX}{name}?v={version}" if version else f"{PREFIX}{name}"


def versioned(html: str) -> str:
    """`html` with every `href="/static/x"` and `src="/static/x"` given its file's version."""
    return _REFERENCE.sub(lambda m: f'{m["attr"]}{url(m["name"])}"', html)


@functools.cache
def page(name: str = "index.html") -> tuple[bytes, str]:
    """A static page with versioned references, and its ETag."""
    body = versioned((STATIC / name).read_text("utf-8")).encode("utf-8")
    return body, f'"{hashlib.blake2b(body, digest_size=8).hexdigest()}"'


async def cache_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: a year for a static file asked for by its current version."""
    if request.path.startswith(PREFIX) and response.status in (200, 304):
        name = request.path[len(PREFIX) :]
        current = versions().get(name)
        fresh = current is not None and request.rel_url.query.get("v") == current
        response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
