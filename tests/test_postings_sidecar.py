"""The postings sidecar (store/segment_postings.py) holds, for every segment of a generation's
index, exactly the postings and field lengths Whoosh holds; a single-card change links its
parent's folders and adds one for its own segment; a generation whose sidecar is damaged or
missing is served through Whoosh with the same answers."""

import dataclasses
import hashlib

import numpy as np
import pytest
from conftest import mini_cards
from whoosh import index as whoosh_index

from indexer import update
from search import Engine
from search.engine import SearchRequest
from search.lexicon import Lexicon
from store import layout, segment_postings, whoosh_segments
from store.fields import SEARCH_FIELDS

QUERIES = ("گذرنامه", "تمدید گواهینامه", "کارت ملی", "ثبت نام", "مدارک لازم برای ازدواج", "بیمه")


def assert_sidecar_equals_whoosh(path) -> int:
    """Every (field, term) of every segment of the generation at `path`: the same docnums and
    term frequencies, and nothing else; the same field lengths. Returns the segments compared."""
    with whoosh_index.open_dir(str(path / layout.WHOOSH)).reader() as reader:
        leaves = whoosh_segments.leaves(reader)
        folders = {p.name for p in segment_postings.folder(path).iterdir()}
        assert folders == {segment for _, _, segment in leaves}  # none missing, none left over
        for leaf, _, segment in leaves:
            files = segment_postings.SegmentFiles.open(
                segment_postings.folder(path) / segment, segment, leaf.doc_count_all()
            )
            assert files is not None, segment
            terms = 0
            for field in SEARCH_FIELDS:
                for raw in leaf.lexicon(field):
                    term = raw.decode("utf-8")
                    expected_ids, expected_tf = whoosh_segments.raw_postings(leaf, field, term)
                    ids, tf = files.postings(field, term)
                    assert ids.tolist() == expected_ids.tolist(), (field, term)
                    assert tf.dtype == np.float64 and tf.tolist() == expected_tf.tolist(), (field, term)
                    terms += 1
                lengths = files.lengths(field)
                assert lengths.tolist() == whoosh_segments.field_lengths(leaf, field).tolist(), field
            assert terms == len(files._keys)
            assert files.postings("title", "زغبکپوه")[0].size == 0  # a word no card writes
        return len(leaves)


def assert_lexicon_equals_whoosh(path) -> None:
    """The lexicon read from the sidecar knows the same terms in the same fields, with the same
    document frequencies, as one read from Whoosh's term index."""
    with whoosh_index.open_dir(str(path / layout.WHOOSH)).reader() as reader:
        segments = {s: leaf.doc_count_all() for leaf, _, s in whoosh_segments.leaves(reader)}
        sidecar = segment_postings.open_all(path, segments)
        assert sidecar.keys() == segments.keys()
        fields = tuple(n for n in reader.schema.names() if n != "id")
        from_sidecar, from_whoosh = Lexicon(reader, fields, sidecar=sidecar), Lexicon(reader, fields)
    assert from_sidecar.known == from_whoosh.known and len(from_whoosh.known) > 100
    assert from_sidecar.vocab.df == from_whoosh.vocab.df


def change_until_merged(index) -> None:
    """Single-card changes until Whoosh merges small segments into one."""
    cards = mini_cards()
    most = 0
    for n in range(40):
        card = cards[n % len(cards)]
        update.upsert(index, {**card, "description": f"{card['description']} دگرگونی {n}"})
        with whoosh_index.open_dir(str(layout.current(index).path / layout.WHOOSH)).reader() as reader:
            count = len(whoosh_segments.leaves(reader))
        if count < most:
            return
        most = max(most, count)
    raise AssertionError("Whoosh never merged segments")


