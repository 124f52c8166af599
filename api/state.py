"""What a running application holds: its settings and the keys of its shared objects.

Its own module so that the public routes (api/app.py) and the admin routes (api/admin.py) both
read the application's state without importing each other; app.py imports admin.py only to add
its routes. `from api.app import Settings, create_app` keeps working for scripts and tests.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from api.metrics import Metrics
from api.querylog import QueryLog
from api.response_cache import ResponseCache
from search import Engine


@dataclass
class Settings:
    index_dir: Path
    # Searches a worker runs at once. Python runs one at a time anyway; a second lets one search
    # read from disk or run numpy (which release the GIL) while another computes. More only add
    # memory (each thread its own allocator arena: 4 threads cost about 50 MB more per worker
    # at 10,000 cards than 2) and queueing delay, for no throughput.
    threads: int = 2
    cors_origins: tuple[str, ...] = ("*",)
    cache_size: int = 2048
    admin_token: str | None = None  # the one central token (DARGAH_ADMIN_TOKEN); admin API disabled without any
    admin_tokens: tuple = ()  # api.tokens.TokenEntry of --admin-tokens FILE: per-agency and central tokens
    max_removed_share: float = 0.10  # a rebuild removing more of the live cards is refused unless forced
    check_wait: float = 10.0  # seconds a reindex request waits for its job's check (refusal, dry run)
    corpus_path: Path | None = None  # what an empty-body reindex rebuilds from
    max_body: int = 64 * 1024 * 1024  # reindex upload limit
    analytics_dir: Path | None = None  # default: INDEX/analytics
    log_queries: bool = True
    search_timeout: float = 2.0  # seconds a search may take before the client gets a 503
    max_concurrent: int = 64  # engine calls in flight per worker; past it, 503 at once (no unbounded queue)
    rate_limit: float | None = None  # requests per second per client, None: no limit
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed
    keepalive_timeout: float = 15.0  # idle keep-alive connections are closed after this


ENGINE = web.AppKey("engine", Engine)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
CACHE = web.AppKey("cache", ResponseCache)
QUERYLOG = web.AppKey("querylog", QueryLog)
LIMITER = web.AppKey("limiter", object)
INFLIGHT = web.AppKey("inflight", list)  # [count]: engine calls running in this worker
TASKS = web.AppKey("admin_tasks", set)  # admin build watchers, cancelled at shutdown
