"""The national e-readiness report: exact figures from a small catalogue whose answers were worked
out by hand, the card-quality rules, the agencies recognised in inquiries, the API (JSON and CSV),
the command line, and the history (surviving pruning, reflecting a card change on every worker).

The catalogue (five agencies, nine services):

    agency (parent)                         card  stages (i a p d)  fails                      inquiries name
    A سازمان ثبت احوال کشور (none)            a1    1 1 1 1           -
                                            a2    1 0 0 0           no_documents
    B پلیس مهاجرت و گذرنامه فراجا (P)         b1    1 1 0 0           no_url                     A and D (one line)
                                            b2    no e_stages       stale, short_description
    C پلیس راهنمایی و رانندگی فراجا (P)        c1    1 1 1 0           stale (no updated_at)      C itself (راهور), A
                                            c2    1 1 1 1           no_channels
    D قوه قضاییه (none)                      d1    1 0 1 0           -
    E سازمان امور مالیاتی کشور (M)            e1    1 1 0 1           no_steps                   none known
                                            e2    0 1 0 0           -                          D

P = فرماندهی انتظامی جمهوری اسلامی ایران, M = وزارت امور اقتصادی و دارایی.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import time

import pytest
from conftest import build_index, run_cli, write_jsonl

from api.app import create_app
from store import card_facts, layout, report, report_history

GENERATION = "000001-20261204T120000Z"  # published 4 December 2026
FRESH, OLD = "2026-06-01", "2019-01-01"
A, B, C, D, E = (
    "سازمان ثبت احوال کشور",
    "پلیس مهاجرت و گذرنامه فراجا",
    "پلیس راهنمایی و رانندگی فراجا",
    "قوه قضاییه",
    "سازمان امور مالیاتی کشور",
)
P, M = "فرماندهی انتظامی جمهوری اسلامی ایران", "وزارت امور اقتصادی و دارایی"
DESCRIPTION = "این خدمت برای شهروندان در سراسر کشور به صورت کامل ارائه می‌شود."


def card(id, agency, cluster, stages, parent=None, **fields):
    c = {
        "id": id,
        "title": f"خدمت {id}",
        "agency": agency,
        "cluster": cluster,
        "description": DESCRIPTION,
        "documents": ["کارت ملی"],
        "steps": ["ثبت درخواست"],
        "channels": [{"type": "web"}],
        "updated_at": FRESH,
    }
    if stages is not None:
        c["e_stages"] = dict(zip(report.STAGES, map(bool, stages), strict=True))
        if stages[1]:
            c["url"] = "https://example.ir/" + id
    if parent:
        c["parent_agency"] = parent
    for k, v in fields.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


CARDS = [
    card("a1", A, "هویت", (1, 1, 1, 1)),
    card("a2", A, "هویت", (1, 0, 0, 0), documents=None),
    card(
        "b1",
        B,
        "سفر",
        (1, 1, 0, 0),
        P,
        url=None,
        inquiries=["استعلام هویت از ثبت احوال و استعلام سوءپیشینه از قوه قضاییه"],
    ),
    card("b2", B, "سفر", None, P, updated_at=OLD, description="صدور مجوز سفر"),
    card(
        "c1",
        C,
        "رانندگی",
        (1, 1, 1, 0),
        P,
        updated_at=None,
        inquiries=["استعلام خلافی از سامانه پلیس راهور", "استعلام هویت از سازمان ثبت احوال کشور"],
    ),
    card("c2", C, "رانندگی", (1, 1, 1, 1), P, channels=None),
    card("d1", D, "قضایی", (1, 0, 1, 0)),
    card("e1", E, "مالیات", (1, 1, 0, 1), M, steps=None, inquiries=["استعلام کد پستی از شرکت ملی پست"]),
    card("e2", E, "مالیات", (0, 1, 0, 0), M, inquiries=["استعلام سوابق از قوه قضاییه"]),
]


def stages(i, a, p, d):
    return {"information": i, "application": a, "processing": p, "delivery": d}


def row(value, rank, count, e, st, full, info_only, complete, **extra):
    return {
        "value": value,
        "rank": rank,
        "count": count,
        "e_readiness": e,
        "stages": st,
        "fully_electronic": full,
        "information_only": info_only,
        "complete_share": complete,
        **extra,
    }


@pytest.fixture(scope="module")
def built():
    return report.build(CARDS, GENERATION)


def test_national_figures(built):
    n = built.national
    assert (n["generation"], n["published_at"]) == (GENERATION, "2026-12-04T12:00:00Z")
    assert (n["services"], n["agencies"], n["parents"], n["clusters"]) == (9, 5, 4, 5)
    assert n["e_readiness"] == 0.5556  # 5 electronic quarters... 5.0 / 9
    assert n["stages"] == stages(0.7778, 0.6667, 0.4444, 0.3333)
    assert (n["fully_electronic"], n["information_only"], n["complete_share"]) == (0.2222, 0.1111, 0.3333)
    assert n["distribution"] == [
        {"e_readiness": 0.0, "count": 1},
        {"e_readiness": 0.25, "count": 2},
        {"e_readiness": 0.5, "count": 2},
        {"e_readiness": 0.75, "count": 2},
        {"e_readiness": 1.0, "count": 2},
    ]


def test_agencies_ministries_and_clusters_ranked_with_ties(built):
    n = built.national
    assert n["by_agency"] == [
        row(C, 1, 2, 0.875, stages(1.0, 1.0, 1.0, 0.5), 0.5, 0.0, 0.0, parent=P),
        row(A, 2, 2, 0.625, stages(1.0, 0.5, 0.5, 0.5), 0.5, 0.5, 0.5, parent=None),
        # A tie: both rank 3, the one with more services listed first, and the next rank is 5.
        row(E, 3, 2, 0.5, stages(0.5, 1.0, 0.0, 0.5), 0.0, 0.0, 0.5, parent=M),
        row(D, 3, 1, 0.5, stages(1.0, 0.0, 1.0, 0.0), 0.0, 0.0, 1.0, parent=None),
        row(B, 5, 2, 0.25, stages(0.5, 0.5, 0.0, 0.0), 0.0, 0.0, 0.0, parent=P),
    ]
    # Agencies without a parent stand alone; P groups B and C.
    assert n["by_parent"] == [
        row(A, 1, 2, 0.625, stages(1.0, 0.5, 0.5, 0.5), 0.5, 0.5, 0.5, agencies=1),
        row(P, 2, 4, 0.5625, stages(0.75, 0.75, 0.5, 0.25), 0.25, 0.0, 0.0, agencies=2),
        row(M, 3, 2, 0.5, stages(0.5, 1.0, 0.0, 0.5), 0.0, 0.0, 0.5, agencies=1),
        row(D, 3, 1, 0.5, stages(1.0, 0.0, 1.0, 0.0), 0.0, 0.0, 1.0, agencies=1),
    ]
    assert [(r["value"], r["rank"], r["count"], r["e_readiness"]) for r in n["by_cluster"]] == [
        ("رانندگی", 1, 2, 0.875),
        ("هویت", 2, 2, 0.625),
        ("مالیات", 3, 2, 0.5),
        ("قضایی", 3, 1, 0.5),
        ("سفر", 5, 2, 0.25),
    ]


def test_the_ranking_is_the_one_agencies_always_had(built):
    from search import catalogue

    ranking = catalogue.agencies((c["agency"], card_facts.e_readiness(c)) for c in CARDS)
    assert [(r["value"], r["rank"], r["count"], r["e_readiness"]) for r in built.national["by_agency"]] == [
        (r["value"], r["rank"], r["count"], r["e_readiness"]) for r in ranking
    ]


def test_card_quality_per_agency(built):
    assert {name: page["checks"] for name, page in built.agencies.items()} == {
        A: {**empty_checks(), "no_documents": ["a2"]},
        B: {**empty_checks(), "no_url": ["b1"], "stale": ["b2"], "short_description": ["b2"]},
        C: {**empty_checks(), "stale": ["c1"], "no_channels": ["c2"]},
        D: empty_checks(),
        E: {**empty_checks(), "no_steps": ["e1"]},
    }
    # The cards to fix come first, each with its stages and what it fails.
    b_cards = built.agencies[B]["cards"]
    assert [(c["id"], c["failed"], c["e_readiness"]) for c in b_cards] == [
        ("b2", ["stale", "short_description"], 0.0),
        ("b1", ["no_url"], 0.5),
    ]
    assert b_cards[0]["stages"] == stages(False, False, False, False)
    checks = {c["check"]: c["failing"] for c in built.national["quality"]["checks"]}
    assert checks == {
        "no_url": 1,
        "no_documents": 1,
        "no_steps": 1,
        "no_channels": 1,
        "stale": 2,
        "short_description": 1,
    }
    assert all(c["rule"] for c in built.national["quality"]["checks"])


def empty_checks():
    return {name: [] for name in report.CHECKS}


def test_stale_means_more_than_a_year_before_publication():
    as_of = report.published_at(GENERATION).date()
    assert "stale" not in report.failed_checks({"updated_at": "2025-12-04"}, as_of)
    assert "stale" in report.failed_checks({"updated_at": "2025-12-03"}, as_of)
    assert "stale" in report.failed_checks({"updated_at": "not a date"}, as_of)
    leap = report.published_at("000001-20280229T000000Z").date()
    assert "stale" not in report.failed_checks({"updated_at": "2027-02-28"}, leap)


def test_inquiries_between_agencies(built):
    n = built.national["inquiries"]
    assert (n["lines"], n["unrecognised"], n["services"], n["electronic_services"]) == (5, 1, 3, 3)
    assert n["most_asked"] == [
        {"agency": A, "services": 2, "agencies": 2, "electronic_services": 2},
        {"agency": D, "services": 2, "agencies": 2, "electronic_services": 2},
    ]
    # One line naming two agencies (A by its short name); C asking itself is not inter-agency.
    b1 = next(c for c in built.agencies[B]["cards"] if c["id"] == "b1")
    assert b1["depends_on"] == [A, D]
    assert built.agencies[B]["inquiries"]["depends_on"] == [
        {"agency": A, "services": ["b1"]},
        {"agency": D, "services": ["b1"]},
    ]
    assert built.agencies[C]["inquiries"]["depends_on"] == [{"agency": A, "services": ["c1"]}]
    assert built.agencies[A]["inquiries"]["asked_by"] == {
        "services": 2,
        "agencies": [{"agency": C, "services": 1}, {"agency": B, "services": 1}],
    }
    assert built.agencies[E]["inquiries"]["depends_on"] == [{"agency": D, "services": ["e2"]}]


def test_agency_names_short_and_overlapping():
    names = report.AgencyNames(
        ["سازمان تأمین اجتماعی", "سازمان تأمین اجتماعی نیروهای مسلح", "وزارت علوم، تحقیقات و فناوری", "وزارت کشور"]
    )
    assert names.find("استعلام از سازمان تأمین اجتماعی نیروهای مسلح") == ["سازمان تأمین اجتماعی نیروهای مسلح"]
    assert names.find("استعلام از تامين اجتماعي") == ["سازمان تأمین اجتماعی"]  # Arabic letters, short name
    assert names.find("استعلام مدرک از وزارت علوم") == ["وزارت علوم، تحقیقات و فناوری"]
    assert names.find("استعلام از وزارت") == []  # one generic word names nobody


# -- the API, the CSV and the command line ----------------------------------------------------------


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    index = folder / "index"
    build_index(write_jsonl(folder / "cards.jsonl", CARDS), index)
    return index


@pytest.fixture
async def client(aiohttp_client, index):
    return await aiohttp_client(create_app(index))


async def test_report_route_matches_the_figures(client, index):
    body = await (await client.get("/api/v1/report")).json()
    expected = report.build(CARDS, layout.current_name(index)).national
    assert body == json.loads(json.dumps(expected))
    for c in CARDS:  # each service's e-readiness exactly as /api/v1/services/{id} reports it
        service = await (await client.get(f"/api/v1/services/{c['id']}")).json()
        card_page = (await (await client.get(f"/api/v1/report/agencies/{c['agency']}")).json())["cards"]
        assert next(x for x in card_page if x["id"] == c["id"])["e_readiness"] == service["e_readiness"]


async def test_agency_route_and_404(client):
    r = await client.get(f"/api/v1/report/agencies/{B}")
    assert r.status == 200 and r.headers["ETag"]
    page = await r.json()
    assert page["agency"] == B and page["parent"] == P
    assert page["figures"]["e_readiness"] == 0.25 and page["figures"]["rank"] == 5
    assert page["checks"]["no_url"] == ["b1"]
    assert [p["e_readiness"] for p in page["history"]] == [0.25]
    r = await client.get("/api/v1/report/agencies/دستگاهی که نیست")
    assert r.status == 404 and r.content_type == "application/problem+json"


async def test_history_route_parameters(client, index):
    body = await (await client.get("/api/v1/report/history", params={"parent": P})).json()
    assert body["parent"] == P and [p["e_readiness"] for p in body["series"]] == [0.5625]
    national = await (await client.get("/api/v1/report/history")).json()
    assert national["series"][-1]["generation"] == layout.current_name(index)
    both = await (await client.get("/api/v1/report/history", params={"agency": A, "parent": P})).json()
    assert (both["agency"], both["parent"], both["series"][0]["e_readiness"]) == (A, None, 0.625)


async def test_csv_has_a_bom_a_header_and_a_row_per_agency(client):
    r = await client.get("/api/v1/report.csv", params={"by": "agency"})
    assert r.status == 200 and r.content_type == "text/csv" and r.charset == "utf-8"
    raw = await r.read()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "agency",
        "parent",
        "rank",
        "count",
        "e_readiness",
        "information",
        "application",
        "processing",
        "delivery",
        "fully_electronic",
        "information_only",
        "complete_share",
    ]
    assert [r[0] for r in rows[1:]] == [C, A, E, D, B]
    assert rows[2] == [A, "", "2", "2", "0.625", "1.0", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5"]
    parents = list(
        csv.reader(io.StringIO((await (await client.get("/api/v1/report.csv?by=parent")).read()).decode("utf-8-sig")))
    )
    assert parents[0][0] == "parent" and [r[0] for r in parents[1:]] == [A, P, M, D]
    assert (await client.get("/api/v1/report.csv", params={"by": "ministry"})).status == 400


def test_cli_report(index):
    table = run_cli("report", "--index", index)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert "9 services, 5 agencies" in table.stdout and "e-readiness 55.6%" in table.stdout
    ranked = [line for line in lines if line.rstrip().endswith((A, B, C, D, E))]
    assert [line.split()[0] for line in ranked] == ["1", "2", "3", "3", "5"]
    assert ranked[0].endswith(C) and "87.5%" in ranked[0]

    as_csv = run_cli("report", "--index", index, "--by", "cluster", "--format", "csv")
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("\ufeffcluster,rank,count")
    assert len(as_csv.stdout.strip().splitlines()) == 1 + 5

    as_json = json.loads(run_cli("report", "--index", index, "--format", "json").stdout)
    assert as_json == json.loads(json.dumps(report.build(CARDS, layout.current_name(index)).national))

    missing = run_cli("report", "--index", index.parent / "nowhere")
    assert missing.returncode == 1 and "no index" in missing.stderr
    assert run_cli("report", "--index", index, "--by", "ministry").returncode == 2


# -- the history ----------------------------------------------------------------------------------


def test_history_survives_pruning(tmp_path, index):
    root = tmp_path / "index"
    shutil.copytree(index, root)
    corpus = write_jsonl(tmp_path / "cards.jsonl", CARDS)
    # Three more publications, each with one more of B's cards made fully electronic...
    for n in range(3):
        changed = [c if c["id"] != "b2" else {**c, "e_stages": dict.fromkeys(report.STAGES, n == 2)} for c in CARDS]
        assert run_cli("index", write_jsonl(corpus, changed), "--index", root).returncode == 0
    # ... then a single-card change through the indexer, the way the admin API makes one.
    from indexer import update

    update.upsert(root, {**CARDS[0], "e_stages": dict.fromkeys(report.STAGES, False)})
    names = [g.name for g in layout.list_generations(root)]
    layout.prune(root, keep=2, grace=0)
    assert [g.name for g in layout.list_generations(root)] == names[-2:]

    entries = report_history.read(root)
    assert [e["generation"] for e in entries] == names  # every publication, pruned ones included
    assert [e["agencies"][B]["e_readiness"] for e in entries] == [0.25, 0.25, 0.25, 0.75, 0.75]
    assert [e["agencies"][A]["e_readiness"] for e in entries] == [0.625] * 4 + [0.125]
    published = [e["published_at"] for e in entries]
    assert published == sorted(published)


def test_the_history_entry_is_the_full_reports_summary(bundled_index):
    # The history's entry is computed on its own (at every publication): it must say what the
    # report the server shows says.
    from store.card_files import CardStore

    bundled = list(CardStore(layout.current(bundled_index).path).cards())
    for cards, generation in ((CARDS, GENERATION), (bundled, "000007-20271231T235959Z")):
        expected = report.build(cards, generation).summary()
        assert json.dumps(report.summary(cards, generation)) == json.dumps(expected)


def test_the_report_read_from_the_card_file_twice_is_the_report_of_the_cards_listed(bundled_index):
    # A worker builds the report reading the card file once for the agencies' names and once for
    # the rest, never holding every card; a one-shot iterator of cards is still read whole.
    from store.card_files import CardStore, EveryCard

    store = CardStore(layout.current(bundled_index).path)
    listed = report.build(list(store.cards()), "000007-20271231T235959Z")
    assert listed.national["inquiries"]["lines"] > 0  # the names the first reading gives are used
    for cards in (EveryCard(store), store.cards()):
        assert report.build(cards, "000007-20271231T235959Z") == listed


def test_a_card_change_answered_before_its_history_line_still_records_it_in_order(tmp_path, index):
    # The admin API answers a card change once it is published; the line follows under the lock,
    # so the next write waits for it and the lines stay in publication order.
    from indexer import update

    root = tmp_path / "index"
    shutil.copytree(index, root)
    first = update.upsert(root, {**CARDS[0], "title": "نخست"}, history_after_return=True)
    second = update.upsert(root, {**CARDS[0], "title": "دوم"}, history_after_return=True)
    deadline = time.monotonic() + 10
    while report_history.read(root)[-1]["generation"] != second.name:
        assert time.monotonic() < deadline, "the second change's line was never written"
        time.sleep(0.02)
    assert [e["generation"] for e in report_history.read(root)][-2:] == [first.name, second.name]
    lock = layout.try_lock(root, "upsert", wait=2.0)  # released once the line is written
    assert lock is not None
    layout.release(lock)


def test_a_torn_last_line_is_skipped_and_cut_off(tmp_path, index):
    root = tmp_path / "index"
    shutil.copytree(index, root)
    with report_history.path(root).open("ab") as f:
        f.write(b'{"generation": "000002-2026')  # a writer killed mid-line
    assert len(report_history.read(root)) == 1
    report_history.append(root, layout.current(root))
    assert len(report_history.read(root)) == 2
    assert all(line.startswith(b"{") for line in report_history.path(root).read_bytes().splitlines())


def test_a_card_change_reaches_every_worker_within_two_seconds(tmp_path, index):
    from test_lifecycle import Server

    root = tmp_path / "index"
    shutil.copytree(index, root)
    server = Server(root, workers=2)
    try:
        before = server.get("/api/v1/report")[1]
        changed = {**CARDS[3], "e_stages": dict.fromkeys(report.STAGES, True), "url": "https://example.ir/b2"}
        status, _ = server.send("PUT", "/api/v1/admin/services/b2", json.dumps(changed).encode())
        assert status == 200
        published = time.monotonic()
        generation = layout.current_name(root)
        assert generation != before["generation"]
        while True:  # 12 requests on new connections in a row (so on any worker) see the change
            seen = [server.get("/api/v1/report")[1] for _ in range(12)]
            if all(r["generation"] == generation for r in seen):
                break
            assert time.monotonic() - published < 2.0, {r["generation"] for r in seen}
            time.sleep(0.05)
        b = next(r for r in seen[0]["by_agency"] if r["value"] == B)
        assert b["e_readiness"] == 0.75 and b["fully_electronic"] == 0.5
        series = server.get("/api/v1/report/history", {"agency": B})[1]["series"]
        assert [p["e_readiness"] for p in series][-2:] == [0.25, 0.75]
        assert series[-1]["generation"] == generation
    finally:
        server.stop()
