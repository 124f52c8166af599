"""The bundled catalogue at the portal's scale (issue 20): size, one contract, stable ids, messy
writing as agencies really write, and every electronic service either linked or reported as missing its link."""

import json
import re

import fastjsonschema
import pytest
from conftest import ROOT

from corpus.links import read_links, with_url
from indexer.corpus import read_corpus

CORPUS = ROOT / "corpus"
PUBLISHED_IDS = CORPUS / "ids-published.txt"
MISSING_LINKS = CORPUS / "missing-links.tsv"

# A card is written "the messy way" when its title or description holds an Arabic ي or ك, or a
# common word typed without its half-space: the verb prefix می detached by a space or glued on
# (می شود, میشود) or a plural ending ها/های/هایی detached by a space (دوره های).
ARABIC_LETTERS = re.compile("[يك]")
COMMON_VERBS = "شود|شوند|کند|کنند|گیرد|گیرند|توان|توانند|باشد|دهد|دهند|رود|آید"
WITHOUT_HALF_SPACE = re.compile(rf"(?<![\w\u200c])می ?(?:{COMMON_VERBS})(?!\w)|\w (?:ها|های|هایی)(?!\w)")


def is_messy(card: dict) -> bool:
    text = card["title"] + " " + card.get("description", "")
    return bool(ARABIC_LETTERS.search(text) or WITHOUT_HALF_SPACE.search(text))


def applies_online(card: dict) -> bool:
    return bool((card.get("e_stages") or {}).get("application"))


@pytest.fixture(scope="module")
def cards():
    corpus = read_corpus(CORPUS)
    assert corpus.problems == []
    return corpus.cards


def test_the_catalogue_has_the_portals_scale(cards):
    assert len(cards) >= 850
    assert len({c["agency"] for c in cards}) >= 102


def test_every_card_is_valid_under_the_shared_schema(cards):
    validate = fastjsonschema.compile(json.loads((CORPUS / "service-card.schema.json").read_text("utf-8")))
    for card in cards:
        validate(card)


def test_no_published_id_ever_disappears(cards):
    published = PUBLISHED_IDS.read_text("utf-8").split()
    assert len(published) == len(set(published))
    present = {c["id"] for c in cards}
    assert [i for i in published if i not in present] == []
    # a new card is published too, so that a later removal is caught
    assert sorted(present - set(published)) == []


def test_the_messy_rule_recognises_the_ways_agencies_write():
    assert is_messy({"title": "صدور كارت", "description": ""})
    assert is_messy({"title": "ثبت", "description": "درخواست ثبت می شود"})
    assert is_messy({"title": "ثبت", "description": "درخواست ثبت میشود"})
    assert is_messy({"title": "دوره های آموزشی", "description": ""})
    assert not is_messy({"title": "دوره‌های آموزشی", "description": "درخواست ثبت می‌شود و نمی‌شود"})


def test_a_share_of_cards_is_written_the_messy_way(cards):
    share = sum(1 for c in cards if is_messy(c)) / len(cards)
    assert 0.10 <= share <= 0.25, share


def test_every_electronic_application_is_linked_or_reported_missing(cards):
    rows = [line.split("\t") for line in MISSING_LINKS.read_text("utf-8").splitlines()[1:] if line]
    assert all(len(row) == 3 for row in rows)
    listed = {row[0] for row in rows}
    unlinked = {c["id"] for c in cards if applies_online(c) and not c.get("url", "").strip()}
    assert sorted(unlinked - listed) == []
    # the report stays exact: a card that got its link (or went offline) leaves it
    assert sorted(listed - unlinked) == []


def test_links_are_https_addresses(cards):
    for card in cards:
        if "url" in card:
            assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}(/[\w./-]*)?", card["url"]), card["id"]


def test_the_missing_links_report_names_each_card_as_the_catalogue_does(cards):
    by_id = {c["id"]: c for c in cards}
    for line in MISSING_LINKS.read_text("utf-8").splitlines()[1:]:
        card_id, agency, title = line.split("\t")
        assert (agency, title) == (by_id[card_id]["agency"], by_id[card_id]["title"]), card_id


def test_every_reviewed_link_is_on_its_card(cards):
    # links.tsv records the links added to published cards; a merge that rewrites their lines
    # must be followed by `python -m corpus.links`, or this fails
    by_id = {c["id"]: c for c in cards}
    for card_id, url in read_links().items():
        assert by_id[card_id].get("url") == url, card_id


def test_a_link_goes_after_the_channels_and_names_an_unnamed_web_channel():
    card = {"id": "x", "channels": [{"type": "web"}, {"type": "phone", "address": "137"}], "e_stages": {}}
    linked = with_url(card, "https://example.ir")
    assert list(linked) == ["id", "channels", "url", "e_stages"]
    assert linked["channels"] == [{"type": "web", "address": "https://example.ir"}, {"type": "phone", "address": "137"}]
