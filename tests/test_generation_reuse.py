"""A worker swapping in a generation made by a single-card change takes what the two share from
the one it served (the unchanged card lines and index segments, the typo index, the query-side
files): every answer must be the one a fresh open of the new generation gives."""

import dataclasses
import shutil
import time

import numpy as np
import pytest
from conftest import mini_cards
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import SegmentReader

from indexer import postings_sidecar, update, writes
from search import Engine, serving
from search import query as query_builder
from search.engine import SearchRequest
from search.generation import LoadedGeneration
from search.vocabulary import Vocabulary
from store import layout, segment_postings

# A made-up word no card writes, and two ways of mistyping it (a letter dropped, two swapped).
NEW_WORD = "زغبکپوه"
TYPOS = ("زغبکپه", "زغکبپوه")
QUERIES = (NEW_WORD, *TYPOS, f"گذرنامه {NEW_WORD}", "گذرنامه", "گذرنامع", "تمدید گواهینامه", "کارت ملی")


def answer(engine: Engine, q: str):
    result = engine.search(SearchRequest(q=q, size=20))
    return dataclasses.replace(result, took_ms=0.0)


def fresh(index) -> Engine:
    engine = Engine(index, refresh_interval=3600)
    engine.load()
    return engine


@pytest.fixture
def served(index):
    engine = Engine(index, refresh_interval=3600)  # refreshed by hand: the test says when
    engine.load()
    for q in QUERIES:
        answer(engine, q)  # what the serving generation builds as it answers is there to be reused
    read_every_term(engine.generation())
    return engine


def read_every_term(gen: LoadedGeneration) -> None:
    """Score every word of the index in `gen`, as queries would: its segments' postings are then
    read, for the next generation to take over."""
    for term in gen.lexicon.known:
        gen.term_scores.term(gen.searcher(), term, query_builder.FIELD_WEIGHTS)


def test_a_new_word_is_found_with_its_typos_and_answers_equal_a_fresh_open(index, served):
    card = mini_cards()[0]
    update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD}"})
    previous = served.generation()
    assert served.refresh()
    gen = served.generation()
    assert set(gen.lexicon.segments) > set(previous.lexicon.segments)  # really reused, and one segment more
    assert all(gen.lexicon.segments[k] is terms for k, terms in previous.lexicon.segments.items())
    assert_taken_over(previous, gen)
    for q in (NEW_WORD, *TYPOS):
        assert served.search(SearchRequest(q=q)).hits[0].id == card["id"], q
    assert_as_opened_afresh(gen, index)
    other = fresh(index)
    for q in QUERIES:
        assert answer(served, q) == answer(other, q), q


def test_many_changes_in_a_row_keep_every_structure_equal_to_a_fresh_open(index, served):
    # Enough single-card changes for Whoosh to merge its small segments (terms then go as well as
    # come), a deletion among them.
    cards = mini_cards()
    merged: set[str] = set()
    for n, card in enumerate(cards[:12]):
        previous = served.generation()
        read_every_term(previous)
        if n == 5:
            update.delete(index, card["id"])
        else:
            update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD[: 3 + n % 4]}{n}وه"})
        assert served.refresh()
        gen = served.generation()
        assert_taken_over(previous, gen, all_merged_is_allowed=True)
        merged |= set(previous.lexicon.segments) - set(gen.lexicon.segments)
        # What was read of a segment merged away is let go, not kept for ever.
        kept = gen.term_scores.segment_postings
        assert {key[0] for key in [*kept._postings, *kept._lengths]} <= set(gen.lexicon.segments)
    assert merged  # Whoosh did merge segments
    assert_as_opened_afresh(served.generation(), index)
    other = fresh(index)
    for q in QUERIES:
        assert answer(served, q) == answer(other, q), q


def test_a_rollback_to_the_generation_before_is_served_as_opened_afresh(index):
    # The older generation has, live, the document its successor deleted in the same segment,
    # which the worker read first as deleted.
    card = mini_cards()[0]
    update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD}"})
    served = fresh(index)
    assert served.search(SearchRequest(q=NEW_WORD)).hits
    previous = served.generation()
    read_every_term(previous)  # the card's first document deleted: at the head of its words' postings
    writes.rollback(index)
    assert served.refresh()
    assert_taken_over(previous, served.generation())
    assert_as_opened_afresh(served.generation(), index)
    assert not served.search(SearchRequest(q=NEW_WORD)).hits
    other = fresh(index)
    for q in QUERIES:
        assert answer(served, q) == answer(other, q), q


