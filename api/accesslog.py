"""The access log of `dargah serve --access-log json`: one JSON object per request and line.

    {"time": "2026-12-04T19:01:03.123Z", "method": "GET", "path": "/api/v1/search", "status": 200,
     "duration_ms": 12.5, "worker": 1}

The path never carries the query string: what citizens search for stays out of the log (the query
log, api/querylog.py, counts queries without addresses). Lines are gathered in memory and written
about once a second, or sooner when they fill a pipe buffer, each batch of whole lines in one
write(2) on a descriptor opened for appending: the workers of a replica share the file or stderr
without tearing each other's lines, and a request costs no system call.
"""

from __future__ import annotations

import os
import time

import orjson
from aiohttp import web

BATCH_BYTES = 3584  # under PIPE_BUF (4096): one write of whole lines is never interleaved with another's
MAX_PATH = 256  # characters of the path kept (a path is as long as a client makes it)


class AccessLog:
    def __init__(self, fd: int, worker: int):
        self.fd = fd
        self.worker = worker
        self._lines: list[bytes] = []
        self._size = 0

    @classmethod
    def open(cls, path: str | None, worker: int) -> AccessLog:
        """To the file at `path` (created, appended to), or to standard error when None."""
        if path is None:
            return cls(2, worker)
        return cls(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640), worker)

    def record(self, method: str, path: str, status: int, seconds: float) -> None:
        now = time.time()
        line = orjson.dumps(
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z",
                "method": method[:16],
                "path": path[:MAX_PATH],
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "worker": self.worker,
            }
        )
        if self._size + len(line) + 1 > BATCH_BYTES:
            self.flush()
        self._lines.append(line + b"\n")
        self._size += len(line) + 1

    def flush(self) -> None:
        if not self._lines:
            return
        data = b"".join(self._lines)
        self._lines.clear()
        self._size = 0
        try:
            while data:
                data = data[os.write(self.fd, data) :]
        except OSError:
            pass  # a full disk or a closed pipe must not fail requests; the lines are lost

    def close(self) -> None:
        self.flush()
        if self.fd > 2:
            os.close(self.fd)


ACCESS_LOG = web.AppKey("access_log", AccessLog)
