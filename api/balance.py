"""Keep-alive connections spread evenly over the workers of one host.

With SO_REUSEPORT the kernel gives each new connection to a worker by a hash of its addresses,
and the connection stays there for its whole life. With 64 keep-alive connections on two
workers we saw splits from 32/32 to 43/21; a worker runs its searches one after another, so the
one holding more answers each of its clients later, and it sets the tail latency for everyone.

Each worker publishes how many connections it holds in a small array shared by all workers of
the host (created before they are forked). A worker holding more than its share, plus some
slack, answers with `Connection: close`; the client's next connection is hashed afresh, so the
busier worker sheds connections until the split is even. Closing a keep-alive connection after
a complete response is ordinary HTTP: browsers, nginx and load generators simply reconnect.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.sharedctypes import SynchronizedArray

from aiohttp import web

SLACK = 2  # connections over its share a worker keeps before shedding (at least)
SLACK_SHARE = 0.1  # or this share of its fair count, when that is more


def shared_counts(workers: int) -> SynchronizedArray:
    """One connection count per worker slot, in memory every forked worker shares."""
    return multiprocessing.get_context("fork").RawArray("i", workers)


class ConnectionBalance:
    def __init__(self, counts, slot: int):
        self.counts = counts
        self.slot = slot
        self.counts[slot] = 0  # a replaced worker's slot starts empty
        self.server: web.Server | None = None  # set once the runner is set up

    def over_share(self, mine: int) -> bool:
        self.counts[self.slot] = mine
        fair = sum(self.counts) / len(self.counts)
        return mine > fair + max(SLACK, SLACK_SHARE * fair)

    async def on_response_prepare(self, request: web.Request, response: web.StreamResponse) -> None:
        if self.server is not None and self.over_share(len(self.server.connections)):
            response.force_close()
            # aiohttp has already chosen the Connection header when this hook runs.
            response.headers["Connection"] = "close"
