"""Life events (corpus/life_events.json, search/life_events.py): every card's life event names one
event of the vocabulary, every step is a real card, a citizen's description of a situation finds
its event however it is typed, and a plain service search finds none."""

import json
import unicodedata

import pytest
from conftest import ROOT

from analyzers import analyze, terms
from indexer.corpus import read_corpus
from search.situations import written_terms
from store.life_events import LifeEvents

LIFE_EVENTS = ROOT / "corpus" / "life_events.json"


@pytest.fixture(scope="module")
def life_events():
    return LifeEvents.load(LIFE_EVENTS)


@pytest.fixture(scope="module")
def cards():
    return read_corpus(ROOT / "corpus").cards


def test_every_card_life_event_names_an_event(life_events, cards):
    assert life_events.unknown_aliases(cards) == {}
    used = {alias for card in cards for alias in card.get("life_events") or ()}
    assert len(used) >= 40  # the test means something only while the catalogue uses the field


def test_an_alias_is_found_however_it_is_typed(life_events):
    assert life_events.alias_to_id("فوت و انحصار وراثت") == "death"
    assert life_events.alias_to_id("راه‌اندازي كسب‌وكار") == "business"  # Arabic ي/ك
    assert life_events.alias_to_id("فارغ‌التحصيلي از دانشگاه") == "graduation"
    assert life_events.alias_to_id("تعطیلات") is None


def test_unknown_aliases_lists_the_cards_that_use_them(life_events):
    cards = [
        {"id": "a", "life_events": ["تولد فرزند", "کاشت درخت"]},
        {"id": "b", "life_events": ["کاشت درخت"]},
        {"id": "c"},
    ]
    assert life_events.unknown_aliases(cards) == {"کاشت درخت": ["a", "b"]}


def test_steps_are_cards_of_the_catalogue_without_repeats(life_events, cards):
    ids = {card["id"] for card in cards}
    for event in life_events.events:
        # A service every city runs on its own (tehran-building-permit, shiraz-building-permit) is
        # listed for each city, so that the city a question names finds its own; counting such a
        # service once, the list stays one a citizen can follow.
        services = {step.split("-", 1)[1] for step in event.steps}
        assert 3 <= len(services) <= 12, event.id
        assert [s for s in event.steps if s not in ids] == [], event.id
        assert len(set(event.steps)) == len(event.steps), event.id


def test_the_file_is_a_small_well_formed_vocabulary(life_events):
    text = LIFE_EVENTS.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    data = json.loads(text)
    assert "trigger" in data["about"]
    assert [e.id for e in life_events.events] == [e["id"] for e in data["events"]]
    for event in life_events.events:
        assert event.id.isascii() and event.id.replace("_", "").isalpha()
        assert event.name and event.title and event.aliases
        assert 15 <= len(event.triggers) <= 80, event.id
        assert life_events.by_id[event.id] is event


def test_no_two_events_share_a_trigger(life_events):
    owner: dict[frozenset, str] = {}
    for event in life_events.events:
        for trigger in event.triggers:
            key = frozenset(terms(trigger))
            assert owner.setdefault(key, event.id) == event.id, (trigger, owner[key])


