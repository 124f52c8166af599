"""Life situations: a query describing one finds that event's services, in order, and says so."""

import json

import pytest
from conftest import ROOT, mini_cards, run_cli, write_jsonl

from search import Engine, SearchRequest
from search.signals import DEFAULT

EVENTS = {e["id"]: e for e in json.loads((ROOT / "corpus" / "life_events.json").read_text("utf-8"))["events"]}


def _named(card_id):
    """A bundled card's life_events, as written."""
    for path in (ROOT / "corpus" / "services").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            if f'"{card_id}"' in line and json.loads(line)["id"] == card_id:
                return json.loads(line).get("life_events") or []
    return []


def ids(result):
    return [h.id for h in result.hits]


@pytest.mark.parametrize(
    ("q", "event"),
    [
        ("دیروز بچه‌مون به دنیا اومد", "birth"),  # spoken, no half-space needed
        ("تازه بچه دار شدیم چیکار کنیم", "birth"),
        ("پدرم فوت کرده", "death"),
        ("ازدواج کردیم", "marriage"),
    ],
)
def test_a_situation_finds_its_services_and_says_which_it_is(bundled_engine, q, event):
    result = bundled_engine.search(SearchRequest(q=q, size=50))
    assert result.query.life_event is not None and result.query.life_event.id == event
    steps = [s.id for s in result.query.life_event.steps]
    own = [i for i in EVENTS[event]["steps"] if bundled_engine.service(i)]
    assert steps[: len(own)] == own  # every step of the event's own, in order
    for extra in steps[len(own) :]:  # then cards that name the event themselves
        assert event in {bundled_engine.generation().life_events.alias_to_id(n) for n in _named(extra)}
    # Every step is found, the first no lower than the same words find it without the signal.
    assert set(steps) <= set(ids(result)), ids(result)
    off = Engine(bundled_engine.index_dir, signals=DEFAULT.without("life_events"))
    off.load()
    plain = off.search(SearchRequest(q=q, size=50))
    assert plain.query.life_event is None
    assert steps[0] not in ids(plain)[: ids(result).index(steps[0])], ids(plain)  # never lower


@pytest.mark.parametrize(
    ("q", "event", "unknown"),
    [
        ("شب دزد اومد خونه‌مون", "crime_victim", "دزد"),  # خانه is in hundreds of housing cards
        ("یه پژو دست دوم خریدیم", "car", "پژو"),
    ],
)
def test_a_situation_told_in_words_no_card_uses_comes_before_its_other_words(bundled_engine, q, event, unknown):
    """The trigger's word the catalogue does not know still says what the question is about: the
    situation's services lead, not the cards that have the question's everyday words."""
    gen = bundled_engine.generation()
    assert unknown not in gen.lexicon.known  # the point of the case
    result = bundled_engine.search(SearchRequest(q=q))
    assert result.query.life_event is not None and result.query.life_event.id == event
    assert ids(result)[0] in EVENTS[event]["steps"], ids(result)


@pytest.mark.parametrize(
    ("q", "event"),
    [
        ("خونمونو زدن", "crime_victim"),  # the trigger «خونمونو زدن», its words side by side
        ("دیشب خونه‌مونو زدن همه چی رو بردن", "crime_victim"),
        ("برق خونه قطع شده به کدوم شماره زنگ بزنم", None),  # خانه … زنگ بزنم: the same words, far apart
        ("گرفتن گواهینامه چقدر طول میکشه", None),  # «می‌کشه» analysed as کشت, a farming trigger, is a verb
    ],
)
def test_a_trigger_is_its_words_together_and_not_a_verb_alone(bundled_engine, q, event):
    found = bundled_engine.search(SearchRequest(q=q)).query.life_event
    assert (found.id if found else None) == event


def test_a_verb_of_the_trigger_says_the_situation_with_its_other_words(bundled_engine):
    """«خونه نیومده»: خانه alone is every housing card's; with the verb it is a missing person, and
    the situation's services, not housing loans, fill most of the first results."""
    result = bundled_engine.search(SearchRequest(q="پسر کوچیکم از دیروز خونه نیومده"))
    assert result.query.life_event is not None and result.query.life_event.id == "missing_person"
    steps = {s.id for s in result.query.life_event.steps}
    assert len(steps & set(ids(result)[:5])) >= 3, ids(result)


@pytest.mark.parametrize(
    ("q", "event"),
    [
        ("تازه فارغ‌التحصیل شدم دنبال کارم", "graduation"),  # not «دنبال کار», the everyday words
        ("از شیراز اسباب‌کشی کردیم تهران", "moving"),
    ],
)
def test_of_two_situations_the_one_the_question_says_more_of_is_told(bundled_engine, q, event):
    found = bundled_engine.search(SearchRequest(q=q)).query.life_event
    assert (found.id if found else None) == event


def test_a_step_that_also_answers_the_rest_of_the_question_comes_before_a_card_with_those_words_alone(
    bundled_engine,
):
    """«خونه خریدیم ... قبض برقشو به اسم خودمون کنیم»: the home-buying steps that put a bill in the
    new owner's name (water, gas) answer the situation and the rest of the question, so they come
    before paying an electricity bill, which answers only the rest."""
    result = bundled_engine.search(SearchRequest(q="خونه خریدیم میخوایم قبض برقشو به اسم خودمون کنیم"))
    assert result.query.life_event is not None and result.query.life_event.id == "buy_home"
    found = ids(result)
    assert found[0] == "tavanir-ownership-change", found
    assert found.index("abfa-ownership-change") < found.index("tavanir-bill-payment"), found


