"""The query log behind `/admin/analytics/queries`: what citizens search for and what finds nothing.

Stored in SQLite, aggregated per day and normalized query: no IP address, no time finer than a
day, no other personal data. What citizens type may hold their own data: every run of 8 or more
digits (national codes, phone and card numbers; Persian, Arabic-Indic and ASCII digits alike,
also when written apart with spaces, dashes or dots), every e-mail address and every URL or web
address is replaced by a placeholder (<number>, <email>, <url>) before anything is kept in
memory or written; the analytics answers scrub again what older files may hold.

Each replica host writes its own file (DIR/analytics/<host>.sqlite:
SQLite must not be shared across hosts through a network volume); the analytics endpoint reads
them all. Workers buffer entries in memory and flush them in one transaction about once a second,
off the event loop, so logging never slows a search.
"""

from __future__ import annotations

import glob
import re
import socket
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    zero INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, query, zero)
)
"""
MAX_QUERY = 200

_DIGIT = "[0-9\u06f0-\u06f9\u0660-\u0669]"
# The analyzer writes punctuation apart ("ali. reza@example. com"): it is joined back before the
# patterns look for addresses, so that a spaced-out address is found too.
_JOIN = re.compile(r"\s*([./:@?=&_\-])\s*")
_SCRUB = (
    (re.compile(r"[^\s@]+@[^\s@]+"), "<email>"),
    (re.compile(r"(?:[a-z][a-z0-9+.\-]*://|www\.)\S*", re.IGNORECASE), "<url>"),
    (re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:ir|com|org|net|info|io|me|gov)\b\S*", re.IGNORECASE), "<url>"),
    (re.compile(rf"{_DIGIT}(?:[\s\-\u2010-\u2015.]*{_DIGIT}){{7,}}"), "<number>"),
)


def scrub(text: str) -> str:
    """`text` with personal data replaced by placeholders (see the module's docstring); unchanged
    when it holds none."""
    joined = _JOIN.sub(r"\1", text)
    scrubbed = joined
    for pattern, placeholder in _SCRUB:
        scrubbed = pattern.sub(placeholder, scrubbed)
    return scrubbed if scrubbed != joined else text


class QueryLog:
    def __init__(self, folder: Path, host: str | None = None):
        self.folder = folder
        self.path = folder / f"{host or socket.gethostname()}.sqlite"
        self._pending: Counter[tuple[str, str, int]] = Counter()
        self._lock = threading.Lock()

    def _connect(self, path: Path | None = None) -> sqlite3.Connection:
        conn = sqlite3.connect(path or self.path, timeout=5)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(SCHEMA)
        return conn

    def record(self, normalized: str, zero: bool) -> None:
        normalized = " ".join(scrub(normalized).split())[:MAX_QUERY]
        if normalized:
            with self._lock:
                self._pending[(time.strftime("%Y-%m-%d", time.gmtime()), normalized, int(zero))] += 1

    def flush(self) -> int:
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executemany(
                "INSERT INTO queries (day, query, zero, count) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (day, query, zero) DO UPDATE SET count = count + excluded.count",
                [(d, q, z, n) for (d, q, z), n in pending.items()],
            )
        return len(pending)

    def report(self, kind: str, days: int, limit: int = 50) -> list[dict]:
        """Most frequent queries (kind "top") or queries that found nothing (kind "zero")."""
        since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - (days - 1) * 86400))
        totals: Counter[str] = Counter()
        for path in sorted(glob.glob(str(self.folder / "*.sqlite"))):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                where = "day >= ?" + (" AND zero = 1" if kind == "zero" else "")
                for query, count in conn.execute(
                    f"SELECT query, SUM(count) FROM queries WHERE {where} GROUP BY query", (since,)
                ):
                    totals[scrub(query)] += count
            except sqlite3.OperationalError:
                continue  # a file another replica is creating right now
            finally:
                conn.close()
        return [{"query": q, "count": n} for q, n in sorted(totals.items(), key=lambda x: (-x[1], x[0]))[:limit]]
