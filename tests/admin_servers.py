"""Helpers of the admin tests: real `dargah serve` processes on loopback over one index directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import orjson
from conftest import AUTH, DARGAH, MINI, ROOT, TOKEN, free_port, wait_ready

__all__ = ["AUTH", "TOKEN", "Replica", "assert_served_equals_recorded", "served_cards"]


class Replica:
    """One `dargah serve` (a replica); several may serve one index directory."""

    def __init__(self, index: Path, *extra, workers: int = 1, env: dict | None = None, preexec_fn=None):
        self.index = index
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [*DARGAH, "serve", "--index", str(index), "--port", str(self.port), "--workers", str(workers)]
        self.proc = subprocess.Popen(
            [*args, "--corpus", str(MINI), *map(str, extra)],
            cwd=ROOT,
            env={**os.environ, "DARGAH_ADMIN_TOKEN": TOKEN, **(env or {})},
            stderr=subprocess.DEVNULL,
            preexec_fn=preexec_fn,
        )
        wait_ready(self.base + "/readyz")

    def request(self, method: str, path: str, body=None, headers=None, content_type="application/json"):
        """(status, headers, JSON body) of a request on a new connection; never raises on HTTP errors."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={**AUTH, "Content-Type": content_type, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), json.load(r)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, dict(e.headers), json.loads(raw) if raw else None

    def search_total(self, q: str) -> int:
        status, _, body = self.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": q}), headers={})
        assert status == 200, (status, body)
        return body["total"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def served_cards(index: Path) -> dict[str, dict]:
    """id → card of the generation CURRENT names (what every replica serves once it switched)."""
    name = (index / "CURRENT").read_text().strip()
    lines = (index / "generations" / name / "cards.jsonl").read_bytes().splitlines()
    return {(e := orjson.loads(line))["id"]: e["card"] for line in lines if line.strip()}


def recorded_overlay(index: Path) -> dict[str, dict | None]:
    from indexer import overlay

    return overlay.load(index)


def assert_served_equals_recorded(index: Path) -> None:
    """The serving generation agrees with the record: its overlay's every entry is what it
    serves, no write is left half done, and the audit log's last write published CURRENT."""
    from indexer import audit, writes

    cards = served_cards(index)
    for card_id, card in recorded_overlay(index).items():
        assert cards.get(card_id) == card, card_id
    assert writes.pending(index) is None
    entries = list(audit.entries(index))
    if entries:
        assert entries[-1]["generation_after"] == (index / "CURRENT").read_text().strip()
