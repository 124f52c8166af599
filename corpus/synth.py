"""A deterministic generator of SYNTHETIC service cards, for scale runs (10,000, 50,000 cards ...).

    python -m corpus.synth N [--seed S] > /tmp/synth.jsonl

Writes N cards as UTF-8 JSON Lines (NFC, one card per line) to stdout, and only to stdout: the
synthetic cards must never be mixed into the bundled catalogue (corpus/services/*.jsonl), and the
command refuses to write into a file there. The same N and seed always give byte-identical output,
and the first k cards do not depend on N (a 10,000-card run is a prefix of a 50,000-card run).

Every card is marked as synthetic: its id is `synth-000001`, `synth-000002`, ..., it carries the
extra property `"synthetic": true` (the schema keeps unknown properties), and its description opens
with a Persian sentence saying it is a made-up card for load testing (SYNTHETIC_NOTE).

So that term statistics look like Persian service text, the text is sampled, with a seeded
random.Random, from the bundled real cards (read at run time from corpus/services/*.jsonl):

- titles (3-8 words) and descriptions (40-120 words) are walked on word-trigram chains built from
  the real titles and description sentences, mostly on the chain of the card's own cluster and
  now and then on the pooled one (which mixes texts); a title that happens to equal a real one is
  drawn again, so no synthetic title is the title of a real service;
- documents (2-6), steps (3-7, kept in their usual order), keywords (3-8), inquiries, legal bases
  and life events are drawn from the real ones of the same cluster, channels and url from those
  of the same real agency;
- audience, level, e_stages and which optional fields are present follow a real "donor" card;
- agencies are the real ones plus provincial offices («اداره کل ... استان X») of the national
  agencies that have them, in the 31 real provinces (about 480 agencies in all);
- popularity is log-normal (heavy-tailed, rounded to two significant digits, like the real ones);
- about 15% of the cards get the messy orthography of the real data: Arabic ي/ك instead of ی/ک,
  and zero-width non-joiners dropped or turned into spaces.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import os
import random
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from corpus import ROOT

ID_PREFIX = "synth-"
SYNTHETIC_NOTE = "این شناسنامه ساختگی است و فقط برای آزمون بار موتور جستجو ساخته شده است."

TITLE_WORDS = (3, 8)
DESCRIPTION_WORDS = (40, 120)
DOCUMENTS = (2, 6)
STEPS = (3, 7)
KEYWORDS = (3, 8)
MESSY_SHARE = 0.15
PROVINCIAL_SHARE = 0.7  # of the cards whose (national) agency has provincial offices

# Title lengths 3..8, weighted like the real titles (median 7 words, but capped at 8 here).
_TITLE_LENGTH_WEIGHTS = {3: 8, 4: 14, 5: 18, 6: 20, 7: 22, 8: 18}

PROVINCES = (
    "آذربایجان شرقی",
    "آذربایجان غربی",
    "اردبیل",
    "اصفهان",
    "البرز",
    "ایلام",
    "بوشهر",
    "تهران",
    "چهارمحال و بختیاری",
    "خراسان جنوبی",
    "خراسان رضوی",
    "خراسان شمالی",
    "خوزستان",
    "زنجان",
    "سمنان",
    "سیستان و بلوچستان",
    "فارس",
    "قزوین",
    "قم",
    "کردستان",
    "کرمان",
    "کرمانشاه",
    "کهگیلویه و بویراحمد",
    "گلستان",
    "گیلان",
    "لرستان",
    "مازندران",
    "مرکزی",
    "هرمزگان",
    "همدان",
    "یزد",
)

# Provincial office name pattern -> the real national agency it belongs to (its parent_agency).
PROVINCIAL_OFFICES = {
    "سازمان ثبت احوال کشور": "اداره کل ثبت احوال استان {}",
    "سازمان ثبت اسناد و املاک کشور": "اداره کل ثبت اسناد و املاک استان {}",
    "سازمان امور مالیاتی کشور": "اداره کل امور مالیاتی استان {}",
    "سازمان تأمین اجتماعی": "اداره کل تأمین اجتماعی استان {}",
    "سازمان بهزیستی کشور": "اداره کل بهزیستی استان {}",
    "وزارت آموزش و پرورش": "اداره کل آموزش و پرورش استان {}",
    "وزارت راه و شهرسازی": "اداره کل راه و شهرسازی استان {}",
    "وزارت تعاون، کار و رفاه اجتماعی": "اداره کل تعاون، کار و رفاه اجتماعی استان {}",
    "وزارت جهاد کشاورزی": "سازمان جهاد کشاورزی استان {}",
    "قوه قضاییه": "دادگستری کل استان {}",
    "شرکت مهندسی آب و فاضلاب کشور": "شرکت آب و فاضلاب استان {}",
    "شرکت ملی گاز ایران": "شرکت گاز استان {}",
    "شرکت توانیر": "شرکت توزیع نیروی برق استان {}",
}

_PROVINCIAL_SENTENCES = (
    "متقاضیان ساکن استان {province} برای دریافت این خدمت به {agency} مراجعه می‌کنند.",
    "این خدمت در محدوده استان {province} و از طریق {agency} ارائه می‌شود.",
    "رسیدگی به درخواست‌ها در {agency} و ادارات تابعه شهرستان‌های استان {province} انجام می‌شود.",
)

# Qualifiers a title may end with, besides the tails of the real titles of its cluster.
_GENERIC_TAILS = (
    "برای اشخاص حقیقی",
    "برای اشخاص حقوقی",
    "ویژه اتباع خارجی",
    "ویژه ایثارگران",
    "ویژه بازنشستگان",
    "ویژه دانشجویان",
    "از طریق دفاتر پیشخوان",
    "به‌صورت الکترونیکی",
    "به‌صورت حضوری",
    "با کد ملی",
    "با کد رهگیری",
    "در دفاتر خدمات الکترونیک",
    "ویژه روستاییان",
    "برای خانوارهای کم‌درآمد",
    "در مناطق آزاد تجاری",
)
_TAIL_HEADS = frozenset(["در", "برای", "ویژه", "با", "از", "به"])

# Words a title should not end on.
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_DANGLING = frozenset(
    form
    for word in [
        "و",
        "از",
        "به",
        "در",
        "برای",
        "با",
        "یا",
        "را",
        "تا",
        "که",
        "بر",
        "های",
        "ها",
        "این",
        "آن",
        "یک",
        "بدون",
        "پس",
        "پیش",
        "طریق",
        "توسط",
        "اساس",
        "جهت",
    ]
    for form in (word, word.translate(_ARABIC))
)
_SENTENCE_END = (".", "؛", "!", "?", "؟")
_ZWNJ = "\u200c"


# ---------------------------------------------------------------------------------------------
# The vocabulary: everything sampled from the bundled real cards, loaded once per process.


@dataclass
class _Chain:
    """Word trigrams and bigrams: the words that open a text, and the words that follow each pair
    and each word (repeated as often as they do in the source, so sampling follows the real
    frequencies). None ends a text."""

    starts: list[str] = field(default_factory=list)
    follow2: dict[tuple[str | None, str], list[str | None]] = field(default_factory=lambda: defaultdict(list))
    follow1: dict[str, list[str | None]] = field(default_factory=lambda: defaultdict(list))

    def add(self, words: list[str]) -> None:
        if not words:
            return
        self.starts.append(words[0])
        follow1, follow2 = self.follow1, self.follow2
        for a, b, c in zip([None] + words, words, words[1:] + [None], strict=False):
            follow2[a, b].append(c)
            follow1[b].append(c)


@dataclass
class _Cluster:
    name: str
    titles: _Chain = field(default_factory=_Chain)
    tails: list[str] = field(default_factory=list)  # «در ...», «برای ...» ends of real titles
    text: _Chain = field(default_factory=_Chain)
    documents: list[str] = field(default_factory=list)
    steps: list[tuple[float, str]] = field(default_factory=list)  # (relative position, step)
    keywords: list[str] = field(default_factory=list)
    channels: list[dict] = field(default_factory=list)
    inquiries: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    life_events: list[str] = field(default_factory=list)


@dataclass
class Vocabulary:
    donors: list[dict]  # the real cards, for their metadata (agency, cluster, audience, ...)
    clusters: dict[str, _Cluster]
    everything: _Cluster  # every cluster pooled, the fallback
    real_titles: frozenset[str]  # as _title_key
    agency_urls: dict[str, list[str]]
    agency_channels: dict[str, list[dict]]
    provincial: dict[str, list[str]]  # national agency -> its provincial offices

    @property
    def agencies(self) -> list[str]:
        """Every agency a synthetic card can name, real and provincial, in a stable order."""
        real = list(dict.fromkeys(d["agency"] for d in self.donors))
        return real + [a for offices in self.provincial.values() for a in offices]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _title_key(title: str) -> str:
    """A title with its orthography evened out, so that no synthetic title, messy or not, is
    the title of a real card. (str.replace: much faster than str.translate on Persian text.)"""
    return title.replace("ي", "ی").replace("ك", "ک").replace(_ZWNJ, "").replace(" ", "")


def _is_messy(card: dict) -> bool:
    """A real card in Arabic orthography: kept as a donor, but left out of the text pools so that
    the share of messy synthetic cards is MESSY_SHARE and not more."""
    return _ARABIC_LETTER.search(json.dumps(card, ensure_ascii=False)) is not None


_ARABIC_LETTER = re.compile("[يك]")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def _words(text: str) -> list[str]:
    """Whitespace words of a source text, without parenthetical asides and quote marks (a bigram
    walk would leave them unbalanced)."""
    text = _PARENTHESES.sub("", text).replace("«", "").replace("»", "")
    return text.split()


def _sentences(text: str) -> Iterator[list[str]]:
    sentence: list[str] = []
    for word in _words(text):
        sentence.append(word)
        if word.endswith(_SENTENCE_END):
            yield sentence
            sentence = []
    if sentence:
        sentence[-1] = sentence[-1].rstrip("،,:") + "."
        yield sentence


def read_real_cards(root: Path = ROOT) -> list[dict]:
    """The bundled catalogue's cards, in file and line order (NFC)."""
    cards = []
    for path in sorted((root / "services").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    card = json.loads(_nfc(line))
                    if isinstance(card, dict) and card.get("title") and card.get("cluster"):
                        cards.append(card)
    if not cards:
        raise SystemExit(f"corpus.synth: no real cards under {root / 'services'} to sample from")
    return cards


def _add_card(pools: tuple[_Cluster, ...], card: dict) -> None:
    """Add one real card's text to its cluster's pools and to the pooled ones."""
    title = _words(card["title"])
    sentences = list(_sentences(card.get("description", "")))
    for pool in pools:
        _add_text(pool, card, title, sentences)


def _add_text(pool: _Cluster, card: dict, title: list[str], sentences: list[list[str]]) -> None:
    pool.titles.add(title)
    for i in range(2, len(title) - 1):
        if title[i] in _TAIL_HEADS and len(title) - i <= 4:
            pool.tails.append(" ".join(title[i:]))
            break
    for sentence in sentences:
        pool.text.add(sentence)
    pool.documents += card.get("documents", [])
    steps = card.get("steps", [])
    pool.steps += [(i / max(len(steps) - 1, 1), s) for i, s in enumerate(steps)]
    pool.keywords += card.get("keywords", [])
    pool.channels += [ch for ch in card.get("channels", []) if isinstance(ch, dict) and "type" in ch]
    pool.inquiries += card.get("inquiries", [])
    pool.legal_basis += card.get("legal_basis", [])
    pool.life_events += card.get("life_events", [])


@functools.cache
def vocabulary(root: Path = ROOT) -> Vocabulary:
    donors = read_real_cards(root)
    clusters: dict[str, _Cluster] = {}
    everything = _Cluster("*")
    urls: dict[str, list[str]] = {}
    channels: dict[str, list[dict]] = {}
    for card in donors:
        if card.get("url"):
            urls.setdefault(card["agency"], []).append(card["url"])
        if _is_messy(card):
            continue
        channels.setdefault(card["agency"], []).extend(
            ch for ch in card.get("channels", []) if isinstance(ch, dict) and "type" in ch
        )
        _add_card((clusters.setdefault(card["cluster"], _Cluster(card["cluster"])), everything), card)
    for card in donors:  # a cluster with only messy cards still gets a (pooled) vocabulary
        clusters.setdefault(card["cluster"], _Cluster(card["cluster"]))
    agencies = {d["agency"] for d in donors}
    provincial = {
        national: [pattern.format(p) for p in PROVINCES]
        for national, pattern in PROVINCIAL_OFFICES.items()
        if national in agencies
    }
    return Vocabulary(
        donors=donors,
        clusters=clusters,
        everything=everything,
        real_titles=frozenset(_title_key(" ".join(_words(d["title"]))) for d in donors),
        agency_urls=urls,
        agency_channels=channels,
        provincial=provincial,
    )


# ---------------------------------------------------------------------------------------------
# Sampling.


def _pick(rng: random.Random, items: list):
    return items[int(rng.random() * len(items))]  # rng.choice, at half the cost


def _walk(rng: random.Random, own: _Chain, pooled: _Chain, limit: int, stray: float) -> tuple[list[str], bool]:
    """A trigram walk of at most `limit` words on the cluster's own chain, but with probability
    `stray` at each word on the pooled chain of all clusters (which mixes texts); when a pair was
    never seen, a bigram step on the pooled chain. Also says whether the walk reached an end of a
    source text (rather than the limit)."""
    rand = rng.random
    own2, pooled2, pooled1 = own.follow2, pooled.follow2, pooled.follow1
    starts = own.starts or pooled.starts
    word = starts[int(rand() * len(starts))]
    prev = None
    words = [word]
    keep = 1.0 - stray
    count = 1
    while count < limit:
        key = (prev, word)
        # One draw both picks the chain (own below `keep`) and, rescaled, the next word.
        u = rand()
        if u < keep:
            u /= keep
            nexts = own2.get(key) or pooled2.get(key) or pooled1.get(word)
        else:
            u = (u - keep) / stray
            nexts = pooled2.get(key) or pooled1.get(word)
        if not nexts:
            return words, True
        size = len(nexts)
        index = int(u * size)
        prev, word = word, nexts[index if index < size else size - 1]
        if word is None:
            return words, True
        words.append(word)
        count += 1
    return words, False


def _unique(rng: random.Random, own: list, pooled: list, k: int, stray: float = 0.15, key=None) -> list:
    """k distinct items (distinct by `key`), drawn with their real frequencies from the cluster's
    own pool (or, with probability `stray` or when it runs dry, from the pooled one)."""
    chosen: dict = {}
    for _ in range(k * 8):
        if len(chosen) >= k:
            break
        pool = pooled if (not own or rng.random() < stray) else own
        if not pool:
            break
        item = _pick(rng, pool)
        chosen.setdefault(item if key is None else key(item), item)
    return list(chosen.values())


def _second(item: tuple) -> object:
    return item[1]


def _channel_type(channel: dict) -> str:
    return channel["type"]


def _trim_title(words: list[str]) -> list[str]:
    words = [w.strip("،,:؛.") for w in words]
    words = [w for w in words if w]
    while len(words) > TITLE_WORDS[0] and words[-1] in _DANGLING:
        words.pop()
    return words


def _title(rng: random.Random, vocab: Vocabulary, cluster: _Cluster, province: str | None) -> str:
    """A walk on the real titles that ends where a real title ends, sometimes with a qualifier
    («... در استان X», or a real title's tail such as «برای اتباع خارجی»); 3-8 words, and not
    itself a real title (after a few tries, any walk cut to length)."""
    low, high = TITLE_WORDS
    best: list[str] = []
    for attempt in range(20):
        words, ended = _walk(rng, cluster.titles, vocab.everything.titles, high, 0.15)
        words = _trim_title(words)
        if not ended and attempt < 10:
            continue
        room = high - len(words)
        if province and room >= 2 + len(province.split()) and rng.random() < 0.3:
            words += ["در", "استان", *province.split()]
        elif room >= 2 and rng.random() < 0.4:
            tails = cluster.tails if cluster.tails and rng.random() < 0.7 else _GENERIC_TAILS
            tail = _pick(rng, tails).split()
            if len(tail) <= room and tail[-1] not in words:
                words += tail
        words = _trim_title(words[:high])
        if len(words) >= low and _title_key(" ".join(words)) not in vocab.real_titles:
            return " ".join(words)
        if len(words) > len(best):
            best = words
    # Practically unreachable: pad or alter the longest draw so it is neither short nor real.
    while len(best) < low:
        best.append(_pick(rng, vocab.everything.titles.starts))
    if _title_key(" ".join(best)) in vocab.real_titles:
        best = best[:-1] if len(best) > low else best + ["جدید"]
    return " ".join(best)


def _end_sentence(words: list[str]) -> list[str]:
    """Close a sentence that was cut short: no dangling «و», «از», «برای» ... before the full stop."""
    if words and not words[-1].endswith(_SENTENCE_END):
        while len(words) > 3 and words[-1].rstrip("،,:") in _DANGLING:
            words.pop()
        words[-1] = words[-1].rstrip("،,:") + "."
    return words


def _description_body(
    rng: random.Random, vocab: Vocabulary, cluster: _Cluster, budget: int, extra: str | None
) -> list[str]:
    words: list[str] = []
    sentences = 0
    while len(words) < budget:
        sentence, _ = _walk(rng, cluster.text, vocab.everything.text, 45, 0.15)
        words += _end_sentence(sentence)
        sentences += 1
        if extra and sentences == 1:
            words += extra.split()
    return words


class _Mess:
    """The messy orthography of one card: Arabic letters and/or a missing ZWNJ (dropped, or typed
    as a space)."""

    def __init__(self, rng: random.Random):
        kind = rng.choices(("arabic", "drop", "space", "arabic+drop"), (45, 25, 10, 20))[0]
        self.arabic = "arabic" in kind
        self.zwnj = "" if "drop" in kind else " " if kind == "space" else None

    def __call__(self, text: str) -> str:
        if self.arabic:
            text = text.replace("ی", "ي").replace("ک", "ك")
        if self.zwnj is not None:
            text = text.replace(_ZWNJ, self.zwnj)
            if self.zwnj == " ":
                text = re.sub(r" {2,}", " ", text).strip()
        return text


def _fit(text: str, most: int) -> str:
    """At most `most` words (the space variant of a missing ZWNJ splits words)."""
    words = text.split()
    if len(words) <= most:
        return text
    return " ".join(_end_sentence(words[:most]))


def _popularity(rng: random.Random, provincial: bool) -> int:
    """Log-normal, like requests per month: median a few thousand, a tail into the millions."""
    value = rng.lognormvariate(math.log(8000 / (8 if provincial else 1)), 1.5)
    digits = max(math.floor(math.log10(value)) - 1, 0) if value >= 1 else 0
    return max(int(round(value, -digits)), 1)


_FIRST_DAY = datetime.date(2024, 1, 1).toordinal()
_LAST_DAY = datetime.date(2025, 12, 31).toordinal()


def make_card(rng: random.Random, number: int, vocab: Vocabulary) -> dict:
    """Synthetic card number `number` (1-based), drawn from rng."""
    donor = rng.choice(vocab.donors)
    cluster = vocab.clusters[donor["cluster"]]
    pooled = vocab.everything

    agency, parent, province = donor["agency"], donor.get("parent_agency"), None
    offices = vocab.provincial.get(agency)
    if offices and rng.random() < PROVINCIAL_SHARE:
        index = rng.randrange(len(offices))
        agency, parent, province = offices[index], agency, PROVINCES[index]
    level = donor.get("level", "national")
    if province and level == "national":
        level = rng.choice(("provincial", "provincial", "provincial", "local"))

    mess = _Mess(rng) if rng.random() < MESSY_SHARE else None
    messy = mess or (lambda text: text)

    title = _fit(messy(_title(rng, vocab, cluster, province)), TITLE_WORDS[1]).rstrip(".")

    note = SYNTHETIC_NOTE.split()
    low, high = DESCRIPTION_WORDS
    total = round(rng.triangular(low + 2, high - 8, 68))
    extra = None
    if province:
        extra = rng.choice(_PROVINCIAL_SENTENCES).format(province=province, agency=agency)
    body = " ".join(_description_body(rng, vocab, cluster, total - len(note), extra))
    description = " ".join(note) + " " + _fit(messy(body), high - len(note))

    documents = _unique(rng, cluster.documents, pooled.documents, rng.randint(*DOCUMENTS), 0.05)
    steps = _unique(rng, cluster.steps, pooled.steps, rng.randint(*STEPS), 0.05, key=_second)
    steps = [s for _, s in sorted(steps, key=lambda item: item[0])]
    keywords = _unique(rng, cluster.keywords, pooled.keywords, rng.randint(*KEYWORDS), stray=0.05)

    channels: list[dict] = []
    # The channels (and url) of the real agency, so that addresses fit the agency.
    own_channels = vocab.agency_channels.get(donor["agency"]) or cluster.channels
    for ch in _unique(rng, own_channels, pooled.channels, rng.choice((1, 2, 2, 2, 3)), 0.0, key=_channel_type):
        ch = dict(ch)
        if province and ch["type"] in ("counter_office", "in_person") and rng.random() < 0.5:
            ch["address"] = agency
        channels.append(ch)

    card: dict = {
        "id": f"{ID_PREFIX}{number:06d}",
        "synthetic": True,
        "title": title,
        "description": description,
        "agency": agency,
    }
    if parent:
        card["parent_agency"] = parent
    card["cluster"] = donor["cluster"]
    card["audience"] = list(donor.get("audience") or ["citizen"])
    card["level"] = level
    if donor.get("life_events"):
        card["life_events"] = _unique(rng, cluster.life_events, pooled.life_events, rng.randint(1, 2), 0.1)
    card["keywords"] = [messy(k) for k in keywords]
    card["documents"] = [messy(d) for d in documents]
    card["steps"] = [messy(s) for s in steps]
    card["channels"] = channels
    if donor.get("url") and vocab.agency_urls.get(donor["agency"]):
        card["url"] = rng.choice(vocab.agency_urls[donor["agency"]])
    card["e_stages"] = dict(donor.get("e_stages") or {"information": True})
    if donor.get("inquiries"):
        card["inquiries"] = _unique(rng, cluster.inquiries, pooled.inquiries, rng.randint(1, 3), 0.0)
    if donor.get("legal_basis"):
        card["legal_basis"] = _unique(rng, cluster.legal_basis, pooled.legal_basis, rng.randint(1, 2), 0.0)
    card["popularity"] = _popularity(rng, province is not None)
    card["updated_at"] = datetime.date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY)).isoformat()
    return card