# (c) How citizens describe a situation: written and spoken, run together or apart, with Arabic
# letters; none is a trigger verbatim, most are longer sentences around one.
SITUATIONS = [
    ("سلام، دیروز بچمون به دنیا اومد باید چیکار کنیم", "birth"),
    ("بچه دار شديم", "birth"),  # no half-space, Arabic ي
    ("خانمم هفته پیش زایمان کرد", "birth"),
    ("کارهای بعد از تولد نوزاد", "birth"),
    ("میخوایم یه بچه از بهزیستی بیاریم", "adoption"),
    ("ما قصد ازدواج داریم چه مدارکی لازمه", "marriage"),
    ("ماه دیگه عروسیمونه", "marriage"),
    ("طلاق توافقي چطوري انجام ميشه", "divorce"),
    ("از همسرم جدا شدم حالا یارانه چی میشه", "divorce"),
    ("پدرم فوت کرده چه کارهایی باید انجام بدم", "death"),
    ("بابام فوت شده", "death"),
    ("گواهی انحصار وراثت پدرم", "death"),
    ("تقسیم ارث بین وراث", "death"),
    ("یه آپارتمان خریدیم کارهای انتقال سند", "buy_home"),
    ("میخوام خونمو بفروشم", "buy_home"),
    ("خونه رو اجاره کردیم مستاجریم", "rent_home"),
    ("اسباب کشی کردیم به شهر دیگه", "moving"),
    ("میخوام خونه بسازم مجوز میخوام", "building"),
    ("خونمون تو زلزله خراب شده", "disaster"),
    ("ماشین دست دوم خریدم باید چیکار کنم", "car"),
    ("با ماشین تصادف کردم", "accident"),
    ("میخوام یه مغازه باز کنم", "business"),
    ("ميخوام شركت تاسيس كنم", "business"),  # Arabic ي/ك
    ("تازه استخدام شدم بیمه چی", "job"),
    ("از کار اخراج شدم", "job_loss"),
    ("شرکتمون تعطیل شد بیکار شدم", "job_loss"),
    ("امسال بازنشسته میشم", "retirement"),
    ("سال دیگه باید برم سربازی", "military"),
    ("بچم امسال میره کلاس اول", "school"),
    ("امسال کنکور میدم", "university"),
    ("تازه فارغ التحصیل شدم", "graduation"),
    ("میخوام برای ادامه تحصیل برم خارج", "emigration"),
    ("بعد از ده سال برگشتیم ایران", "return"),
    ("میخوام اربعین برم کربلا", "pilgrimage"),
    ("اولین بار میخوام سفر خارجی برم", "travel_abroad"),
    ("تابستون میخوایم با قطار سفر کنیم", "travel"),
    ("من تبعه افغانستانی هستم و در ایران زندگی میکنم", "foreign_resident"),
    ("پسرم ۱۵ سالش شد شناسنامه", "age_fifteen"),
    ("دخترم هجده سالگیش تموم شد", "coming_of_age"),
    ("میخوام اسمم رو تغییر بدم", "name_change"),
    ("پدرم سرطان گرفته", "illness"),
    ("برادرم معلول است", "disability"),
    ("خانمم دیروز سزارین کرد و بچه سالمه", "birth"),
    ("دوقلوهامون هفته پیش به دنیا اومدن", "birth"),
    ("بچه‌دار نمی‌شیم و میخوایم یه کودک بی‌سرپرست بیاریم", "adoption"),
    ("با نامزدم قراره ماه بعد عقد کنیم", "marriage"),
    ("شوهرم نفقه نمیده میخوام شکایت کنم", "divorce"),
    ("پدرم از دنیا رفته و وصیت‌نامه داره", "death"),
    ("یه واحد آپارتمان قسطی خریدیم سندش چی میشه", "buy_home"),
    ("صاحبخونه میگه باید خونه رو تخلیه کنی", "rent_home"),
    ("خونه کلنگیمونو میخوایم بکوبیم از نو بسازیم", "building"),
    ("اثاث کشی کردیم و آدرسمون عوض شده", "moving"),
    ("سیلاب اومد و خونه و زندگیمون رو برد", "disaster"),
    ("یه پراید دست دوم خریدم", "car"),
    ("یه موتوری زد به ماشینم و فرار کرد", "accident"),
    ("میخوام یه آرایشگاه زنانه باز کنم", "business"),
    ("تازه یه سوپرمارکت زدم چه مجوزهایی لازمه", "business"),
    ("بالاخره بعد دو سال بیکاری کار پیدا کردم", "job"),
    ("کارخونه‌مون ورشکست شد و بیکار شدیم", "job_loss"),
    ("پدرم سی سال سابقه داره و میخواد بازنشسته بشه", "retirement"),
    ("دفترچه سربازیمو کجا تحویل بدم", "military"),
    ("پسرم شش سالشه امسال باید بره مدرسه", "school"),
    ("دخترم امسال دانشگاه قبول شد", "university"),
    ("از یه دانشگاه تو آلمان پذیرش گرفتم", "emigration"),
    ("ترم آخرم و میخوام تسویه حساب کنم", "graduation"),
    ("بعد از پونزده سال زندگی تو کانادا برگشتیم ایران", "return"),
    ("امسال قسمت شد بریم زیارت کربلا", "pilgrimage"),
    ("تابستون با خانواده میریم استانبول", "travel_abroad"),
    ("تعطیلات نوروز میخوایم بریم شمال", "travel"),
    ("همسرم افغانه و اقامت نداره", "foreign_resident"),
    ("پسرم تازه ۱۸ ساله شده", "coming_of_age"),
    ("از اسم کوچیکم خوشم نمیاد میخوام عوضش کنم", "name_change"),
    ("مادرم سکته مغزی کرده و بستریه", "illness"),
    ("پسرم اوتیسم داره چه حمایتی میشه", "disability"),
    ("همسرم باردار است چه خدماتی از بیمه میگیره", "pregnancy"),
    ("حامله‌ام و میخوام مرخصی بگیرم", "pregnancy"),
    ("دیشب دزد اومد خونمون همه چیو برد", "crime_victim"),
    ("موتورمو جلو خونه دزدیدن", "crime_victim"),
    ("تو خیابون زورگیری شدم گوشیمو بردن", "crime_victim"),
    ("یه لینک برام اومد زدم و حسابمو خالی کردن", "online_fraud"),
    ("پیج اینستاگرامم هک شده چیکار کنم", "online_fraud"),
    ("کیف پولم با همه مدارکم گم شده", "lost_documents"),
    ("شناسنامه پسرم گم شده", "lost_documents"),
    ("پدربزرگم آلزایمر داره و از دیروز گم شده", "missing_person"),
    ("پسر ده ساله‌ام از ظهر گم شده", "missing_person"),
    ("دخترم دو روزه خونه نیومده", "missing_person"),
    ("مادرم آلزایمر گرفته و دیگه نمی‌تونه کارهای بانکیش رو انجام بده", "elderly_care"),
    ("برای پدرم که زوال عقل داره چطور قیم تعیین کنم", "elderly_care"),
    ("شوهرم زندانیه چطوری ملاقات بگیرم", "imprisonment"),
    ("برادرم رو بازداشت کردن باید وثیقه بذاریم", "imprisonment"),
    ("میخوام محصولاتم رو به خارج صادر کنم", "export"),
    ("برای صادرات پسته به روسیه چه مجوزی لازمه", "export"),
    ("میخوام از چین جنس وارد کنم", "import"),
    ("بارم تو گمرک مونده و ترخیص نمیشه", "import"),
    ("میخوام یه مرغداری کوچیک راه بندازم", "farming"),
    ("توی روستا زمین کشاورزی دارم میخوام گلخانه بزنم", "farming"),
    ("ساختمونمون بالاخره تموم شد حالا انشعاب گاز و برق چی", "new_building"),
    ("دخترم پونزده سالش شده کارت ملی میخواد", "age_fifteen"),
    ("پدرم جانباز جنگه چه امتیازاتی داره", "veteran"),
    ("من فرزند شهید هستم", "veteran"),
    ("میخوام برای مغازه‌ام یه کارگر استخدام کنم", "employer"),
    ("کارگرم از داربست افتاد پاش شکست", "work_accident"),
    ("سر کار دستم رفت زیر دستگاه", "work_accident"),
    ("وضع مالیمون خیلی بده و درآمدی نداریم", "low_income"),
    ("ده ساله مقیم آلمانم و پاسپورتم تموم شده", "living_abroad"),
    ("از خارج میخوام به برادرم وکالت بدم", "living_abroad"),
    ("یکی چک داده برگشت خورده چیکار کنم", "debt_claim"),
    ("دوستم ازم پول قرض گرفته پس نمیده", "debt_claim"),
]


