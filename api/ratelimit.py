"""Per-client request rate limiting (opt-in: `dargah serve --rate-limit N/s`).

A token bucket per client address, per worker process. The client address is the peer address,
unless the peer is a configured trusted proxy: then it is the right-most address in
X-Forwarded-For that is not itself a trusted proxy. A client can therefore not choose its own
address by sending the header.
"""

from __future__ import annotations

import ipaddress
import time

MAX_CLIENTS = 100_000  # buckets kept; the idle ones are dropped first when there are more


class RateLimiter:
    def __init__(self, per_second: float, burst: float | None = None, trusted: tuple[str, ...] = ()):
        self.rate = per_second
        self.burst = burst if burst is not None else max(1.0, per_second * 2)
        self.trusted = [ipaddress.ip_network(t, strict=False) for t in trusted]
        self._buckets: dict[str, tuple[float, float]] = {}  # address → (tokens, last refill)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        address = peer or "unknown"
        if forwarded_for and self._is_trusted(address):
            for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
                address = hop
                if not self._is_trusted(hop):
                    break
        return address

    def allow(self, client: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds to wait before the next one will."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[client] = (tokens - 1, now)
            self._trim()
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1 - tokens) / self.rate

    def _trim(self) -> None:
        if len(self._buckets) > MAX_CLIENTS:
            oldest = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[: len(self._buckets) - MAX_CLIENTS]
            for key, _ in oldest:
                del self._buckets[key]


def parse_rate(text: str) -> float:
    """ "20/s", "20", "600/m" → requests per second."""
    value, _, unit = text.strip().partition("/")
    per = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60}.get(unit.strip().lower())
    rate = float(value)
    if per is None or rate <= 0:
        raise ValueError(f"not a rate: {text!r} (use N/s or N/m)")
    return rate / per
