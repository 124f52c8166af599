"""Prometheus metrics in the text exposition format, kept per worker process.

Requests and latency by route and status, the serving index generation and the response cache's
hit rate. Nothing here knows a client: no addresses, no query text.
"""

from __future__ import annotations

import bisect
import time
from collections import defaultdict

from aiohttp import web

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self):
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.latency: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.cache_hits = 0
        self.cache_misses = 0
        self.started = time.time()

    def observe(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        self.latency[route][bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum[route] += seconds

    def render(self, generation: str | None, cards: int | None) -> str:
        out = [
            "# HELP dargah_requests_total HTTP requests by route and status.",
            "# TYPE dargah_requests_total counter",
        ]
        for (route, status), n in sorted(self.requests.items()):
            out.append(f'dargah_requests_total{{route="{route}",status="{status}"}} {n}')
        out += [
            "# HELP dargah_request_duration_seconds Request latency by route.",
            "# TYPE dargah_request_duration_seconds histogram",
        ]
        for route, counts in sorted(self.latency.items()):
            cumulative = 0
            for bound, n in zip(BUCKETS, counts, strict=False):
                cumulative += n
                out.append(f'dargah_request_duration_seconds_bucket{{route="{route}",le="{bound}"}} {cumulative}')
            cumulative += counts[-1]
            out.append(f'dargah_request_duration_seconds_bucket{{route="{route}",le="+Inf"}} {cumulative}')
            out.append(f'dargah_request_duration_seconds_sum{{route="{route}"}} {self.latency_sum[route]:.6f}')
            out.append(f'dargah_request_duration_seconds_count{{route="{route}"}} {cumulative}')
        total = self.cache_hits + self.cache_misses
        out += [
            "# HELP dargah_index_generation_info The index generation this worker serves.",
            "# TYPE dargah_index_generation_info gauge",
        ]
        if generation:
            out.append(f'dargah_index_generation_info{{generation="{generation}"}} 1')
            out += ["# TYPE dargah_index_cards gauge", f"dargah_index_cards {cards or 0}"]
        out += [
            "# HELP dargah_cache_requests_total Response cache lookups by result.",
            "# TYPE dargah_cache_requests_total counter",
            f'dargah_cache_requests_total{{result="hit"}} {self.cache_hits}',
            f'dargah_cache_requests_total{{result="miss"}} {self.cache_misses}',
            "# HELP dargah_cache_hit_ratio Share of cacheable requests answered from the cache.",
            "# TYPE dargah_cache_hit_ratio gauge",
            f"dargah_cache_hit_ratio {self.cache_hits / total if total else 0:.4f}",
            "# TYPE dargah_process_start_time_seconds gauge",
            f"dargah_process_start_time_seconds {self.started:.0f}",
        ]
        return "\n".join(out) + "\n"


def route_name(request: web.Request) -> str:
    """The route template (never the raw path, which a client controls)."""
    info = request.match_info
    resource = getattr(getattr(info, "route", None), "resource", None)
    return resource.canonical if resource is not None else "unmatched"
