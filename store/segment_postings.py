"""The postings sidecar: each Whoosh segment's postings and field lengths as flat arrays, written
when the segment is written and memory-mapped by every serving process.

Whoosh keeps postings in blocks that only its own Python matchers decode, a call per block or per
posting. A search needs a term's whole posting list at once, so each was decoded on first use in
every worker, and after each publication again (half a worker's time on a 50,000-card catalogue
under fresh queries). The sidecar holds what that decoding produced, written once by the indexer:

    <generation>/postings/<segment id>/   one folder per Whoosh segment of the generation's index
        segment.json    {"format": FORMAT, "segment": id, "documents": n, "fields": [...]}
        keys.npy        uint64, sorted: KEY of each (field, term) the segment holds
        entries.npy     int64 (terms × 4), row by row with keys: the (field, term) name's start and
                        end in names.bin, its postings' start and end in docs.npy and tfs.npy
        names.bin       every "field NUL term", UTF-8, one after another (checks a key's match)
        docs.npy        int32: docnums within the segment, deleted documents included, a posting
                        list after another, each ascending
        tfs.npy         each posting's term frequency (float32 where exact, else float64)
        lengths.npy     float64 (fields × documents): each document's length in each field as
                        Whoosh scores it (quantised to a byte, 1 for none)

A segment never changes once written (a deletion only marks documents, which the generation's
`live` mask hides), so its folder never changes either: a single-card change links its parent's
folders into the new generation (same files, same pages in memory) and writes one for the segment
it adds. Whoosh remains the index of record: a segment without a folder in this format (a
generation written before the sidecar) is read through Whoosh, with the same results.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import orjson

FOLDER = "postings"
FORMAT = 1
META = "segment.json"
ARRAYS = ("keys", "entries", "docs", "tfs", "lengths")
NAMES = "names.bin"

EMPTY = (np.empty(0, np.int32), np.empty(0, np.float64))


def key_bytes(field: str, term: str) -> bytes:
    return f"{field}\0{term}".encode()


def key(name: bytes) -> int:
    """A (field, term) name's 64-bit key: the first eight bytes of its BLAKE2b digest."""
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "little")


def folder(generation: Path) -> Path:
    return generation / FOLDER


def write(
    target: Path,
    segment: str,
    fields: list[str],
    documents: int,
    postings,
    lengths: np.ndarray,
) -> None:
    """Write one segment's folder into `target` (a new generation's postings folder).
    `postings`: (field, term, docnums, term frequencies) of every term the segment holds;
    `lengths`: (fields × documents) as Whoosh scores them."""
    names, entries, keys, docs, tfs = [], [], [], [], []
    name_at = post_at = 0
    for field, term, ids, tf in postings:
        name = key_bytes(field, term)
        names.append(name)
        keys.append(key(name))
        entries.append((name_at, name_at + len(name), post_at, post_at + len(ids)))
        name_at += len(name)
        post_at += len(ids)
        docs.append(ids)
        tfs.append(tf)
    keys_array = np.array(keys, np.uint64)
    order = np.argsort(keys_array, kind="stable")
    keys_array = keys_array[order]
    if len(keys_array) > 1 and (keys_array[1:] == keys_array[:-1]).any():
        # Two names with one key (odds of about one in 10^10 for a large segment): the lookup
        # finds the first and checks its name, so the other would be lost.
        raise ValueError(f"segment {segment}: two terms share a postings key")
    tf_all = np.concatenate(tfs).astype(np.float64) if tfs else np.empty(0, np.float64)
    narrow = tf_all.astype(np.float32)
    out = target / segment
    out.mkdir(parents=True)
    arrays = {
        "keys": keys_array,
        "entries": np.array(entries, np.int64).reshape(-1, 4)[order],
        "docs": np.concatenate(docs).astype(np.int32) if docs else np.empty(0, np.int32),
        "tfs": narrow if np.array_equal(narrow, tf_all) else tf_all,
        "lengths": np.asarray(lengths, np.float64).reshape(len(fields), documents),
    }
    for name, array in arrays.items():
        np.save(out / f"{name}.npy", array, allow_pickle=False)
    (out / NAMES).write_bytes(b"".join(names))
    meta = {"format": FORMAT, "segment": segment, "documents": documents, "fields": fields}
    (out / META).write_bytes(orjson.dumps(meta))


