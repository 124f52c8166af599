"""The bundled catalogue: valid, unique, realistic in shape, and consistent with its judgments."""

import re
import unicodedata
from collections import Counter

import pytest
from conftest import ROOT

from indexer.corpus import read_corpus
from search.evaluate import load_queries

CORPUS = ROOT / "corpus"
MINIMUM_CATEGORIES = {
    "clean": 30,
    "natural": 45,
    "orthography": 45,
    "synonym": 35,
    "typo": 35,
    "morphology": 25,
    "agency": 20,
    "finglish": 20,
    "layout": 15,
    "nonsense": 15,
}


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(CORPUS)


def test_every_card_is_valid_and_ids_are_unique(corpus):
    assert corpus.problems == []
    ids = [c["id"] for c in corpus.cards]
    assert len(ids) == len(set(ids))


def test_catalogue_has_the_shape_of_a_national_portal(corpus):
    cards = corpus.cards
    assert len(cards) >= 600
    assert len({c["agency"] for c in cards}) >= 60
    assert len({c["cluster"] for c in cards}) >= 15
    for c in cards:
        assert len(c.get("description", "").split()) >= 40, c["id"]
        for field in ("documents", "steps", "channels", "e_stages", "audience", "level", "keywords", "popularity"):
            assert c.get(field) not in (None, [], {}), (c["id"], field)


def test_text_is_nfc(corpus):
    for path in sorted((CORPUS / "services").glob("*.jsonl")) + [
        CORPUS / "synonyms.tsv",
        CORPUS / "judgments" / "queries.tsv",
    ]:
        text = path.read_text("utf-8")
        assert unicodedata.normalize("NFC", text) == text, path


def test_some_cards_are_written_the_messy_way(corpus):
    # About 15% of agency texts come without half-spaces or with Arabic letters; the engine must
    # cope with both, so the catalogue holds both.
    def messy(card):
        text = card["title"] + " " + card.get("description", "")
        return bool(re.search("[يك]", text)) or ("\u200c" not in text and re.search(r"\bمی(?:شود|گیرد|کند)|ها\b", text))

    share = sum(1 for c in corpus.cards if messy(c)) / len(corpus.cards)
    assert 0.10 <= share <= 0.25, share


def test_judged_queries(corpus):
    queries = load_queries(CORPUS / "judgments" / "queries.tsv")
    ids = {c["id"] for c in corpus.cards}
    assert len(queries) >= 300
    assert len({q.qid for q in queries}) == len(queries)
    counts = Counter(q.category for q in queries)
    for category, minimum in MINIMUM_CATEGORIES.items():
        assert counts[category] >= minimum, category
    for q in queries:
        assert set(q.grades) <= ids, (q.qid, set(q.grades) - ids)
        assert all(g in (1, 2) for g in q.grades.values()), q.qid
        assert bool(q.grades) == (q.category != "nonsense"), q.qid


def test_synonym_groups_parse():
    from search.synonyms import Synonyms

    text = (CORPUS / "synonyms.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all("\t" in line for line in lines)
    assert len(Synonyms("\n".join(lines))) >= 2 * len(lines) * 0.8


def test_best_bets_name_real_services(corpus):
    from search.best_bets import BestBets

    ids = {c["id"] for c in corpus.cards}
    bets = BestBets((CORPUS / "best_bets.tsv").read_text("utf-8"))
    assert len(bets) >= 5
    assert all(set(pinned) <= ids for pinned in bets.pins.values())
