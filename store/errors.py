"""Why the index on disk cannot be used, one exception type per condition, so that a caller (the
admin API, the command line) tells them apart by type. Messages are for people: they say what to
do, and are safe to show an operator (a path, never internals).
"""

from __future__ import annotations


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
    """Another build (or single-card change) holds the index directory's build lock."""


class NothingToRollBack(StoreError):
    """No generation older than the serving one is left."""