def as_search_does(life_events, query):
    """The event search recognises: the query's written form against triggers analysed the same way."""
    return life_events.match(written_terms(query), written_terms)


@pytest.mark.parametrize(("query", "event_id"), SITUATIONS)
def test_a_situation_finds_its_event(life_events, query, event_id):
    for found in (life_events.match(query), as_search_does(life_events, query)):
        assert found is not None and found.id == event_id, (query, found and found.id)


def test_every_event_has_situations_that_find_it(life_events):
    found = {event_id for _, event_id in SITUATIONS}
    assert [e.id for e in life_events.events if e.id not in found] == []


def test_situations_are_not_triggers_copied(life_events):
    triggers = {t for e in life_events.events for t in e.triggers}
    assert not triggers & {query for query, _ in SITUATIONS}
    longer = [q for q, _ in SITUATIONS if len(q.split()) >= 4]
    assert len(longer) * 2 >= len(SITUATIONS)


# (d) Plain service searches, and common words that alone say nothing of a situation.
PLAIN_SEARCHES = [
    "تمدید گذرنامه",
    "قبض برق",
    "کارت ملی",
    "معافیت تحصیلی",
    "خرید سهام عدالت",
    "استعلام خلافی خودرو",
    "پرداخت جریمه رانندگی",
    "کد پستی",
    "چک صیادی",
    "یارانه",
    "ثبت نام سجام",
    "کارت سوخت المثنی",
    "سامانه ثنا",
    "معاینه فنی",
    "تغییر نام مشترک برق",
    "اینترنت فیبر نوری",
    "کارنامه امتحانات نهایی",
    "ثبت تغییرات شرکت نشانی",
    "کلاس کمک‌های اولیه",
    "خرید ارز مسافرتی",
    "ثبت نام آزمون مدارس نمونه دولتی",
    "تایید مدارک دانش‌آموختگان برای خارج",
    "پیگیری وضعیت صدور کارت خودرو",
    "خونه",
    "ماشین",
    "کار",
    "خارج",
    "بچه",
    "پدر",
    "دانشگاه",
    "مدرسه",
    "سفر",
    "المثنی کارت ملی",
    "تمدید کارت بازرگانی",
    "استعلام سوابق بیمه",
    "ثبت شکایت از بانک",
    "قبض گاز",
    "تمدید گواهینامه رانندگی",
    "ترخیص خودرو توقیفی",
    "پرداخت عوارض نوسازی",
    "گواهی عدم سوء پیشینه",
    "کد اقتصادی",
    "سامانه جامع تجارت",
    "تمدید پروانه کسب",
    "اجاره صندوق پستی",
    "کارت سوخت موتورسیکلت",
    "رجیستری گوشی",
    "تغییر نام مشترک گاز",
    "انتقال تخفیف عدم خسارت بیمه",
    "جابه‌جایی محل کنتور برق",
    "نتایج امتحانات نهایی",
    "مجوز تاسیس مهد کودک",
    "پروانه شکار",
    "شماره تلفن اورژانس",
    "اتاق بازرگانی",
    "سازمان زندان‌ها",
    "کنتور آب خرابه چیکار کنم",
    "امروز هوا خیلی سرده",
    "کجا میتونم قبضمو پرداخت کنم",
    "سلام وقت بخیر",
    "فردا با دوستم میرم پارک",
    "پولم به حساب منتقل نشد",
]


