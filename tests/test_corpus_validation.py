"""An invalid corpus is reported as FILE:LINE: field: reason and never touches a serving index."""

import json

from conftest import mini_cards, run_cli, write_jsonl

from indexer.corpus import read_corpus


def test_each_problem_names_file_line_and_field(tmp_path):
    good = mini_cards()[0]
    lines = [
        good,
        {**good, "id": "no spaces allowed"},
        "{not json",
        {"id": "x1", "agency": "a", "cluster": "c"},
        {**good, "id": "x2", "channels": [{"address": "somewhere"}]},
        {**good},  # duplicate id
        {**good, "id": "x3", "audience": ["alien"]},
    ]
    path = write_jsonl(tmp_path / "cards.jsonl", lines)
    problems = [str(p) for p in read_corpus(path).problems]
    assert problems[0].startswith(f"{path}:2: id: ")
    assert problems[1].startswith(f"{path}:3: (line): invalid JSON")
    assert problems[2] == f"{path}:4: title: is required"
    assert problems[3] == f"{path}:5: channels.0.type: is required"
    assert problems[4].startswith(f"{path}:6: id: duplicate id 't-passport-renew', first at {path}:1")
    assert problems[5].startswith(f"{path}:7: audience.0: ")
    assert len(problems) == 6


def test_invalid_utf8_is_reported_not_crashing(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(json.dumps(mini_cards()[0], ensure_ascii=False).encode() + b"\n\xff\xfe{}\n")
    problems = [str(p) for p in read_corpus(path).problems]
    assert problems == [f"{path}:2: (line): not UTF-8 (byte 0)"]


def test_invalid_corpus_leaves_serving_index_untouched(tmp_path, mini_index):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    before = (index / "CURRENT").read_text()
    bad = write_jsonl(tmp_path / "bad.jsonl", [mini_cards()[0], {"id": "broken"}])
    result = run_cli("index", bad, "--index", index)
    assert result.returncode == 1
    assert f"{bad}:2: title: is required" in result.stderr
    assert "nothing was indexed" in result.stderr
    assert (index / "CURRENT").read_text() == before
    assert len(list((index / "generations").iterdir())) == 1


def test_every_card_valid_under_the_shared_schema_is_accepted(tmp_path):
    # The smallest valid card, and one with every optional property and an unknown one.
    minimal = {"id": "m", "title": "ت", "agency": "ا", "cluster": "خ"}
    full = {
        **minimal,
        "id": "f",
        "description": "شرح",
        "parent_agency": "و",
        "audience": ["citizen", "business", "government"],
        "level": "local",
        "life_events": ["تولد"],
        "keywords": ["ک"],
        "documents": ["م"],
        "steps": ["گ"],
        "channels": [{"type": "ussd", "address": "*1#"}, {"type": "kiosk"}],
        "url": "https://example.ir",
        "e_stages": {"information": True, "application": False, "processing": True, "delivery": False},
        "inquiries": ["اس"],
        "fee": "رایگان",
        "duration": "یک روز",
        "legal_basis": ["ق"],
        "popularity": 0,
        "updated_at": "2025-01-31",
        "x_unknown": {"kept": True},
    }
    read = read_corpus(write_jsonl(tmp_path / "ok.jsonl", [minimal, full]))
    assert not read.problems
    assert [c["id"] for c in read.cards] == ["m", "f"]
