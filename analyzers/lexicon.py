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

from analyzers.chars import fold_letters, strip_diacritics
from analyzers.compact import CompactMap, CompactSet
from analyzers.hamza import fold_hamza

_lock = threading.Lock()
_FORMAT = 10  # bump when the folds or what is cached change


def _cache_path() -> Path:
    base = os.environ.get("DARGAH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    hazm_version = metadata.version("hazm")
    return Path(base) / "dargah" / f"lexicon-hazm{hazm_version}-v{_FORMAT}.pickle"


def fold_entry(entry: str) -> str:
    """A word of a word list folded like a token. Lexicon entries are clean Persian: the letter
    fold is enough."""
    return fold_hamza(strip_diacritics(fold_letters(entry))).replace("\u200c", "")


# Spoken Persian conjugates on the present stem with its own endings: میاد, بگیره, میتونه, میدن.
_INFORMAL_PREFIXES = ("می", "نمی", "ب", "ن")
_INFORMAL_ENDINGS = ("م", "ی", "ه", "د", "یم", "ین", "ن", "ید", "ند")


# Spoken forms in hazm's list that are also written words of this domain: شبا is the bank account
# number (شماره شبا), not "nights".
_NOT_SPOKEN = frozenset({"شبا"})


def _fold_lemma(lemma: str) -> str:
    """hazm's "past#present" with both stems folded like tokens (آمد#آ → امد#ا)."""
    return "#".join(fold_entry(stem) for stem in lemma.split("#"))


def _informal_forms(present: str):
    for prefix in _INFORMAL_PREFIXES:
        for ending in _INFORMAL_ENDINGS:
            yield prefix + present + ending


def _build() -> tuple[CompactSet, CompactMap, dict[str, str], CompactMap, CompactMap]:
    import hazm

    lemmatizer = hazm.Lemmatizer()
    words = frozenset(fold_entry(w) for w in lemmatizer.words)
    verbs: dict[str, str] = {}
    for form, lemma in lemmatizer.verbs.items():
        if "_" not in form:  # multi-word forms (گفته_شده_است): our tokens are single words
            verbs.setdefault(fold_entry(form), _fold_lemma(lemma))
    data = Path(hazm.__file__).parent / "data"
    stems = {lemma for lemma in verbs.values() if "#" in lemma and lemma.split("#")[1]}
    informal_stems = [(lemma, lemma.split("#")[1]) for lemma in stems]
    for line in (data / "iverbs.dat").read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and "#" in parts[0]:
            informal_stems.append((_fold_lemma(parts[0]), parts[1]))
    for lemma, present in informal_stems:
        for form in _informal_forms(fold_entry(present)):
            verbs.setdefault(form, lemma)
    informal: dict[str, str] = {}
    for line in (data / "iwords.dat").read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] != parts[1] and fold_entry(parts[0]) not in _NOT_SPOKEN:
            informal.setdefault(fold_entry(parts[0]), fold_entry(parts[1]))
    # What hazm's Normalizer asks of its word list (is it a word; is it frequent) without the
    # frequencies and tag tuples it loads per process: a quarter of the memory.
    # It reads entry[0] > 0: two shared tuples stand for every entry.
    frequent, rare = (1,), (0,)
    entries = hazm.WordTokenizer(join_verb_parts=False).words
    spacing = {w: frequent if freq > 0 else rare for w, (freq, _tags) in entries.items()}
    # A word hazm lists with a frequency or a part of speech is a headword of its own; most of the
    # rest of its list (four words in five) are inflected and derived forms. See lemmas.py.
    tags: dict[str, set[str]] = {}
    for w, (freq, word_tags) in entries.items():
        real = {t for t in word_tags if t != "0"}
        if freq > 0 or real:
            tags.setdefault(fold_entry(w), set()).update(real)
    headwords = {w: ",".join(sorted(t)) for w, t in tags.items()}
    # Packed (compact.py): about 15 MB instead of 110 in every process that analyses text.
    return CompactSet(words), CompactMap(verbs), informal, CompactMap(spacing), CompactMap(headwords)


@functools.cache
def _lexicon() -> tuple[CompactSet, CompactMap, dict[str, str], CompactMap, CompactMap]:
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


def words() -> CompactSet:
    """Every word form hazm's lexicon knows (folded, ZWNJ removed)."""
    return _lexicon()[0]


def verbs() -> CompactMap:
    """Conjugated verb form (folded, ZWNJ removed) → hazm's "past#present" stem pair, spoken forms
    (بگیره, میاد) included."""
    return _lexicon()[1]


def headwords() -> CompactMap:
    """The words hazm lists as headwords (with a frequency or a part of speech), folded, each with
    its tags ("AJ,N", "N,PL", or "" when only a frequency is known)."""
    return _lexicon()[4]


def informal_words() -> dict[str, str]:
    """Spoken word → written word (خونه → خانه), from hazm's informal lexicon."""
    return _lexicon()[2]


@functools.cache
def normalizer():
    import hazm
    import hazm.normalizer

    # hazm 0.12 rebuilds the same 40-character translation table on every normalize() call: a
    # third of the call's time. The table depends only on its two constant arguments.
    hazm.normalizer.maketrans = functools.lru_cache(maxsize=4)(hazm.normalizer.maketrans)
    # hazm's Normalizer reads its 190,000-word list into a per-process dict of tuples (80 MB of
    # a worker, mostly garbage left after parsing); the cached word → (frequent?,) map does its job.
    # It is built on an empty word list and given that map.
    original = hazm.normalizer.WordTokenizer
    with tempfile.NamedTemporaryFile("w", suffix=".dat") as empty:
        hazm.normalizer.WordTokenizer = functools.partial(original, words_file=empty.name)
        try:
            normalizer = hazm.Normalizer(
                persian_numbers=False,  # digits are folded to ASCII by chars.py
                seperate_mi=False,  # would build a second Lemmatizer; the inflection filter handles می
                remove_specials_chars=False,  # symbols and emoji are dropped by the tokenizer instead
            )
        finally:
            hazm.normalizer.WordTokenizer = original
    normalizer._words = normalizer._tokenizer.words = _RememberedLookups(_lexicon()[3])
    return normalizer


_MISSING = object()


class _RememberedLookups:
    """The normalizer's word list behind a memo of the words asked for. hazm asks it about every
    word and every pair of neighbours of every text it normalizes (hundreds per description), a
    binary search each in the packed list; the words of a catalogue's texts repeat, so most
    lookups are answered from the memo. Bounded: forgotten at once when full, so a server that
    normalizes every query typed does not grow without end."""

    __slots__ = ("_any", "_known", "_words")
    LIMIT = 100_000  # about 15 MB at most

    def __init__(self, words: CompactMap):
        self._words = words
        self._known: dict[str, object] = {}
        self._any = bool(words)  # asked before every lookup

    def _get(self, word: str):
        try:
            return self._known[word]
        except KeyError:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            value = self._known[word] = self._words.get(word, _MISSING)
            return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._get(word) is not _MISSING

    def __getitem__(self, word: str):
        value = self._get(word)
        if value is _MISSING:
            raise KeyError(word)
        return value

    def __bool__(self) -> bool:
        return self._any

    def __len__(self) -> int:
        return len(self._words)


def warm_up() -> None:
    _lexicon()
    normalizer()
