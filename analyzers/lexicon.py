"""hazm's lexicon and verb conjugations, folded the way the analyzer folds tokens.

Building them from hazm takes several seconds (hazm conjugates every verb it knows, and every
form is folded), so the result is cached on disk per hazm version and loaded in a fraction of a
second by every later process. `warm_up()` runs at start-up, never inside a request.
"""

from __future__ import annotations

import functools
import os
import pickle
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from analyzers.chars import fold_letters
from analyzers.hamza import fold_hamza

_lock = threading.Lock()
_FORMAT = 1  # bump when the folds change what is cached


def _cache_path() -> Path:
    base = os.environ.get("DARGAH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    hazm_version = metadata.version("hazm")
    return Path(base) / "dargah" / f"lexicon-hazm{hazm_version}-v{_FORMAT}.pickle"


def _fold(entry: str) -> str:
    # Lexicon entries are clean Persian: the letter fold is enough.
    return fold_hamza(fold_letters(entry)).replace("\u200c", "")


def _build() -> tuple[frozenset[str], dict[str, str]]:
    import hazm

    lemmatizer = hazm.Lemmatizer()
    words = frozenset(_fold(w) for w in lemmatizer.words)
    verbs: dict[str, str] = {}
    for form, lemma in lemmatizer.verbs.items():
        if "_" not in form:  # multi-word forms (گفته_شده_است): our tokens are single words
            verbs.setdefault(_fold(form), lemma)
    return words, verbs


@functools.cache
def _lexicon() -> tuple[frozenset[str], dict[str, str]]:
    with _lock:
        path = _cache_path()
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            pass
        data = _build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: concurrent workers never read half a file
        except OSError:
            pass  # a read-only home only costs the next process the same few seconds
        return data


def words() -> frozenset[str]:
    """Every word form hazm's lexicon knows (folded, ZWNJ removed)."""
    return _lexicon()[0]


def verbs() -> dict[str, str]:
    """Conjugated verb form (folded, ZWNJ removed) → hazm's "past#present" stem pair."""
    return _lexicon()[1]


@functools.cache
def normalizer():
    import hazm

    return hazm.Normalizer(
        persian_numbers=False,  # digits are folded to ASCII by chars.py
        seperate_mi=False,  # would build a second Lemmatizer; the inflection filter handles می
        remove_specials_chars=False,  # symbols and emoji are dropped by the tokenizer instead
    )


def warm_up() -> None:
    _lexicon()
    normalizer()
