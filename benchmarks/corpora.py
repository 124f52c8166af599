"""The corpora and indexes of a benchmark run, each rebuilt only when what it is made of changed.

- bundled: the catalogue in corpus/ (always rebuilt: it takes seconds, and its build time is
  measured on every run);
- synth-N: `python -m corpus.synth N > var/bench/corpora/synth-N.jsonl`, kept while corpus/synth.py
  and the bundled cards it samples from are unchanged;
- a dargah index (`dargah index FILE --index DIR`) and a tantivy index of each corpus, kept while
  the corpus and what indexing makes of it are unchanged: for dargah, the index schema
  (store/fields.py) and the index terms of the corpus' first 300 cards as the code gives
  them today (indexer/documents.py through analyzers/: a change that alters no term keeps the
  index, one that does rebuilds it), and the current code must still find its generation; for
  tantivy, benchmarks/tantivy_service.py.
  Building 50,000 cards takes many minutes, so a kept index reports the build time and peak memory
  measured when it was built (with that date); `--rebuild` measures them again.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BENCH, DARGAH, PYTHON, ROOT, VAR, files_key, log, run_measured

CORPORA = VAR / "corpora"
INDEXES = VAR / "idx"
BUNDLED_SOURCES = [ROOT / "corpus" / "services", ROOT / "corpus" / "synonyms.tsv"]
# What a generation on disk is made of (the analysis itself is fingerprinted: dargah_key_extra).
# The whole indexer: a file it gains (the postings sidecar's writer) changes what it writes.
DARGAH_CODE = [ROOT / "indexer"] + [
    ROOT / "store" / f
    for f in (
        "fields.py",
        "card_files.py",
        "card_facts.py",
        "stored_words.py",
        "versions.py",
        "segment_postings.py",
        "whoosh_segments.py",
    )
]
FINGERPRINT_CARDS = 300
TANTIVY_CODE = [BENCH / "tantivy_service.py", BENCH / "requirements.txt"]


@dataclass
class Corpus:
    label: str  # "bundled", "10k", "50k"
    path: Path  # a .jsonl file or the corpus/ folder
    cards: int
    key: str
    synth_seconds: float | None = None


@dataclass
class Built:
    engine: str  # "dargah" or "tantivy"
    corpus: str
    index: Path
    seconds: float
    max_rss_mb: float
    built_at: str
    reused: bool


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _count_lines(path: Path) -> int:
    if path.is_dir():
        return sum(_count_lines(p) for p in sorted((path / "services").glob("*.jsonl")))
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def bundled() -> Corpus:
    return Corpus("bundled", ROOT / "corpus", _count_lines(ROOT / "corpus"), files_key(BUNDLED_SOURCES))


def label_of(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def synthetic(n: int, regenerate: bool = False) -> Corpus:
    """`python -m corpus.synth N > var/bench/corpora/synth-N.jsonl` unless an identical one is there."""
    CORPORA.mkdir(parents=True, exist_ok=True)
    out = CORPORA / f"synth-{n}.jsonl"
    meta_path = CORPORA / f"synth-{n}.json"
    key = files_key([ROOT / "corpus" / "synth.py", ROOT / "corpus" / "services"], extra=f"n={n}")
    meta = _read_json(meta_path)
    if not regenerate and meta and meta.get("key") == key and out.is_file():
        return Corpus(label_of(n), out, meta["cards"], key, meta.get("seconds"))
    log(f"generating {n} synthetic cards: python -m corpus.synth {n} > {out.relative_to(ROOT)}")
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as f:
        m = run_measured([PYTHON, "-m", "corpus.synth", str(n)], stdout=f, timeout=3600)
    if m.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"python -m corpus.synth {n} failed with exit code {m.returncode}")
    tmp.replace(out)
    cards = _count_lines(out)
    meta_path.write_text(json.dumps({"key": key, "cards": cards, "seconds": round(m.seconds, 2)}), "utf-8")
    log(f"  {cards} cards in {m.seconds:.1f} s")
    return Corpus(label_of(n), out, cards, key, m.seconds)


def analysis_fingerprint(corpus: Corpus) -> str:
    """A digest of the index terms dargah's analysis gives the corpus' first cards, today."""
    import hashlib
    import itertools

    from indexer.documents import field_terms

    files = sorted((corpus.path / "services").glob("*.jsonl")) if corpus.path.is_dir() else [corpus.path]
    h = hashlib.sha256()
    lines = itertools.islice(
        (line for f in files for line in f.open(encoding="utf-8") if line.strip()), FINGERPRINT_CARDS
    )
    for line in lines:
        h.update(json.dumps(field_terms(json.loads(line)), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]


def _index(
    engine: str, corpus: Corpus, code: list[Path], command, rebuild: bool, timeout: float, extra: str = "", usable=None
) -> Built:
    INDEXES.mkdir(parents=True, exist_ok=True)
    index = INDEXES / f"{engine}-{corpus.label}"
    meta_path = INDEXES / f"{engine}-{corpus.label}.json"
    key = files_key(code, extra=corpus.key + extra)
    meta = _read_json(meta_path)
    if not rebuild and meta and meta.get("key") == key and index.is_dir() and (usable is None or usable(index)):
        return Built(engine, corpus.label, index, meta["seconds"], meta["max_rss_mb"], meta["built_at"], True)
    shutil.rmtree(index, ignore_errors=True)
    meta_path.unlink(missing_ok=True)
    cmd = command(corpus, index)
    shown = " ".join(Path(c).name if i < 2 else c for i, c in enumerate(cmd))  # the interpreter and script by name
    log(f"building the {engine} index of {corpus.label} ({corpus.cards} cards): {shown}")
    logfile = VAR / f"build-{engine}-{corpus.label}.log"
    with logfile.open("wb") as err:
        m = run_measured(cmd, stdout=err, stderr=err, timeout=timeout)
    if m.returncode != 0:
        raise RuntimeError(f"{engine} index build of {corpus.label} failed with {m.returncode}; see {logfile}")
    built_at = time.strftime("%Y-%m-%d %H:%M")
    meta = {
        "key": key,
        "seconds": round(m.seconds, 2),
        "max_rss_mb": round(m.max_rss_kb / 1024, 1),
        "built_at": built_at,
    }
    meta_path.write_text(json.dumps(meta), "utf-8")
    log(f"  built in {m.seconds:.1f} s, peak RSS {m.max_rss_kb / 1024:.0f} MB")
    return Built(engine, corpus.label, index, meta["seconds"], meta["max_rss_mb"], built_at, False)


def dargah_index(corpus: Corpus, rebuild: bool = False, timeout: float = 4 * 3600) -> Built:
    def command(c: Corpus, index: Path) -> list[str]:
        cmd = [DARGAH, "index", str(c.path), "--index", str(index)]
        if c.path.is_file():  # synthetic cards: the bundled catalogue's synonyms, as for real ones
            cmd += ["--synonyms", str(ROOT / "corpus" / "synonyms.tsv")]
        return cmd

    # The bundled index is cheap: always measured afresh.
    def usable(index: Path) -> bool:
        from store.errors import IndexUnavailable
        from store.layout import current as current_generation

        try:
            current_generation(index)
            return True
        except IndexUnavailable:
            return False

    bundled = corpus.label == "bundled"
    extra = "" if bundled else dargah_key_extra(corpus)
    return _index("dargah", corpus, DARGAH_CODE, command, rebuild or bundled, timeout, extra, usable)


def dargah_key_extra(corpus: Corpus) -> str:
    return "terms=" + analysis_fingerprint(corpus)


def tantivy_index(corpus: Corpus, rebuild: bool = False, timeout: float = 3600) -> Built:
    def command(c: Corpus, index: Path) -> list[str]:
        return [PYTHON, "-m", "benchmarks.tantivy_service", "build", str(c.path), "--index", str(index)]

    return _index("tantivy", corpus, TANTIVY_CODE, command, rebuild or corpus.label == "bundled", timeout)