@pytest.mark.parametrize("change", ["built", "an upsert", "a deletion", "changes Whoosh merged"])
def test_every_term_of_every_segment_equals_whoosh(index, change):
    card = mini_cards()[0]
    (built,) = {p.name for p in segment_postings.folder(layout.current(index).path).iterdir()}
    if change == "an upsert":
        update.upsert(index, {**card, "title": f"{card['title']} زغبکپوهی"})
    elif change == "a deletion":
        update.delete(index, card["id"])
    elif change == "changes Whoosh merged":
        change_until_merged(index)
    path = layout.current(index).path
    assert assert_sidecar_equals_whoosh(path) == (2 if change == "an upsert" else 1)
    assert_lexicon_equals_whoosh(path)
    merged = change == "changes Whoosh merged"
    assert (built in {p.name for p in segment_postings.folder(path).iterdir()}) != merged


def file_digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_single_card_change_links_its_parents_folders_and_leaves_them_as_they_were(index):
    parent = layout.current(index).path
    before = file_digests(segment_postings.folder(parent))
    card = mini_cards()[1]
    update.upsert(index, {**card, "title": f"{card['title']} زغبکپوهی"})
    child = layout.current(index).path
    shared = {p.name for p in segment_postings.folder(parent).iterdir()}
    own = {p.name for p in segment_postings.folder(child).iterdir()} - shared
    assert len(own) == 1  # the segment the change added
    for segment in shared:
        for file in (segment_postings.folder(parent) / segment).iterdir():
            linked = segment_postings.folder(child) / segment / file.name
            assert linked.stat().st_ino == file.stat().st_ino, file.name  # the same file, not a copy
    assert file_digests(segment_postings.folder(parent)) == before


def answers(index) -> list:
    engine = Engine(index, refresh_interval=3600)
    engine.load()
    return [dataclasses.replace(engine.search(SearchRequest(q=q, size=20)), took_ms=0.0) for q in QUERIES]


def truncate(file) -> None:
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def other_format(file) -> None:
    file.write_text(file.read_text("utf-8").replace(f'"format":{segment_postings.FORMAT}', '"format":99'))


@pytest.mark.parametrize(
    "damage",
    [
        ("docs.npy", truncate),
        ("keys.npy", lambda f: f.write_bytes(b"not an array")),
        (segment_postings.META, other_format),
        (segment_postings.META, lambda f: f.unlink()),
    ],
    ids=["a truncated posting file", "a key file that is no array", "another format", "no description"],
)
def test_a_damaged_sidecar_is_read_through_whoosh_with_the_same_answers(index, damage):
    expected = answers(index)
    assert any(result.total for result in expected)
    gen = layout.current(index).path
    (segment,) = segment_postings.folder(gen).iterdir()
    name, spoil = damage
    spoil(segment / name)
    engine = Engine(index, refresh_interval=3600)
    assert engine.load().postings_sidecar == {}  # not read: Whoosh is the index of record
    assert answers(index) == expected


def test_two_terms_with_one_key_fail_the_write_rather_than_lose_one(tmp_path, monkeypatch):
    monkeypatch.setattr(segment_postings, "key", lambda name: 7)
    postings = [("title", word, np.array([0], np.int32), np.array([1.0])) for word in ("گذرنامه", "تمدید")]
    with pytest.raises(ValueError, match="share a postings key"):
        segment_postings.write(tmp_path, "MAIN_x", ["title"], 1, postings, np.ones((1, 1)))


def test_where_the_file_system_links_nothing_a_change_copies_the_sidecar(index, monkeypatch):
    def refuse(source, target):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(segment_postings.os, "link", refuse)
    parent = layout.current(index).path
    card = mini_cards()[2]
    update.upsert(index, {**card, "title": f"{card['title']} زغبکپوهی"})
    child = layout.current(index).path
    for file in segment_postings.folder(parent).rglob("*.npy"):
        copied = child / file.relative_to(parent)
        assert copied.stat().st_ino != file.stat().st_ino and copied.read_bytes() == file.read_bytes()
    assert_sidecar_equals_whoosh(child)
