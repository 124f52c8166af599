"""A build whose cards are analysed in worker processes writes the same generation, and gives the
same answers, as one that analyses them in its own process."""

import csv

import pytest
from conftest import ROOT
from whoosh import index as whoosh_index

from indexer import analysis, generation_files
from indexer import whoosh_index as windex
from indexer.build import build
from indexer.corpus import read_corpus
from search import Engine, SearchRequest
from store import card_files, layout

# These tests fork worker processes whatever threads earlier tests of the session left running
# (a build would not: analysis.processes), and Python warns of it.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

EXTRAS = {n: ROOT / "corpus" / n for n in ("synonyms.tsv", "best_bets.tsv", "life_events.json")}


@pytest.fixture(scope="module")
def cards():
    read = read_corpus(ROOT / "corpus")
    assert not read.problems
    return read.cards[:240]  # enough for several chunks of work, few enough for a quick test


def _whoosh_contents(directory):
    """Every term with its postings (positions where kept), and every document's stored fields and
    field lengths."""
    ix = whoosh_index.open_dir(str(directory))
    out = {}
    with ix.reader() as reader:
        for name in ix.schema.names():
            for term in reader.lexicon(name):
                postings = reader.postings(name, term)
                kind = "positions" if ix.schema[name].format.supports("positions") else "frequency"
                out[name, term] = list(postings.items_as(kind))
        for doc in range(reader.doc_count_all()):
            out[doc] = (reader.stored_fields(doc), [reader.doc_field_length(doc, n) for n in ix.schema.names()])
    return out


def test_workers_write_the_same_index_and_card_files(cards, tmp_path):
    assert len(cards) > 2 * analysis._CHUNK  # several chunks, so the order they come back in matters
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    generation_files.write(one, cards, processes=1)
    generation_files.write(two, cards, processes=2)
    for name in (card_files.CARDS, card_files.SHOWN):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert _whoosh_contents(one / layout.WHOOSH) == _whoosh_contents(two / layout.WHOOSH)


def test_the_shown_words_know_every_word_of_the_index(cards, tmp_path):
    # The shown lines are made before the index is committed, from the terms given to it: they
    # must know the compounds the committed index holds (a card writing گواهی نامه apart is
    # marked by a query that writes it joined because another card writes it so).
    generation_files.write(tmp_path, cards, processes=2)
    vocabulary = windex.vocabulary(tmp_path / layout.WHOOSH)
    again = b"".join(card_files.shown_line(card, vocabulary) for card in cards)
    assert (tmp_path / card_files.SHOWN).read_bytes() == again


def _queries() -> list[str]:
    with open(ROOT / "corpus" / "judgments" / "queries.tsv", encoding="utf-8") as f:
        return [row["query"] for row in csv.DictReader(f, delimiter="\t")]


def test_a_parallel_build_answers_as_a_single_process_build(cards, tmp_path, monkeypatch):
    # As many processes as asked, even if an earlier test left a thread running (which makes a
    # build analyse in its own process: see analysis.processes).
    monkeypatch.setattr(analysis, "processes", lambda cards, wanted=None: wanted or 1)
    roots = {}
    for processes in (1, 2):
        roots[processes] = tmp_path / f"index-{processes}"
        build(roots[processes], cards, extras=EXTRAS, processes=processes)
    engines = {p: Engine(root) for p, root in roots.items()}
    for engine in engines.values():
        engine.load()
    for q in [*_queries(), ""]:
        answers = [engine.search(SearchRequest(q=q, size=20)) for engine in engines.values()]
        one, two = ([(h.id, h.score, h.weak) for h in a.hits] for a in answers)
        assert one == two, q
        assert answers[0].total == answers[1].total, q