def assert_taken_over(previous: LoadedGeneration, gen: LoadedGeneration, all_merged_is_allowed=False) -> None:
    """`gen` was opened taking over from `previous` (not afresh, as the server falls back to)."""
    # Every card's facts but the changed one's were not read again.
    taken = sum(f is previous.facts[previous.by_id[f.id]] for f in gen.facts if f and f.id in previous.by_id)
    assert taken >= gen.doc_count - 1
    # The stored fields of the segments both have were not read again (Whoosh may have merged
    # every segment of a small index into a new one).
    shared = set(gen._loaded.segments) & set(previous._loaded.segments)
    assert shared or all_merged_is_allowed
    for segment in shared:
        pairs = zip(gen._loaded.segments[segment], previous._loaded.segments[segment], strict=True)
        assert all(now is before for now, before in pairs if None not in (now, before)), segment
    assert gen.term_scores.segment_postings is previous.term_scores.segment_postings
    assert gen.term_scores is not previous.term_scores  # scores are each generation's own


def assert_as_opened_afresh(gen: LoadedGeneration, index) -> None:
    """Everything `gen` read or built for search equals what a fresh open of it reads and builds."""
    name, path = layout.current(index)
    assert gen.name == name
    opened = LoadedGeneration.open(name, path)
    opened.warm_search()
    assert gen.lines.tolist() == opened.lines.tolist()
    assert (gen.facts, gen.by_id) == (opened.facts, opened.by_id)
    assert (gen.title_terms, gen.named_events) == (opened.title_terms, opened.named_events)
    for facet, column in gen.facets.items():
        other = opened.facets[facet]
        assert column.values == other.values, facet
        assert column.pair_doc.tolist() == other.pair_doc.tolist(), facet
        assert column.pair_ord.tolist() == other.pair_ord.tolist(), facet
    assert gen.agency_terms == opened.agency_terms
    assert gen.lexicon.known == opened.lexicon.known
    assert gen.lexicon.vocab.df == opened.lexicon.vocab.df
    assert _as_sets(gen.lexicon.vocab._delete_index()) == _as_sets(opened.lexicon.vocab._delete_index())
    assert_term_scores_equal(gen, opened)


def assert_term_scores_equal(gen: LoadedGeneration, opened: LoadedGeneration) -> None:
    """Every word of the index finds the same cards with the same scores, to the last bit, in
    `gen` as in `opened`: what `gen` took over from the generations before it is not stale."""
    weights = query_builder.FIELD_WEIGHTS
    for term in gen.lexicon.known:
        ids, scores = gen.term_scores.term(gen.searcher(), term, weights)
        expected_ids, expected_scores = opened.term_scores.term(opened.searcher(), term, weights)
        assert ids.tolist() == expected_ids.tolist(), term
        assert np.array_equal(scores, expected_scores), term


def _as_sets(deletion_index: dict[str, list[str]]) -> dict[str, set[str]]:
    return {d: set(terms) for d, terms in deletion_index.items()}


def test_a_query_side_file_that_changed_is_read_again(index, served):
    # A rebuild may carry new synonyms: the worker must not keep the ones it had.
    card = mini_cards()[0]
    published = update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD}"})
    before = served.generation().synonyms
    published_synonyms = published.path / "synonyms.tsv"
    published_synonyms.write_text(f"{NEW_WORD}\tگذرنامه\n", "utf-8")  # as if the build had carried it
    assert served.refresh()
    assert served.generation().synonyms is not before
    assert served.generation().synonyms.has_word(NEW_WORD)


def test_a_patched_typo_index_corrects_as_one_built_anew():
    before = {"گذرنامه": 5, "گواهینامه": 3, "تمدید": 7, "شناسنامه": 2, "۱۲۳۴": 1}
    after = {"گذرنامه": 6, "گواهینامه": 3, "تمدید": 7, "زغبکپوه": 1, "۱۲۳۴": 1}  # one word gone, one new
    previous = Vocabulary(before)
    previous.warm()
    patched, anew = Vocabulary(after, previous=previous), Vocabulary(after)
    for word in ("گذرنامع", "شناسنامع", "زغبکپه", "زغکبپوه", "تمدیذ", "گواهینامح"):
        assert patched.corrections(word) == anew.corrections(word), word
    assert previous.corrections("شناسنامع") == [("شناسنامه", 1)]  # the previous one is left as it was
    assert patched.corrections("شناسنامع") == []


