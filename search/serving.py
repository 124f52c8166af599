"""Which generation a process serves: opened at start-up, swapped for a newer one when published.

The pointer is re-read every `refresh_interval` seconds by a watcher thread (a read of one small
file: polled rather than watched, because the index directory may be a volume shared by hosts); a
newly published generation is opened and warmed for search before it is swapped in, and a request
that started on the old one finishes on it, because it holds its own reference. A damaged
generation never replaces a good one.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from pathlib import Path

import analyzers
from search import information
from search.generation import LoadedGeneration
from search.understanding import spoken
from store.errors import IndexUnavailable
from store.layout import current as current_generation
from store.layout import current_name, older_generations, short_write_under_way

RETRY_FAILED = 10.0  # seconds before a generation that failed to open is tried again
REFRESH_INTERVAL = 0.1  # seconds between two reads of the pointer
# Seconds a generation serves before the rest of it (suggestions, the catalogue views, the report:
# seconds of CPU at 10,000 cards) is built, in its own thread, and only once no newer generation is
# published or being written: a run of card changes (an agency's script) warms its last generation,
# not each one, and the CPU goes to the changes and to opening their generations meanwhile.
SETTLE = 1.0

log = logging.getLogger("dargah.search")


class GenerationServer:
    def __init__(self, index_dir: Path | str, refresh_interval: float = REFRESH_INTERVAL):
        self.index_dir = Path(index_dir)
        self.refresh_interval = refresh_interval
        self._gen: LoadedGeneration | None = None
        self._lock = threading.Lock()
        self._failed: dict[str, float] = {}  # generation → when it could not be opened
        self._watcher: threading.Thread | None = None

    def load(self) -> LoadedGeneration:
        """Open the current generation now (start-up) and watch for newer ones; raises
        IndexUnavailable when there is none to serve."""
        analyzers.warm_up()
        information.warm_up()
        spoken.warm_up()
        name, path = current_generation(self.index_dir)
        try:
            gen = LoadedGeneration.open(name, path)
        except Exception as e:
            # A damaged current generation: serve the newest older one that opens.
            gen = self._newest_good_before(name)
            if gen is None:
                # Keep watching: a generation published later (a rebuild after an upgrade) is served.
                self._failed[name] = time.monotonic()
                self._start_watcher()
                raise IndexUnavailable(f"generation {name} cannot be opened: {e}") from e
            log.error("generation %s cannot be opened (%s); serving %s instead", name, e, gen.name)
            self._failed[name] = time.monotonic()
        gen.warm_search()
        with self._lock:
            self._gen = gen
        # Ready to search now; suggestions and the agencies' ranking (seconds at 10,000 cards)
        # are built beside the first requests rather than before them.
        self._warm_when_settled(gen)
        self._start_watcher()
        return gen

    def generation(self) -> LoadedGeneration:
        """The generation to serve a request from. Never waits for a newer one to open: the
        watcher swaps it in once it is ready, and this request keeps the one it got."""
        gen = self._gen
        if gen is None:
            raise IndexUnavailable(f"no index generation is loaded from {self.index_dir}")
        return gen

    def _newest_good_before(self, name: str) -> LoadedGeneration | None:
        for older in older_generations(self.index_dir, name):
            try:
                return LoadedGeneration.open(older.name, older.path)
            except Exception:
                continue
        return None

    def _start_watcher(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, name="generation-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.refresh_interval)
            try:
                self.refresh()
            except Exception:  # keep watching whatever happens; the current generation serves on
                log.exception("generation refresh failed")

    def refresh(self) -> bool:
        """Swap in the published generation if it differs from the serving one; True if swapped."""
        try:
            name, path = current_generation(self.index_dir)
        except IndexUnavailable:
            return False  # the pointer is missing or being replaced: keep serving
        current = self._gen
        if current is not None and current.name == name:
            return False
        if time.monotonic() - self._failed.get(name, -RETRY_FAILED) < RETRY_FAILED:
            return False  # retried now and then: on a network volume files can appear late
        try:
            gen = self._open(name, path, current)
        except Exception:
            log.exception("generation %s cannot be opened; still serving %s", name, current.name if current else None)
            self._failed[name] = time.monotonic()
            return False
        gc.unfreeze()  # the generation being replaced must be collectable once requests let go
        with self._lock:
            self._gen = gen
        log.info("now serving generation %s", name)
        self._warm_when_settled(gen)
        return True

    @staticmethod
    def _open(name: str, path: Path, previous: LoadedGeneration | None) -> LoadedGeneration:
        """Open and warm for search a generation taking over what it shares with `previous`; if
        that fails, afresh (what is taken over is an optimisation, never a reason not to serve)."""
        try:
            gen = LoadedGeneration.open(name, path, previous=previous)
            gen.warm_search(previous=previous)
            return gen
        except Exception:
            if previous is None:
                raise
            log.exception("generation %s could not take over from %s; opening it afresh", name, previous.name)
        gen = LoadedGeneration.open(name, path)
        gen.warm_search()
        return gen

    def _warm_when_settled(self, gen: LoadedGeneration) -> None:
        """Warm the rest of `gen` (served now) once it has served SETTLE seconds with no newer
        generation published or being written; never if one replaces it first."""

        def when_settled():
            _lower_priority()
            while True:
                time.sleep(SETTLE)
                if self._gen is not gen:
                    return  # replaced: the next one is warmed instead
                # Another generation named, unless it failed to open (or is the damaged one that
                # made this server serve an older one): it is being opened to replace this one.
                pointer = current_name(self.index_dir)
                coming = pointer != gen.name and pointer not in self._failed
                if not coming and not short_write_under_way(self.index_dir):
                    break
            self._warm(gen)

        threading.Thread(target=when_settled, name="generation-warm", daemon=True).start()

    @staticmethod
    def _warm(gen: LoadedGeneration) -> None:
        """Finish warming a generation that serves, then take what it holds out of the cyclic
        garbage collector's sight: a full collection walks every object (the cards, caches) and
        stalls every request of the process. Reference counting still frees them."""
        gen.warm()
        gc.collect()
        gc.freeze()

    @property
    def ready(self) -> bool:
        return self._gen is not None

    def generation_name(self) -> str | None:
        """The generation a request starting now would be served from (None before the first load)."""
        gen = self._gen
        return gen.name if gen is not None else None

    def card_count(self) -> int | None:
        gen = self._gen
        return len(gen.by_id) if gen is not None else None


def _lower_priority() -> None:
    """This thread at the lowest scheduling priority (Linux schedules threads one by one): the
    views it builds can wait, the searches the process answers meanwhile cannot."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: the same work, at the same priority
