"""Cards are read from the generation's file when results show them, not kept in every worker."""

import base64
import csv
import shutil
from array import array

import orjson
import pytest
from conftest import ROOT

from analyzers.chain import analyze_word
from analyzers.chars import fold_characters
from analyzers.text_words import WORD
from indexer import generations, update
from search import Engine
from search.engine import SearchRequest


def _judged_queries() -> list[str]:
    with open(ROOT / "corpus" / "judgments" / "queries.tsv", encoding="utf-8") as f:
        return [row["query"] for row in csv.DictReader(f, delimiter="\t")]


def _answers(engine: Engine, queries: list[str]) -> list:
    out = []
    for q in queries:
        r = engine.search(SearchRequest(q=q))
        out.append((r["total"], [(h["id"], h["highlights"], h["snippet"]) for h in r["hits"]], r["facets"]))
    return out


def _make_legacy(index) -> None:
    """Rewrite the serving generation the way generations were written before cards.jsonl."""
    path = generations.current(index).path
    cards = [orjson.loads(line)["card"] for line in (path / "cards.jsonl").read_bytes().splitlines()]
    (path / "cards.json").write_bytes(orjson.dumps(cards))
    (path / "cards.jsonl").unlink()
    (path / "shown.jsonl").unlink()


def _v1_words(text: str) -> list:
    """A text's words as version 1 stored them (the previous indexer's writer)."""
    spans, terms, bases, parts = array("I"), [], [], []
    for i, m in enumerate(WORD.finditer(text)):
        a = analyze_word(fold_characters(m.group()))
        spans.extend(m.span())
        terms.append(a.term)
        bases.append("" if a.base == a.term else a.base)
        if a.parts:
            parts.append([i, list(a.parts)])
    return [base64.b64encode(spans.tobytes()).decode(), " ".join(terms), " ".join(bases), parts]


def _make_words_in_card_lines(index) -> None:
    """The layout before shown.jsonl: each card line carries its words, in version 1 of their
    form (offsets as base64 of native 32-bit integers)."""
    path = generations.current(index).path
    out = []
    for line in (path / "cards.jsonl").read_bytes().splitlines():
        card = orjson.loads(line)["card"]
        words = {"version": 1}
        for field in ("title", "description"):
            words[field] = _v1_words(card.get(field) or "")
        out.append(orjson.dumps({"id": card["id"], "card": card, "words": words}) + b"\n")
    (path / "cards.jsonl").write_bytes(b"".join(out))
    (path / "shown.jsonl").unlink()


def _make_other_version(index) -> None:
    """Words stored in a format this reader does not know (a future or past version)."""
    path = generations.current(index).path
    lines = [orjson.loads(line) for line in (path / "shown.jsonl").read_bytes().splitlines()]
    for line in lines:
        line["words"] = {"version": -1, "title": "?", "description": "?"}
    (path / "shown.jsonl").write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))


@pytest.fixture
def legacy_index(tmp_path, bundled_index):
    index = tmp_path / "index"
    shutil.copytree(bundled_index, index)
    _make_legacy(index)
    return index


@pytest.mark.parametrize(
    "make",
    [_make_legacy, _make_words_in_card_lines, _make_other_version],
    ids=["cards.json", "words in card lines", "other words version"],
)
def test_a_generation_written_by_another_version_serves_the_same_answers(tmp_path, bundled_index, bundled_engine, make):
    # Highlights there come from analysing the text when shown, or from words stored the way an
    # older indexer stored them; here from this indexer's analysis in shown.jsonl.
    index = tmp_path / "index"
    shutil.copytree(bundled_index, index)
    make(index)
    queries = _judged_queries()
    other = Engine(index)
    other.load()
    assert _answers(other, queries) == _answers(bundled_engine, queries)
    one = bundled_engine.search(SearchRequest(q="گواهینامه"))["hits"][0]["id"]
    assert other.service(one) == bundled_engine.service(one)


def test_a_single_card_change_on_an_old_generation_writes_the_new_cards_files(legacy_index):
    path = generations.current(legacy_index).path
    card = orjson.loads((path / "cards.json").read_bytes())[0]
    published = update.upsert(legacy_index, {**card, "title": card["title"] + " ویژه"})
    assert (published.path / "cards.jsonl").is_file() and not (published.path / "cards.json").exists()
    assert len((published.path / "shown.jsonl").read_bytes().splitlines()) == len(
        (published.path / "cards.jsonl").read_bytes().splitlines()
    )
    engine = Engine(legacy_index)
    engine.load()
    assert engine.service(card["id"])["title"].endswith(" ویژه")
    hit = engine.search(SearchRequest(q=card["title"] + " ویژه"))["hits"][0]
    assert hit["id"] == card["id"] and "ویژه" in hit["highlights"]["title"]
    assert engine.generation().doc_count == len(orjson.loads((path / "cards.json").read_bytes()))


def test_results_still_show_cards_after_their_generation_directory_is_removed(tmp_path, bundled_index):
    # A request keeps its generation while a newer one is published and old ones are pruned.
    index = tmp_path / "index"
    shutil.copytree(bundled_index, index)
    engine = Engine(index)
    engine.load()
    before = engine.search(SearchRequest(q="تمدید گذرنامه"))
    shutil.rmtree(generations.current(index).path)
    after = engine.search(SearchRequest(q="تمدید گذرنامه", page=1))
    assert after["hits"] and [h["highlights"] for h in after["hits"]] == [h["highlights"] for h in before["hits"]]
    assert "<mark>" in after["hits"][0]["highlights"]["title"]
