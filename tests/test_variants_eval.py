"""The spelling-variant judgments (corpus/judgments/variants.tsv) and how `make eval` measures them:
the file is well formed and every base finds something on the bundled catalogue; the measurement
counts an engine's answers right, whatever the engine."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

import orjson
import pytest

from search import evaluate
from search import variants_eval as ve

ROWS = ve.load_variants()


def test_the_file_is_nfc_and_every_row_is_well_formed_and_distinct():
    # load_variants refuses a malformed row; here: both kinds present, no row twice, text as Persian is stored
    assert unicodedata.is_normalized("NFC", ve.DEFAULT_PATH.read_text("utf-8"))
    assert {r.kind for r in ROWS} == set(ve.KINDS)
    assert len({(r.kind, r.query, r.base) for r in ROWS}) == len(ROWS)


def test_every_base_query_finds_something_on_the_bundled_catalogue(bundled_engine):
    search = ve.engine_search(bundled_engine)
    assert sorted({r.base for r in ROWS if not search(r.base)}) == []


def test_the_bases_lead_to_many_agencies_not_a_few(bundled_engine):
    agency = {c["id"]: c["agency"] for c in bundled_engine.generation().cards()}
    search = ve.engine_search(bundled_engine)
    agencies = {agency[search(b)[0]] for b in {r.base for r in ROWS}}
    assert len(agencies) >= 40, sorted(agencies)


GOOD = "kind\tquery\tbase\tnote\n# a comment\n\nsame\tگذرنامع\tگذرنامه\ttypo: neighbouring key\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("same\tگذرنامع\tگذرنامه", "3 tab-separated cells"),
        ("alike\tارث\tارز\tone_letter", "kind 'alike'"),
        ("same\t\tگذرنامه\ttypo", "empty query"),
        ("apart\tارز\tارز\tone_letter", "its own base"),
        ("same\tگذرنامع\tگذرنامه\tneighbouring key", "start with the variant's kind"),
    ],
)
def test_a_malformed_row_is_refused_naming_its_line(line, message):
    assert len(ve.parse_variants(GOOD)) == 1
    with pytest.raises(ve.VariantFileError, match=rf"^line 5: .*{re.escape(message)}"):
        ve.parse_variants(GOOD + line + "\n")


FAKE_ROWS = ve.parse_variants(
    "kind\tquery\tbase\tnote\n"
    "same\tgozarname\tگذرنامه\tfinglish\n"
    "same\tگزرنامه\tگذرنامه\thomophone: ze for zal\n"
    "same\tگذرنامع\tگذرنامه\ttypo\n"
    "same\tگذرنامه‌ها\tگذرنامه\tplural: -ha\n"
    "apart\tارث\tارز\tone_letter\n"
    "apart\tکتابخانه\tکتاب\tcompound\n"
    "apart\tطلا\tطلاق\tone_letter\n"
)
FAKE_ANSWERS = {
    "گذرنامه": ["passport", "visa"],
    "gozarname": ["passport"],  # the base's service first
    "گزرنامه": ["visa", "passport"],  # second: only the softer measure holds
    "گذرنامع": [],  # nothing
    "گذرنامه‌ها": ["visa", "exit", "bail", "passport"],  # fourth: neither holds
    "ارز": ["currency"],
    "ارث": ["inheritance"],  # kept apart
    "کتاب": ["isbn"],
    "کتابخانه": ["isbn", "library"],  # conflated
    "طلاق": ["divorce"],
    "طلا": [],  # apart, but the citizen sees nothing
}


def test_the_measurement_counts_a_faulty_engines_answers_per_row_and_kind():
    asked = Counter()

    def search(q):
        asked[q] += 1
        return FAKE_ANSWERS[q]

    scores = ve.measure(FAKE_ROWS, search)
    assert (scores.same_top1, scores.same_top3, scores.apart_kept) == (1 / 4, 2 / 4, 1 / 3)
    assert scores.failures("same") == Counter({"homophone": 1, "typo": 1, "plural": 1})
    assert scores.failures("apart") == Counter({"compound": 1, "one_letter": 1})
    assert {o.row.query: o.reason for o in scores.outcomes if not o.passed} == {
        "گزرنامه": "another service first",
        "گذرنامع": "nothing found",
        "گذرنامه‌ها": "another service first",
        "کتابخانه": "same service first",
        "طلا": "nothing found",
    }
    assert set(asked.values()) == {1}  # the base shared by four rows is asked once


def test_an_engine_deaf_to_the_query_keeps_every_variant_and_conflates_every_pair():
    scores = ve.measure(ROWS, lambda q: ["the-same-card", "another"])
    assert (scores.same_top1, scores.same_top3, scores.apart_kept) == (1.0, 1.0, 0.0)
    assert sum(scores.failures("apart").values()) == len(scores.of("apart"))


def test_an_engine_that_finds_nothing_passes_nothing():
    scores = ve.measure(ROWS, lambda q: [])
    assert (scores.same_top1, scores.same_top3, scores.apart_kept) == (0.0, 0.0, 0.0)
    assert {o.reason for o in scores.outcomes} == {"nothing found"}


def test_the_section_names_where_each_engine_fails():
    scores = {
        "dargah": ve.measure(FAKE_ROWS, lambda q: FAKE_ANSWERS[q]),
        "baseline": ve.measure(FAKE_ROWS, lambda q: []),
    }
    out = io.StringIO()
    ve.write_section(out, scores)
    text = out.getvalue()
    assert re.search(r"same: top hit kept\s+0\.250\s+0\.000", text)
    assert re.search(r"apart: kept apart\s+0\.333\s+0\.000", text)
    assert re.search(r"same typo\s+1\s+1\s+1", text)
    assert re.search(r"apart one_letter\s+2\s+1\s+2", text)
    assert "same, no dargah failure: finglish 1" in text


def test_make_eval_prints_the_section_and_writes_it_to_json(bundled_index, tmp_path, capsys):
    queries = tmp_path / "queries.tsv"
    queries.write_text("qid\tcategory\tquery\trelevant\nq1\tclean\tتمدید گذرنامه\tpassport-renewal:2\n", "utf-8")
    variants = tmp_path / "variants.tsv"
    variants.write_text(
        "kind\tquery\tbase\tnote\nsame\tتمديد گذرنامه\tتمدید گذرنامه\tarabic\napart\tارث\tارز\tone_letter\n", "utf-8"
    )
    numbers = tmp_path / "eval.json"
    args = ["--index", str(bundled_index), "--queries", str(queries), "--no-ablations", "--json", str(numbers)]

    assert evaluate.main([*args, "--variants", str(variants)]) == 0
    assert "spelling and inflection variants (1 same, 1 apart)" in capsys.readouterr().out
    measured = orjson.loads(numbers.read_bytes())["variants"]
    assert set(measured) == {"dargah", "baseline"}
    assert (measured["dargah"]["same_n"], measured["dargah"]["apart_n"]) == (1, 1)

    assert evaluate.main([*args, "--variants", ""]) == 0
    assert "spelling and inflection variants" not in capsys.readouterr().out
    assert orjson.loads(numbers.read_bytes())["variants"] == {}