@pytest.mark.parametrize(("q", "city"), [("تو اصفهان میخوایم خونه بسازیم", "isfahan"), ("میخوایم خونه بسازیم", None)])
def test_a_service_of_many_cities_is_one_step_the_city_the_question_names(bundled_engine, q, city):
    """The building event lists every city's building permit; its step list shows one: the city
    the question names, else the first the event lists."""
    result = bundled_engine.search(SearchRequest(q=q))
    assert result.query.life_event is not None and result.query.life_event.id == "building"
    permits = [s.id for s in result.query.life_event.steps if s.id.endswith("-building-permit")]
    listed = [i for i in EVENTS["building"]["steps"] if i.endswith("-building-permit")]
    assert len(listed) > 1  # the point of the case
    assert permits == [f"{city}-building-permit" if city else listed[0]]


@pytest.mark.parametrize("q", ["تمدید گذرنامه", "قبض برق", "معافیت تحصیلی"])
def test_a_service_search_describes_no_situation(bundled_engine, q):
    assert bundled_engine.search(SearchRequest(q=q)).query.life_event is None


def test_a_query_naming_a_service_keeps_that_service_first(bundled_engine):
    # «ازدواج» is a situation, «وام ازدواج» a service of it: the loan first, the steps offered beside.
    result = bundled_engine.search(SearchRequest(q="وام ازدواج"))
    assert result.query.life_event is not None and result.query.life_event.id == "marriage"
    assert "loan" in ids(result)[0] or "وام" in result.hits[0].title


def test_the_api_lists_life_events_and_each_one(live_server):
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(live_server + "/api/v1/life-events") as r:
        listed = json.loads(r.read())["life_events"]
    assert [e["id"] for e in listed] == ["birth", "travel_abroad"]  # tests/data/life_events.json, in order
    assert listed[0]["steps"][0] == {"id": "t-birth-cert", "title": "صدور شناسنامه نوزاد"}
    with urllib.request.urlopen(live_server + "/api/v1/life-events/travel_abroad") as r:
        assert [s["id"] for s in json.loads(r.read())["steps"]] == ["t-passport-issue", "t-passport-renew"]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(live_server + "/api/v1/life-events/no-such-event")
    assert e.value.code == 404
    q = urllib.parse.quote("بچم به دنیا اومده")
    with urllib.request.urlopen(f"{live_server}/api/v1/search?q={q}") as r:
        found = json.loads(r.read())
    assert found["query"]["life_event"]["id"] == "birth"
    assert {h["id"] for h in found["hits"][:2]} == {"t-birth-cert", "t-messy-id-card"}  # no word of theirs typed


def test_the_indexer_reports_life_events_the_vocabulary_does_not_know(tmp_path):
    cards = mini_cards()
    cards[0] = {**cards[0], "life_events": ["تولد فرزند", "سفر به ماه"]}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "cards.jsonl", cards)
    (corpus / "life_events.json").write_text((ROOT / "tests" / "data" / "life_events.json").read_text("utf-8"))
    done = run_cli("index", corpus, "--index", tmp_path / "index")
    assert done.returncode == 0, done.stderr
    assert "سفر به ماه" in done.stderr and cards[0]["id"] in done.stderr
    assert "تولد فرزند" not in done.stderr.replace("سفر به ماه", "")


def test_a_broken_life_events_file_fails_the_build_and_leaves_the_index_alone(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "cards.jsonl", mini_cards())
    (corpus / "life_events.json").write_text('{"events": [{"id": "x"}]}')
    done = run_cli("index", corpus, "--index", tmp_path / "index")
    assert done.returncode == 1 and "life_events.json" in done.stderr
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_a_catalogue_the_steps_were_not_written_for_finds_its_situations_by_its_cards(tmp_path):
    """Another catalogue's card ids are not the event's steps: the cards that name the event in
    their life_events are its services, most popular first."""
    cards = mini_cards()
    named = {"t-licence-renew": 70000, "t-tax-return": 50000}  # two cards that name the event
    cards = [{**c, "life_events": ["سفر خارجی"]} if c["id"] in named else c for c in cards]
    events = json.loads((ROOT / "tests" / "data" / "life_events.json").read_text("utf-8"))
    for e in events["events"]:
        e["steps"] = ["a-card-of-another-catalogue"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "cards.jsonl", cards)
    (corpus / "life_events.json").write_text(json.dumps(events, ensure_ascii=False), "utf-8")
    assert run_cli("index", corpus, "--index", tmp_path / "index").returncode == 0
    engine = Engine(tmp_path / "index")
    engine.load()
    result = engine.search(SearchRequest(q="برم خارج سفر"))
    assert result.query.life_event is not None and result.query.life_event.id == "travel_abroad"
    assert [s.id for s in result.query.life_event.steps] == sorted(named, key=named.get, reverse=True)
    assert ids(result)[:2] == [s.id for s in result.query.life_event.steps]
    assert engine.life_event("birth").steps == []  # no card names it: nothing to show


def test_a_catalogue_without_synonyms_or_life_events_is_indexed_with_the_bundled_ones(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "cards.jsonl", mini_cards())
    done = run_cli("index", corpus, "--index", tmp_path / "bundled")
    assert done.returncode == 0, done.stderr
    assert "synonyms.tsv" in done.stderr and "life_events.json" in done.stderr  # it says so
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    assert run_cli("index", corpus, "--index", tmp_path / "own", "--synonyms", empty).returncode == 0
    found = {}
    for name in ("bundled", "own"):
        engine = Engine(tmp_path / name)
        engine.load()
        found[name] = ids(engine.search(SearchRequest(q="اداره دارایی")))
    assert "t-tax-return" in found["bundled"]  # the tax office's everyday name, in the bundled synonyms
    assert "t-tax-return" not in found["own"]  # and the catalogue's own (empty) file is respected
