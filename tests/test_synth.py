"""The synthetic-card generator for scale runs (corpus/synth.py): deterministic, valid, marked as
synthetic, realistic in shape, and never written into the bundled catalogue."""

import json
import os
import re
import statistics
import subprocess
import sys
import unicodedata

import pytest
from conftest import ROOT

from corpus import synth
from indexer.corpus import read_corpus, validate_card

N = 300


@pytest.fixture(scope="module")
def lines():
    return [synth.dumps(card) for card in synth.generate(N, seed=7)]


@pytest.fixture(scope="module")
def real():
    return read_corpus(ROOT / "corpus").cards


@pytest.fixture(scope="module")
def cards(lines):
    return [json.loads(line) for line in lines]


def test_same_seed_same_cards_and_prefix_stable(lines):
    assert [synth.dumps(c) for c in synth.generate(N, seed=7)] == lines
    # card k does not depend on N: a 10k run is a prefix of a 50k run
    assert [synth.dumps(c) for c in synth.generate(50, seed=7)] == lines[:50]
    assert [synth.dumps(c) for c in synth.generate(50, seed=8)] != lines[:50]


def test_command_line_writes_the_same_bytes_whatever_the_hash_seed(lines):
    # This process runs with a random hash seed, the command with a fixed one (and an ASCII
    # locale): set iteration order or the locale must not leak into the output.
    env = dict(os.environ, PYTHONHASHSEED="1", LC_ALL="C", PYTHONIOENCODING="ascii")
    run = subprocess.run(
        [sys.executable, "-m", "corpus.synth", "100", "--seed", "7"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert run.stdout == ("\n".join(lines[:100]) + "\n").encode("utf-8")


def test_every_card_is_valid_and_marked_synthetic(cards, lines):
    assert len(cards) == N
    for card in cards:
        assert validate_card(card) is None, (card["id"], validate_card(card))
        assert card["synthetic"] is True
        assert synth.SYNTHETIC_NOTE in card["description"]
    ids = [c["id"] for c in cards]
    assert len(set(ids)) == N
    assert all(re.fullmatch(r"synth-\d{6}", i) for i in ids)
    assert ids[:2] == ["synth-000001", "synth-000002"]
    for line in lines:
        assert "\n" not in line and "\\u" not in line  # one line each, non-ASCII left as is
        assert unicodedata.is_normalized("NFC", line)


def test_titles_are_not_real_service_titles(cards, real):
    assert not {c["title"] for c in real} & {c["title"] for c in cards}


def test_fields_have_realistic_lengths(cards):
    def words(text):
        return len(text.split())

    for c in cards:
        assert 3 <= words(c["title"]) <= 8, c["title"]
        assert 40 <= words(c["description"]) <= 120, c["id"]
        assert 2 <= len(c["documents"]) <= 6
        assert 3 <= len(c["steps"]) <= 7
        assert 3 <= len(c["keywords"]) <= 8
        for field in ("documents", "steps", "keywords"):
            assert len(set(c[field])) == len(c[field]), (c["id"], field)
        assert 1 <= len(c["channels"]) <= 3
        assert len({ch["type"] for ch in c["channels"]}) == len(c["channels"])
        assert c["audience"] and c["level"] in ("national", "provincial", "local")
        assert set(c["e_stages"]) <= {"information", "application", "processing", "delivery"}
        assert isinstance(c["popularity"], int) and c["popularity"] >= 0
    assert 60 <= statistics.median(words(c["description"]) for c in cards) <= 100
    assert statistics.median(words(c["title"]) for c in cards) >= 5
    # every length in the range turns up, not one fixed size
    assert {len(c["steps"]) for c in cards} == set(range(3, 8))
    assert {len(c["documents"]) for c in cards} == set(range(2, 7))


def test_popularity_is_heavy_tailed(cards):
    popularity = sorted(c["popularity"] for c in cards)
    median = statistics.median(popularity)
    assert popularity[-1] > 20 * median
    assert popularity[0] < median / 10


def test_agencies_clusters_and_orthography_look_like_the_catalogue(cards, real):
    assert {c["cluster"] for c in cards} <= {c["cluster"] for c in real}
    assert len({c["cluster"] for c in cards}) >= 20
    provincial = [c for c in cards if " استان " in c["agency"]]
    assert 0.1 <= len(provincial) / N <= 0.35
    for c in provincial:
        assert c["parent_agency"] in synth.PROVINCIAL_OFFICES
        assert c["agency"].split(" استان ", 1)[1] in synth.PROVINCES
    assert len({c["agency"] for c in cards}) >= 100
    # the agency universe: the real ones plus provincial offices, a few hundred in all
    agencies = synth.vocabulary().agencies
    assert len(set(agencies)) == len(agencies)
    assert 300 <= len(agencies) <= 800
    # about 15% messy: Arabic ي/ك (most of them) or a missing ZWNJ
    arabic = [c for c in cards if re.search("[يك]", c["title"] + c["description"])]
    assert 0.04 <= len(arabic) / N <= 0.2


def test_refuses_to_write_into_a_catalogue_folder(tmp_path):
    (tmp_path / "services").mkdir()
    bundled = tmp_path / "services" / "x.jsonl"
    other = tmp_path / "elsewhere.txt"
    with bundled.open("w") as f:
        assert synth.catalogue_target(f.fileno(), tmp_path) == bundled
    with other.open("w") as f:
        assert synth.catalogue_target(f.fileno(), tmp_path) is None
