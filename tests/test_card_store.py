"""Cards are read from the generation's files when results show them, not kept in every worker; a
generation whose card files are not of this layout is refused, and an older one serves."""

import shutil

import orjson
import pytest
from conftest import mini_cards

from indexer import update
from search import Engine
from search.engine import SearchRequest
from search.generation import LoadedGeneration
from store import layout
from store.card_facts import FACTS
from store.card_files import CARDS, SHOWN
from store.errors import GenerationDamaged, IndexUnavailable


def _without_shown(path) -> None:
    (path / SHOWN).unlink()


def _words_of_another_version(path) -> None:
    lines = [orjson.loads(line) for line in (path / SHOWN).read_bytes().splitlines()]
    for line in lines:
        line["words"] = {"version": -1, "title": "?", "description": "?"}
    (path / SHOWN).write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))


def _a_shown_line_short(path) -> None:
    (path / SHOWN).write_bytes(b"".join((path / SHOWN).read_bytes().splitlines(keepends=True)[:-1]))


DAMAGES = pytest.mark.parametrize(
    "damage",
    [_without_shown, _words_of_another_version, _a_shown_line_short],
    ids=["no shown.jsonl", "words of another version", "a line short"],
)


def _publish_damaged_copy(index, damage) -> tuple[str, str]:
    """A newer generation made current whose card files are damaged; returns (good, damaged)."""
    good = layout.current(index)
    damaged = f"{good.seq + 1:06d}-20300101T000000Z"
    shutil.copytree(good.path, layout.generations_dir(index) / damaged)
    damage(layout.generations_dir(index) / damaged)
    layout.switch(index, damaged)
    return good.name, damaged


@DAMAGES
def test_a_generation_with_damaged_card_files_is_refused_with_a_clear_error(index, damage):
    gen = layout.current(index)
    damage(gen.path)
    with pytest.raises(GenerationDamaged, match=SHOWN):
        LoadedGeneration.open(gen.name, gen.path)
    with pytest.raises(IndexUnavailable, match=f"generation {gen.name} cannot be opened"):
        Engine(index).load()


@DAMAGES
def test_the_engine_serves_the_last_good_generation_instead(index, damage, mini_engine):
    good, _ = _publish_damaged_copy(index, damage)
    engine = Engine(index)
    assert engine.load().name == good
    served, expected = (e.search(SearchRequest(q="گذرنامه")) for e in (engine, mini_engine))
    assert served.hits and served.hits == expected.hits


def test_a_generation_without_shown_lines_cannot_take_a_single_card_change(index):
    gen = layout.current(index)
    card = orjson.loads((gen.path / CARDS).read_bytes().splitlines()[0])["card"]
    _without_shown(gen.path)
    with pytest.raises(GenerationDamaged):
        update.upsert(index, {**card, "title": card["title"] + " ویژه"})
    assert layout.current_name(index) == gen.name


def test_a_single_card_change_rewrites_both_card_files_line_for_line(index):
    path = layout.current(index).path
    card = orjson.loads((path / CARDS).read_bytes().splitlines()[0])["card"]
    published = update.upsert(index, {**card, "title": card["title"] + " ویژه"})
    lines = (published.path / CARDS).read_bytes().splitlines()
    assert len((published.path / SHOWN).read_bytes().splitlines()) == len(lines)
    engine = Engine(index)
    engine.load()
    assert engine.service(card["id"])["title"].endswith(" ویژه")
    hit = engine.search(SearchRequest(q=card["title"] + " ویژه")).hits[0]
    assert hit.id == card["id"] and "ویژه" in hit.title_html
    assert engine.generation().doc_count == len(lines)


@pytest.mark.parametrize("change", ["upsert", "delete"])
def test_a_single_card_change_writes_the_lines_a_whole_rewrite_would(index, change):
    # The kept lines are copied file to file and the changed card's words looked up in the index
    # one by one: the files must be those of the cards written out with the index's vocabulary.
    from indexer import whoosh_index as windex
    from store import card_files

    parent = layout.current(index).path
    before = card_files.read(parent)
    card = before[1][0]
    if change == "upsert":
        # A compound only the index knows (this card's title writes it), written apart.
        changed = {**card, "title": card["title"] + " زغبکپوه", "description": "نوبت زغبک پوه"}
        published = update.upsert(index, changed)
    else:
        changed, published = None, update.delete(index, card["id"])
    kept = [line for n, line in enumerate(before) if n != 1]
    if changed is not None:
        vocabulary = windex.vocabulary(published.path / layout.WHOOSH)
        kept.append((changed, card_files.card_line(changed), card_files.shown_line(changed, vocabulary)))
    expected = index / "expected"
    expected.mkdir()
    card_files.rewrite(expected, kept)
    for name in (CARDS, SHOWN, FACTS):
        assert (published.path / name).read_bytes() == (expected / name).read_bytes(), name


def test_a_facts_file_a_line_short_is_refused_with_a_clear_error(index):
    gen = layout.current(index)
    (gen.path / FACTS).write_bytes(b"".join((gen.path / FACTS).read_bytes().splitlines(keepends=True)[:-1]))
    with pytest.raises(GenerationDamaged, match=FACTS):
        LoadedGeneration.open(gen.name, gen.path)


def test_a_generation_written_before_facts_jsonl_is_served_as_one_with_it(index, mini_engine):
    # Its cards' facts are made from the cards as the indexer makes them; its next single-card
    # change writes the facts.jsonl a whole build would.
    gen = layout.current(index)
    (gen.path / FACTS).unlink()
    engine = Engine(index)
    loaded, fresh = engine.load(), mini_engine.generation()
    assert loaded.facts == fresh.facts and loaded.named_events == fresh.named_events
    for facet, column in loaded.facets.items():
        assert column.values == fresh.facets[facet].values, facet
        assert column.pair_doc.tolist() == fresh.facets[facet].pair_doc.tolist(), facet
    for q in {c["title"].split()[0] for c in mini_cards()}:
        served, expected = (e.search(SearchRequest(q=q)) for e in (engine, mini_engine))
        assert served.total and (served.hits, served.facets) == (expected.hits, expected.facets), q
    card = loaded.card(0)
    published = update.upsert(index, {**card, "cluster": "خدمات زغبکپوه"})
    from store import card_facts, card_files

    cards = [c for c, _, _ in card_files.read(published.path)]
    assert (published.path / FACTS).read_bytes() == card_facts.lines_of(cards)
    assert orjson.loads((published.path / FACTS).read_bytes().splitlines()[-1])[3] == "خدمات زغبکپوه"


def test_results_still_show_cards_after_their_generation_directory_is_removed(tmp_path, bundled_index):
    # A request keeps its generation while a newer one is published and old ones are pruned.
    index = tmp_path / "index"
    shutil.copytree(bundled_index, index)
    engine = Engine(index)
    engine.load()
    before = engine.search(SearchRequest(q="تمدید گذرنامه"))
    shutil.rmtree(layout.current(index).path)
    after = engine.search(SearchRequest(q="تمدید گذرنامه", page=1))
    marks = [(h.title_html, h.description_html) for h in after.hits]
    assert after.hits and marks == [(h.title_html, h.description_html) for h in before.hits]
    assert "<mark>" in after.hits[0].title_html
