"""Read-only string sets and maps packed into one string each, for hazm's large word lists.

A frozenset or dict of 355,000 short strings costs about 60 MB in CPython (an object, a hash
slot and a pointer per entry); the same keys sorted and joined into one string, with an array of
offsets, cost about 6 MB and unpickle in milliseconds. A lookup is a binary search (about 20
string comparisons): microseconds, paid only when the analyzer's caches miss.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence

_SEP = "\n"  # never inside a word


class _Keys(Sequence[str]):
    """The i-th key, cut from the packed string on demand (what bisect needs)."""

    __slots__ = ("_blob", "_starts")

    def __init__(self, blob: str, starts: array):
        self._blob, self._starts = blob, starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i):  # type: ignore[override]
        return self._blob[self._starts[i] : self._starts[i + 1] - 1]


class CompactSet:
    __slots__ = ("_heads", "_keys")

    def __init__(self, keys: Iterable[str]):
        ordered = sorted(set(keys))
        starts = array("I", [0])
        for k in ordered:
            starts.append(starts[-1] + len(k) + 1)
        self._keys = _Keys("".join(k + _SEP for k in ordered), starts)
        self._heads = _heads(self._keys)

    def index(self, key: str) -> int:
        """Position of `key` in sorted order, or -1."""
        span = self._heads.get(key[:HEAD])
        if span is None:
            return -1
        keys = self._keys
        i = bisect.bisect_left(keys, key, span[0], span[1])
        return i if i < span[1] and keys[i] == key else -1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.index(key) >= 0

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __getstate__(self):
        return self._keys._blob, self._keys._starts.tobytes(), self._heads

    def __setstate__(self, state):
        blob, starts, self._heads = state
        packed = array("I")
        packed.frombytes(starts)
        self._keys = _Keys(blob, packed)


HEAD = 2  # keys are grouped by their first letters, so a search bisects one small group


def _heads(keys: _Keys) -> dict[str, tuple[int, int]]:
    """First HEAD letters → the range of keys starting with them (a few thousand entries)."""
    out: dict[str, tuple[int, int]] = {}
    blob, starts = keys._blob, keys._starts
    for i in range(len(keys)):
        head = blob[starts[i] : min(starts[i] + HEAD, starts[i + 1] - 1)]
        lo, _hi = out.get(head, (i, i))
        out[head] = (lo, i + 1)
    return out


class CompactMap:
    """str → one of a few distinct values (a verb's lemma, a flag)."""

    __slots__ = ("_codes", "_set", "_values")

    def __init__(self, items: dict):
        self._set = CompactSet(items)
        self._values = sorted(set(items.values()), key=repr)
        code = {v: i for i, v in enumerate(self._values)}
        self._codes = array("I", (code[items[k]] for k in self._set))

    def get(self, key: str, default=None):
        i = self._set.index(key)
        return self._values[self._codes[i]] if i >= 0 else default

    def __getitem__(self, key: str):
        i = self._set.index(key)
        if i < 0:
            raise KeyError(key)
        return self._values[self._codes[i]]

    def __contains__(self, key: object) -> bool:
        return key in self._set

    def __len__(self) -> int:
        return len(self._set)

    def __bool__(self) -> bool:
        return len(self._set) > 0

    def distinct_values(self) -> list:
        return list(self._values)

    def __getstate__(self):
        return self._set, self._codes.tobytes(), self._values

    def __setstate__(self, state):
        self._set, codes, self._values = state
        self._codes = array("I")
        self._codes.frombytes(codes)