def _warmed(gen: LoadedGeneration) -> bool:
    return "suggester" in gen.__dict__  # the views built after the swap (LoadedGeneration.warm)


def _eventually(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_views_are_built_once_the_generation_settled_and_no_write_is_under_way(index, monkeypatch):
    monkeypatch.setattr(serving, "SETTLE", 0.2)
    engine = Engine(index, refresh_interval=3600)
    engine.load()
    assert _eventually(lambda: _warmed(engine.generation()))
    card = mini_cards()[0]
    # A generation replaced before it settled is never warmed; the last one is, once the card
    # change holding the lock is done.
    update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD}"})
    assert engine.refresh()
    replaced = engine.generation()
    update.upsert(index, {**card, "title": f"{card['title']} {TYPOS[0]}"})
    assert engine.refresh()
    last = engine.generation()
    lock = layout.try_lock(index, "upsert", id=card["id"])
    try:
        time.sleep(0.6)
        assert not _warmed(last)
    finally:
        layout.release(lock)
    assert _eventually(lambda: _warmed(last))
    assert not _warmed(replaced)


@pytest.mark.parametrize("sidecar", ["written", "absent"])
def test_a_new_generation_reads_from_whoosh_only_what_no_sidecar_holds(index, sidecar, monkeypatch):
    # The indexer writes each segment's postings into the generation's sidecar, which a search
    # maps: nothing is read through Whoosh. Without a sidecar (a generation written before it),
    # postings are read through Whoosh, and the generation after a single-card change reads again
    # only the postings and field lengths of the segment the change added, once every word was
    # read in the one before.
    if sidecar == "absent":
        for gen in layout.list_generations(index):
            shutil.rmtree(segment_postings.folder(gen.path))
        monkeypatch.setattr(postings_sidecar, "complete", lambda generation, reader: None)
    served = Engine(index, refresh_interval=3600)
    served.load()
    read_every_term(served.generation())
    previous = served.generation()
    card = mini_cards()[0]
    update.upsert(index, {**card, "title": f"{card['title']} {NEW_WORD}"})
    assert served.refresh()
    gen = served.generation()
    assert bool(gen.postings_sidecar) == (sidecar == "written")
    (added,) = set(gen.lexicon.segments) - set(previous.lexicon.segments)
    in_added = gen.lexicon.segments[added].known
    postings_read: list[tuple[str, str]] = []
    lengths_read: list[tuple[int, str]] = []
    matcher, doc_field_length = W3TermsReader.matcher, SegmentReader.doc_field_length

    def counted_matcher(reader, field, tbytes, *args, **kwargs):
        postings_read.append((field, tbytes.decode("utf-8")))
        return matcher(reader, field, tbytes, *args, **kwargs)

    def counted_doc_field_length(reader, docnum, field, *args, **kwargs):
        lengths_read.append((docnum, field))
        return doc_field_length(reader, docnum, field, *args, **kwargs)

    monkeypatch.setattr(W3TermsReader, "matcher", counted_matcher)
    monkeypatch.setattr(SegmentReader, "doc_field_length", counted_doc_field_length)
    read_every_term(gen)
    monkeypatch.setattr(W3TermsReader, "matcher", matcher)
    monkeypatch.setattr(SegmentReader, "doc_field_length", doc_field_length)
    assert NEW_WORD in in_added and len(in_added) < len(gen.lexicon.known) / 4  # most words are untouched
    if sidecar == "written":
        assert (postings_read, lengths_read) == ([], [])
    else:
        fields = {f: gen.lexicon.field_bits[f] for f, _ in query_builder.field_boosts(query_builder.FIELD_WEIGHTS)}
        expected = sorted((f, t) for t, bits in in_added.items() for f, bit in fields.items() if bits & bit)
        assert sorted(postings_read) == expected  # once each, and none of another segment's
        assert len(lengths_read) <= len(fields)  # the added segment's one document, not every card's
    assert_as_opened_afresh(gen, index)