def generate(n: int, seed: int = 0, vocab: Vocabulary | None = None) -> Iterator[dict]:
    """n synthetic cards, lazily; the same (n, seed) always gives the same cards, and card k does
    not depend on n."""
    vocab = vocab or vocabulary()
    rng = random.Random(seed)
    for number in range(1, n + 1):
        yield make_card(rng, number, vocab)


def dumps(card: dict) -> str:
    """One JSON Lines line (without the newline): UTF-8 text, NFC, non-ASCII left as is."""
    return _nfc(json.dumps(card, ensure_ascii=False))


def write(n: int, seed: int, out: TextIO | None = None, batch: int = 500) -> None:
    """Stream n cards to `out` (default: stdout as UTF-8 bytes, whatever the locale)."""
    if out is None:
        stream = sys.stdout.buffer

        def emit(text: str) -> None:
            stream.write(text.encode("utf-8"))

    else:
        emit = out.write
    lines: list[str] = []
    for card in generate(n, seed):
        lines.append(dumps(card))
        if len(lines) >= batch:
            emit("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        emit("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Command line.


def catalogue_target(fd: int, root: Path = ROOT) -> Path | None:
    """The bundled card file that file descriptor `fd` writes into, if any (so that
    `python -m corpus.synth N > corpus/services/x.jsonl` is refused)."""
    try:
        out = os.fstat(fd)
    except OSError:
        return None
    for path in sorted(root.glob("*.jsonl")) + sorted((root / "services").glob("*.jsonl")):
        try:
            if os.path.samestat(out, path.stat()):
                return path
        except OSError:
            continue
    return None


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m corpus.synth",
        description='Write N synthetic service cards (ids synth-NNNNNN, "synthetic": true) as '
        "JSON Lines to stdout, for scale runs. Never put them into corpus/services.",
    )
    parser.add_argument("n", type=int, metavar="N", help="how many cards")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(None if argv is None else list(argv))
    if args.n < 0:
        parser.error("N must be 0 or more")
    try:
        target = catalogue_target(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is not a real file
        target = None
    if target is not None:
        print(
            f"corpus.synth: refusing to write synthetic cards into the bundled catalogue "
            f"({target}); redirect to a path outside corpus/ (and delete that file if the shell "
            f"has just created it empty)",
            file=sys.stderr,
        )
        return 2
    try:
        write(args.n, args.seed)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `| head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
