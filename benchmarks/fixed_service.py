"""A fixed-answer aiohttp endpoint: the ceiling of the harness, a measuring instrument only.

    python -m benchmarks.fixed_service --body FILE [--port P] [--workers 2]

Answers every GET /api/v1/search with the same bytes (FILE: a real dargah search response, so the
size is the same as the service's), with 2 worker processes on one port (SO_REUSEPORT), like
`dargah serve --workers 2`. Whatever this reaches is what aiohttp, the loopback and the load
generator allow on this machine: no search service in aiohttp can go faster.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiohttp import web

from benchmarks.prefork import instrument_app, serve


def make_app(body: bytes):
    async def search(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json", charset="utf-8")

    return instrument_app(search)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fixed_service")
    p.add_argument("--body", required=True, help="the JSON file to answer with")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8092)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    body = Path(args.body).read_bytes()
    return serve(make_app(body), args.host, args.port, args.workers, "fixed-service")


if __name__ == "__main__":
    sys.exit(main())
