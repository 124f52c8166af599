"""The national e-readiness report of one generation, computed from its cards alone.

How electronic each agency, parent ministry and cluster is, how complete its service cards are and
which agencies its services ask through the government service bus. It lives in `store/` because
two sides need the same figures: the server computes the report once when it loads a generation
(search/generation.py), and the indexer appends the report's summary to the history
(store/report_history.py) when it publishes one. Both must agree to the last digit, so there is
one computation, and `store/` is the one package both may import.

The rules:

- A service's **e-readiness** is the share of its four stages (information, application,
  processing, delivery) that are electronic; a card without `e_stages` has none. A group's
  e-readiness is the mean over its services; its stage shares are the share of its services
  electronic at each stage; **fully electronic** means all four stages, **information only** the
  information stage and no other.
- Groups: the card's `agency`; its `parent_agency` (an agency without one stands alone, under its
  own name); its `cluster`. Each ranking puts the highest e-readiness first and ties share a rank
  (more services, then the name, order the listing), as `/api/v1/agencies` always has.
- **Card quality** (`CHECKS`): a card is complete when it fails none of the checks; each agency
  gets the share of its complete cards and, per check, the ids of the cards that fail it.
- **Inquiries**: each line of a card's `inquiries` is searched for the agencies of the catalogue
  by their full names and usual short names (`AgencyNames`); an inquiry of an agency's own is not
  inter-agency and is left out.

Shares and means are rounded to 4 decimals, the way the ranking always was.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

STAGES = ("information", "application", "processing", "delivery")
LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)  # the e-readiness a service can have
NOTHING: tuple = ()
NATIONAL_FIGURES = ("e_readiness", "stages", "fully_electronic", "information_only", "complete_share")  # in the history
MIN_DESCRIPTION_WORDS = 6  # the shortest sentence that says what a service is, for whom and how

# Each check's name and the rule it applies, as the report documents it.
CHECKS = {
    "no_url": "the application stage is electronic but the card has no url to apply at",
    "no_documents": "the card lists no required documents",
    "no_steps": "the card lists no steps",
    "no_channels": "the card lists no channel to receive the service through",
    "stale": "updated_at is missing, not a date, or more than a year before the generation was published",
    "short_description": f"the description is missing or shorter than a sentence ({MIN_DESCRIPTION_WORDS} words)",
}

# Usual short names that cannot be derived from an agency's full name (see AgencyNames): an
# acronym the catalogue's own inquiries use. Only used when the agency is in the catalogue.
SHORT_NAMES = {
    "راهور": "پلیس راهنمایی و رانندگی فراجا",
}
# Words a full name may end with that its short name leaves out («سازمان ثبت احوال کشور» is «ثبت احوال»).
_QUALIFIERS = ("جمهوری اسلامی ایران", "فراجا", "کشور", "ایران")
_GENERIC_HEAD = "سازمان"


def round4(x: float) -> float:
    return round(x, 4)


def stages_of(card: dict) -> dict[str, bool]:
    stages = card.get("e_stages") or {}
    return {s: bool(stages.get(s)) for s in STAGES}


def published_at(generation: str) -> datetime:
    """A generation's publication time, from its name (<seq>-<UTC time>, store/layout.py)."""
    try:
        return datetime.strptime(generation.split("-", 1)[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (IndexError, ValueError):
        return datetime.now(UTC)


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def failed_checks(card: dict, as_of: date) -> list[str]:
    """The names of the CHECKS this card fails, in CHECKS order."""
    failed = []
    if stages_of(card)["application"] and not str(card.get("url") or "").strip():
        failed.append("no_url")
    if not card.get("documents"):
        failed.append("no_documents")
    if not card.get("steps"):
        failed.append("no_steps")
    if not card.get("channels"):
        failed.append("no_channels")
    try:
        updated = date.fromisoformat(str(card.get("updated_at") or ""))
    except ValueError:
        updated = None
    if updated is None or updated < year_before(as_of):
        failed.append("stale")
    if len(str(card.get("description") or "").split()) < MIN_DESCRIPTION_WORDS:
        failed.append("short_description")
    return failed


# -- recognising agencies in inquiries ------------------------------------------------------------

_FOLDS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "\u200c": " ", "\u200f": " "}
)
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Text as words separated by single spaces: Arabic letter forms, diacritics, half-spaces and
    punctuation («،», parentheses) do not matter when names are compared."""
    text = _MARKS.sub("", unicodedata.normalize("NFC", text).translate(_FOLDS))
    return " ".join(_NOT_WORD.sub(" ", text).split())


class AgencyNames:
    """Finds the catalogue's agencies named in a text, by full name or usual short name.

    Short names are derived from the full names the way they are commonly shortened, and kept
    only when they name one agency and are not another agency's full name:
    - the name before its first comma («وزارت علوم، تحقیقات و فناوری» → «وزارت علوم»);
    - the name without a trailing qualifier or the name of another agency or parent it ends with
      («پلیس مهاجرت و گذرنامه فراجا» → «پلیس مهاجرت و گذرنامه», «بیمه مرکزی جمهوری اسلامی ایران»
      → «بیمه مرکزی», «اداره کل امور اتباع و مهاجرین خارجی وزارت کشور» → «اداره کل امور اتباع و
      مهاجرین خارجی»), and that without a leading «سازمان» («سازمان ثبت احوال کشور» → «ثبت احوال»);
    - the acronyms in SHORT_NAMES.
    A short name has at least two words (unless listed in SHORT_NAMES): «وزارت» alone names nothing.
    Where names overlap in a text the longest wins («سازمان تأمین اجتماعی نیروهای مسلح» is not
    also «سازمان تأمین اجتماعی»).
    """

    def __init__(self, agencies: Iterable[str], parents: Iterable[str] = ()):
        agencies = sorted(set(agencies))
        full = {fold(a): a for a in agencies}
        tails = sorted({fold(n) for n in (*_QUALIFIERS, *agencies, *parents)} - {""}, key=len, reverse=True)
        candidates: dict[str, set[str]] = defaultdict(set)
        for agency in agencies:
            for short in self._short_forms(agency, tails):
                if short not in full and len(short.split()) >= 2:
                    candidates[short].add(agency)
        names = dict(full)
        names.update({short: next(iter(owners)) for short, owners in candidates.items() if len(owners) == 1})
        for short, agency in SHORT_NAMES.items():
            if agency in full.values():
                names.setdefault(fold(short), agency)
        # Filed under their first word, longest first: a text is searched only for the names whose
        # first word it has, and a longer name found in it hides the shorter ones inside it.
        self._found: dict[str, list[str]] = {}
        self._by_first_word: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for name, agency in sorted(names.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            self._by_first_word[name.split(" ", 1)[0]].append((name, agency))

    @staticmethod
    def _short_forms(agency: str, tails: list[str]) -> set[str]:
        forms = set()
        head = re.split(r"[،,]", agency, maxsplit=1)[0]
        if head != agency:
            forms.add(fold(head))
        name = fold(agency)
        stripped = True
        while stripped:
            stripped = False
            for tail in tails:
                if name != tail and name.endswith(" " + tail):
                    name = name[: -len(tail) - 1]
                    forms.add(name)
                    stripped = True
                    break
        for form in [fold(agency), *forms]:
            if form.startswith(_GENERIC_HEAD + " "):
                forms.add(form[len(_GENERIC_HEAD) + 1 :])
        forms.discard(fold(agency))
        return forms

    def find(self, text: str) -> list[str]:
        """The agencies named in `text`, in the order they appear."""
        found = self._found.get(text)
        if found is None:  # the same inquiry is written on many cards
            found = self._found[text] = self._find(text)
        return found

    def _find(self, text: str) -> list[str]:
        folded = fold(text)
        lists = [self._by_first_word[w] for w in set(folded.split(" ")) if w in self._by_first_word]
        if not lists:
            return []
        hay = f" {folded} "
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str]] = []
        for name, agency in sorted((pair for names in lists for pair in names), key=lambda kv: (-len(kv[0]), kv[0])):
            start = hay.find(f" {name} ")
            while start >= 0:
                span = (start, start + len(name) + 2)
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    taken.append(span)
                    found.append((start, agency))
                start = hay.find(f" {name} ", start + 1)
        seen: dict[str, None] = {}
        for _, agency in sorted(found):
            seen.setdefault(agency, None)
        return list(seen)


# -- the report -----------------------------------------------------------------------------------


class _Group:
    """Running totals of one agency, ministry, cluster or the nation."""

    __slots__ = ("complete", "count", "fully", "info_only", "readiness", "stages")

    def __init__(self):
        self.count = 0
        self.readiness = 0.0
        self.stages = dict.fromkeys(STAGES, 0)
        self.fully = 0
        self.info_only = 0
        self.complete = 0

    def add(self, stages: dict[str, bool], complete: bool) -> None:
        self.count += 1
        self.readiness += sum(stages.values()) / len(STAGES)
        for s in STAGES:
            self.stages[s] += stages[s]
        self.fully += all(stages.values())
        self.info_only += stages["information"] and not any(stages[s] for s in STAGES[1:])
        self.complete += complete

    def figures(self) -> dict:
        n = self.count or 1
        return {
            "count": self.count,
            "e_readiness": round4(self.readiness / n),
            "stages": {s: round4(self.stages[s] / n) for s in STAGES},
            "fully_electronic": round4(self.fully / n),
            "information_only": round4(self.info_only / n),
            "complete_share": round4(self.complete / n),
        }


def ranked(groups: dict[str, _Group], **extra: dict[str, dict]) -> list[dict]:
    """One row per group, highest e-readiness first; ties share a rank."""
    rows = []
    for value, group in groups.items():
        row = {"value": value, **group.figures()}
        for field, by_value in extra.items():
            row[field] = by_value.get(value)
        rows.append(row)
    return rank_rows(rows)


def rank_rows(rows: list[dict]) -> list[dict]:
    """Rows of {"value", "count", "e_readiness", …} ordered highest e-readiness first (more services,
    then the name, break ties in the listing), each with its `rank`: ties share one."""
    rows.sort(key=lambda r: (-r["e_readiness"], -r["count"], r["value"]))
    rank, previous = 0, None
    for n, row in enumerate(rows, start=1):
        if row["e_readiness"] != previous:
            rank, previous = n, row["e_readiness"]
        row["rank"] = rank
    return rows


@dataclass
class Report:
    """`national`: what `GET /api/v1/report` answers; `agencies`: each agency's own page (its
    figures, cards to fix and inquiries), by name."""

    national: dict
    agencies: dict[str, dict]

    def summary(self) -> dict:
        """What the history keeps of this report (store/report_history.py): the national figures,
        and each agency's and ministry's headline figures (not its stages: the history grows by
        one such entry per publication)."""
        n = self.national
        return _summary(n["generation"], n["published_at"], n["services"], n, n["by_agency"], n["by_parent"])


_HEADLINE = ("count", "e_readiness", "rank", "fully_electronic", "complete_share")


def _summary(generation: str, published: str, services: int, national: dict, agency_rows, parent_rows) -> dict:
    return {
        "generation": generation,
        "published_at": published,
        "national": {"count": services, **{k: national[k] for k in NATIONAL_FIGURES}},
        "agencies": {r["value"]: {k: r[k] for k in _HEADLINE} for r in agency_rows},
        "parents": {r["value"]: {k: r[k] for k in _HEADLINE} for r in parent_rows},
    }


def summary(cards: Iterable[dict], generation: str) -> dict:
    """`build(cards, generation).summary()` at a fraction of its cost (it is written at every
    publication, single-card changes included): only the groups the summary shows, each card's
    checks run once, and no per-agency pages."""
    published = published_at(generation)
    as_of = published.date()
    nation = _Group()
    by_agency: dict[str, _Group] = defaultdict(_Group)
    by_parent: dict[str, _Group] = defaultdict(_Group)
    for card in cards:
        stages = stages_of(card)
        complete = not failed_checks(card, as_of)
        agency = card["agency"]
        # The same groups, fed in the same order as build's: the same sums to the last bit.
        for group in (nation, by_agency[agency], by_parent[card.get("parent_agency") or agency]):
            group.add(stages, complete)
    when = published.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _summary(generation, when, nation.count, nation.figures(), ranked(by_agency), ranked(by_parent))


def _agencies_and_parents(cards: Iterable[dict]) -> tuple[set[str], set[str]]:
    agencies: set[str] = set()
    parents: set[str] = set()
    for card in cards:
        agencies.add(card["agency"])
        if card.get("parent_agency"):
            parents.add(card["parent_agency"])
    return agencies, parents


def build(cards: Iterable[dict], generation: str, *, inquiries: bool = True) -> Report:
    """The report of a generation named `generation` (its publication date dates the cards).
    `inquiries=False` leaves the inquiries out (the history's summary has none of them).

    `cards` is read twice when inquiries are counted, first for the agencies' names: give a list
    or anything that reads the cards again when iterated again (store.card_files.EveryCard), so a
    large catalogue is never held whole; a one-shot iterator is read into a list."""
    if iter(cards) is cards:
        cards = list(cards)
    published = published_at(generation)
    as_of = published.date()
    names = AgencyNames(*_agencies_and_parents(cards)) if inquiries else None

    shared: dict[tuple, object] = {}
    nation = _Group()
    by_agency: dict[str, _Group] = defaultdict(_Group)
    by_parent: dict[str, _Group] = defaultdict(_Group)
    by_cluster: dict[str, _Group] = defaultdict(_Group)
    parents_of: dict[str, Counter] = defaultdict(Counter)
    agencies_under: dict[str, set[str]] = defaultdict(set)
    distribution = Counter()
    failing = Counter()
    agency_cards: dict[str, list[dict]] = defaultdict(list)
    asked_by: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # asked → asker → ids
    asked_electronic: Counter = Counter()  # asked → electronic services of other agencies asking it
    with_inquiries = electronic_with_inquiries = inquiry_lines = unrecognised = 0

    for card in cards:
        # Cards share one stages dict and one failed list per combination (there are few): the
        # report stays small beside the generation it belongs to.
        stages = shared.setdefault(tuple(stages_of(card).items()), stages_of(card))
        failed = shared.setdefault(tuple(failed_checks(card, as_of)), failed_checks(card, as_of))
        agency = card["agency"]
        parent = card.get("parent_agency") or agency
        complete = not failed
        for group in (nation, by_agency[agency], by_parent[parent], by_cluster[card["cluster"]]):
            group.add(stages, complete)
        if card.get("parent_agency"):
            parents_of[agency][card["parent_agency"]] += 1
        agencies_under[parent].add(agency)
        distribution[sum(stages.values())] += 1
        failing.update(failed)

        depends_on: list[str] = []
        for line in (card.get("inquiries") or ()) if names else ():
            inquiry_lines += 1
            named = names.find(line)
            if not named:
                unrecognised += 1
            for other in named:
                if other != agency and other not in depends_on:
                    depends_on.append(other)
        if depends_on:
            with_inquiries += 1
            electronic_with_inquiries += stages["application"]
            for other in depends_on:
                asked_by[other][agency].append(card["id"])
                asked_electronic[other] += stages["application"]
        agency_cards[agency].append(
            {
                "id": card["id"],
                "title": card.get("title", ""),
                "cluster": sys.intern(card["cluster"]),
                "e_readiness": LEVELS[sum(stages.values())],  # as /api/v1/services/{id} reports it
                "stages": stages,
                "electronic": stages["application"],
                "failed": failed,
                "depends_on": depends_on or NOTHING,
            }
        )

    parent_of = {a: c.most_common(1)[0][0] for a, c in parents_of.items()}
    agency_rows = ranked(by_agency, parent=parent_of)
    parent_rows = ranked(by_parent, agencies={p: len(a) for p, a in agencies_under.items()})
    most_asked = sorted(
        (
            {
                "agency": asked,
                "services": sum(len(ids) for ids in askers.values()),
                "agencies": len(askers),
                "electronic_services": asked_electronic[asked],
            }
            for asked, askers in asked_by.items()
        ),
        key=lambda r: (-r["services"], -r["agencies"], r["agency"]),
    )
    national = {
        "generation": generation,
        "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "services": nation.count,
        "agencies": len(by_agency),
        "parents": len(by_parent),
        "clusters": len(by_cluster),
        **{k: v for k, v in nation.figures().items() if k != "count"},
        "distribution": [{"e_readiness": level, "count": distribution[n]} for n, level in enumerate(LEVELS)],
        "by_agency": agency_rows,
        "by_parent": parent_rows,
        "by_cluster": ranked(by_cluster),
        "quality": {
            "checks": [{"check": name, "rule": rule, "failing": failing[name]} for name, rule in CHECKS.items()],
        },
        "inquiries": {
            "lines": inquiry_lines,
            "unrecognised": unrecognised,
            "services": with_inquiries,
            "electronic_services": electronic_with_inquiries,
            "most_asked": most_asked,
        },
    }

    rows = {r["value"]: r for r in agency_rows}
    agencies = {}
    for agency, items in agency_cards.items():
        items.sort(key=lambda c: (-len(c["failed"]), c["title"], c["id"]))
        depends: dict[str, list[str]] = defaultdict(list)
        for item in items:
            for other in item["depends_on"]:
                depends[other].append(item["id"])
        askers = asked_by.get(agency, {})
        agencies[agency] = {
            "generation": generation,
            "agency": agency,
            "parent": parent_of.get(agency),
            "figures": rows[agency],
            "checks": {name: [c["id"] for c in items if name in c["failed"]] for name in CHECKS},
            "cards": items,
            "inquiries": {
                "depends_on": sorted(
                    ({"agency": a, "services": ids} for a, ids in depends.items()),
                    key=lambda r: (-len(r["services"]), r["agency"]),
                ),
                "asked_by": {
                    "services": sum(len(ids) for ids in askers.values()),
                    "agencies": sorted(
                        ({"agency": a, "services": len(ids)} for a, ids in askers.items()),
                        key=lambda r: (-r["services"], r["agency"]),
                    ),
                },
            },
        }
    return Report(national, agencies)
