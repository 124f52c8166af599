"""A small LRU of encoded responses, keyed by index generation and canonical request.

Keys carry the generation, so a newly published generation is never answered from the old one's
entries; those simply age out.
"""

from __future__ import annotations

from collections import OrderedDict


class ResponseCache:
    def __init__(self, capacity: int = 2048):
        self.capacity = capacity
        self._items: OrderedDict[tuple, bytes] = OrderedDict()

    def get(self, key: tuple) -> bytes | None:
        body = self._items.get(key)
        if body is not None:
            self._items.move_to_end(key)
        return body

    def put(self, key: tuple, body: bytes) -> None:
        if self.capacity <= 0:
            return
        self._items[key] = body
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