@pytest.mark.parametrize("query", PLAIN_SEARCHES)
def test_a_plain_service_search_finds_no_event(life_events, query):
    for found in (life_events.match(query), as_search_does(life_events, query)):
        assert found is None, (query, found.id)


def test_a_lost_paper_is_not_a_missing_person(life_events):
    # Both say «گم شده»; the paper named makes it a lost document, the person alone a missing one.
    assert as_search_does(life_events, "کارت ملی پدرم گم شده").id == "lost_documents"
    assert as_search_does(life_events, "پدرم از صبح گم شده").id == "missing_person"


def test_the_longest_trigger_wins(life_events):
    # «خرید» alone is nothing; «خرید خانه» is buying a home even though «اسباب‌کشی» is moving.
    assert life_events.match("خونه خریدیم و اسباب کشی داریم").id == "buy_home"
    assert life_events.match("اسباب کشی داریم").id == "moving"


def test_a_tie_goes_to_the_event_first_in_the_file():
    text = json.dumps(
        {
            "events": [
                {"id": "one", "name": "یک", "title": "یک", "aliases": ["الف"], "triggers": ["زلزله"], "steps": []},
                {"id": "two", "name": "دو", "title": "دو", "aliases": ["ب"], "triggers": ["سیل"], "steps": []},
            ]
        },
        ensure_ascii=False,
    )
    events = LifeEvents.load(text)
    assert events.match("سیل و زلزله").id == "one"
    assert [e.id for e in events.events] == ["one", "two"]


def test_match_takes_analysed_terms_or_tokens(life_events):
    assert life_events.match(terms("بابام فوت کرده")).id == "death"
    assert life_events.match("بابام فوت کرده", analyze=analyze).id == "death"  # tokens, not strings
    for query, _ in SITUATIONS + [(q, None) for q in PLAIN_SEARCHES]:
        assert life_events.match(query, analyze=analyze) == life_events.match(query), query
    assert life_events.match([]) is None
    assert life_events.match("") is None


def test_a_broken_file_is_refused():
    def events(*defs):
        return json.dumps({"events": [dict(name="ن", title="ع", steps=[], **d) for d in defs]}, ensure_ascii=False)

    with pytest.raises(ValueError, match="twice"):
        LifeEvents.load(events({"id": "a", "aliases": ["x"]}, {"id": "a", "aliases": ["y"]}))
    with pytest.raises(ValueError, match="already an alias"):
        LifeEvents.load(events({"id": "a", "aliases": ["تولد فرزند"]}, {"id": "b", "aliases": ["تولد  فرزند"]}))
    with pytest.raises(ValueError, match="no terms"):
        LifeEvents.load(events({"id": "a", "aliases": ["x"], "triggers": ["از به"]}))


def test_an_events_services_are_its_steps_then_the_cards_that_name_it_up_to_a_list_one_can_follow():
    from store.life_events import MAX_STEPS, LifeEvent

    events = LifeEvents(
        [LifeEvent("birth", "تولد فرزند", "t", ("تولد فرزند",), ("نوزاد",), ("own-1", "gone", "own-2"))]
    )
    declared = [
        ("own-2", ["تولد فرزند"], 5.0),  # a step already: not twice
        ("quiet", ["تولد فرزند"], 1.0),
        ("loud", ["تولد  فرزند"], 9.0),  # written another way, still the event
        ("other", ["ازدواج"], 99.0),
        *((f"more-{i}", ["تولد فرزند"], 0.5) for i in range(MAX_STEPS)),
    ]
    present = {"own-1", "own-2", "quiet", "loud", "other", *(f"more-{i}" for i in range(MAX_STEPS))}
    services = events.services(declared, present)["birth"]
    assert services[:4] == ["own-1", "own-2", "loud", "quiet"]  # own steps in order, then most popular
    assert len(services) == MAX_STEPS and "gone" not in services and "other" not in services
