"""Why the index on disk cannot be used, one exception type per condition, so that a caller (the
admin API, the command line) tells them apart by type. Messages are for people: they say what to
do, and are safe to show an operator (a path, never internals).
"""

from __future__ import annotations

import errno


class StoreError(Exception):
    """Any condition of the index on disk that stops an operation."""


class IndexUnavailable(StoreError):
    """No generation to serve at the index directory (the subclass says why)."""


class IndexMissing(IndexUnavailable):
    """The index directory does not exist."""


class NoPublishedGeneration(IndexUnavailable):
    """The directory exists but its pointer names no published generation."""


class GenerationMissing(IndexUnavailable):
    """A generation named by the pointer (or asked for) is not on disk."""


class GenerationDamaged(StoreError):
    """A generation's files are incomplete or in a format this code does not read."""


class GenerationIncompatible(GenerationDamaged):
    """A generation analysed by another analyzer version than this code's (store/versions.py)."""


class BuildLocked(StoreError):
    """Another write (a build, a single-card change, a rollback) holds the index directory's lock.
    `holder` is what the lock file says about it: {"operation", "pid", "since", ...}."""

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder or {}


class NothingToRollBack(StoreError):
    """No generation older than the serving one is left."""


class NothingToRollForward(StoreError):
    """The serving generation was not reached by a rollback, or what it was rolled back from is gone."""


# Conditions of the storage itself, told apart by errno: a write fails for want of room (or of
# a file size allowed to the process), or because the volume is mounted read-only.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
READ_ONLY_ERRNOS = frozenset({errno.EROFS})


def storage_condition(exc: BaseException) -> str | None:
    """ "full", "read-only" or None for an exception that is not about the storage."""
    if isinstance(exc, OSError):
        if exc.errno in FULL_ERRNOS:
            return "full"
        if exc.errno in READ_ONLY_ERRNOS:
            return "read-only"
    return None