class SegmentFiles:
    """One segment's folder, mapped: posting lists are views of the files, never copied."""

    def __init__(self, path: Path, meta: dict, arrays: dict[str, np.ndarray], names: np.ndarray):
        self.path = path
        self.documents = int(meta["documents"])
        self.fields = {f: n for n, f in enumerate(meta["fields"])}
        self._keys, self._entries = arrays["keys"], arrays["entries"]
        self._docs, self._tfs, self._lengths = arrays["docs"], arrays["tfs"], arrays["lengths"]
        self._names = names

    @classmethod
    def open(cls, path: Path, segment: str, documents: int) -> SegmentFiles | None:
        """The folder at `path` if it holds this segment's postings in this format (None if it
        is missing, of another format or damaged: the segment is then read through Whoosh)."""
        try:
            meta = orjson.loads((path / META).read_bytes())
            if meta.get("format") != FORMAT or meta.get("segment") != segment or meta.get("documents") != documents:
                return None
            # Plain arrays over the mappings: a numpy.memmap slice passes its subclass on to every
            # result computed from it, at a Python call per operation.
            arrays = {
                name: np.asarray(np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False)) for name in ARRAYS
            }
            size = (path / NAMES).stat().st_size
            names = np.asarray(np.memmap(path / NAMES, np.uint8, "r")) if size else np.empty(0, np.uint8)
        except (OSError, ValueError, orjson.JSONDecodeError):
            return None
        terms = len(arrays["keys"])
        if (
            arrays["entries"].shape != (terms, 4)
            or len(arrays["docs"]) != len(arrays["tfs"])
            or arrays["lengths"].shape != (len(meta["fields"]), documents)
            or (terms and int(arrays["entries"][:, 3].max()) > len(arrays["docs"]))
        ):
            return None
        return cls(path, meta, arrays, names)

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums within the segment, term frequencies as float64) of a term in a field, empty
        when the segment does not hold it there."""
        name = key_bytes(field, term)
        wanted = np.uint64(key(name))
        at = int(self._keys.searchsorted(wanted))
        if at == len(self._keys) or self._keys[at] != wanted:
            return EMPTY
        name_start, name_end, start, end = (int(v) for v in self._entries[at])
        if self._names[name_start:name_end].tobytes() != name:
            return EMPTY
        tf = self._tfs[start:end]
        return self._docs[start:end], tf if tf.dtype == np.float64 else tf.astype(np.float64)

    def terms(self):
        """(field, term, number of postings) of every term the segment holds, in no set order."""
        names = self._names.tobytes()
        for start, end, first, last in self._entries.tolist():
            field, term = names[start:end].decode("utf-8").split("\0", 1)
            yield field, term, last - first

    def lengths(self, field: str) -> np.ndarray | None:
        row = self.fields.get(field)
        return self._lengths[row] if row is not None else None


def open_all(generation: Path, segments: dict[str, int]) -> dict[str, SegmentFiles]:
    """The sidecar folders of a generation's segments ({segment id: documents}) that it holds in
    this format."""
    base = folder(generation)
    if not base.is_dir():
        return {}
    found = {}
    for segment, documents in segments.items():
        files = SegmentFiles.open(base / segment, segment, documents)
        if files is not None:
            found[segment] = files
    return found


def link_into(source: Path, target: Path) -> None:
    """Put a generation's sidecar folders into a new generation's directory as hard links (the
    files never change), or copies where the file system links none."""
    base = folder(source)
    if not base.is_dir():
        return
    for segment in base.iterdir():
        if not segment.is_dir():
            continue
        into = folder(target) / segment.name
        into.mkdir(parents=True)
        for file in segment.iterdir():
            try:
                os.link(file, into / file.name)
            except OSError:
                shutil.copyfile(file, into / file.name)


def keep_only(generation: Path, segments: set[str]) -> set[str]:
    """Remove the folders of segments the generation's index no longer has (merged away by
    Whoosh); returns the segments that have a folder."""
    base = folder(generation)
    have = set()
    if base.is_dir():
        for entry in base.iterdir():
            if entry.name in segments and entry.is_dir():
                have.add(entry.name)
            elif entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return have
