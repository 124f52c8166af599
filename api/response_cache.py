"""A small LRU of encoded responses, keyed by index generation and canonical request.

Keys carry the generation, so a newly published generation is never answered from the old one's
entries; those simply age out. Bounded by entries and by bytes: answers on a large catalogue are
bigger (more facet values, longer texts), and the cache must not grow a worker past its budget.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_BYTES = 16 * 1024 * 1024


class ResponseCache:
    def __init__(self, capacity: int = 2048, max_bytes: int = MAX_BYTES):
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, key: tuple):
        entry = self._items.get(key)
        if entry is not None:
            self._items.move_to_end(key)
        return entry

    def put(self, key: tuple, entry: tuple) -> None:
        """`entry` is (encoded body, anything else the caller keeps with it)."""
        if self.capacity <= 0 or len(entry[0]) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old[0])
        self._items[key] = entry
        self.bytes += len(entry[0])
        while len(self._items) > self.capacity or self.bytes > self.max_bytes:
            _, (body, *_rest) = self._items.popitem(last=False)
            self.bytes -= len(body)

    def __len__(self) -> int:
        return len(self._items)
