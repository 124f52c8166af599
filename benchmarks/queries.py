"""Benchmark queries: the judged ones, and many distinct ones drawn from a corpus' own vocabulary.

The distinct queries are generated deterministically (seeded) from the cards being searched, so the
same corpus always gives the same list, in the same order:

- title word n-grams (1-4 words) and whole titles,
- keywords (as written on the cards),
- description and step word n-grams (2-3 words),
- a title fragment with a word of the agency or cluster name ("گذرنامه ثبت احوال"),
- misspellings of the above: a letter dropped, doubled or swapped with its neighbour, Arabic ي/ك
  for ی/ک, the half-space (ZWNJ) dropped or typed as a space.

Each category is shuffled and the categories are interleaved by fixed weights, so any prefix of the
list (a short run, a time-bounded engine run) is a fair sample of the whole mix.
"""

from __future__ import annotations

import json
import random
import urllib.parse
from pathlib import Path

from benchmarks.common import ROOT

JUDGMENTS = ROOT / "corpus" / "judgments" / "queries.tsv"
MAX_Q = 200  # the API's limit on q
SAMPLE_CARDS = 5000  # queries are drawn from at most this many cards (a seeded sample)
ZWNJ = "\u200c"

# Category → share of the mix.
WEIGHTS = {
    "title_ngram": 0.30,
    "keyword": 0.15,
    "misspelled": 0.15,
    "text_ngram": 0.15,
    "title_plus_agency": 0.10,
    "single_word": 0.08,
    "whole_title": 0.07,
}


def judged() -> list[str]:
    """Column 3 of corpus/judgments/queries.tsv, in file order."""
    out = []
    for n, line in enumerate(JUDGMENTS.read_text("utf-8").splitlines()):
        cols = line.split("\t")
        if n == 0 or len(cols) < 3 or not cols[2].strip():
            continue
        out.append(cols[2].strip())
    return out


def read_cards(path: Path) -> list[dict]:
    files = sorted((path / "services").glob("*.jsonl")) if path.is_dir() else [path]
    cards = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    cards.append(json.loads(line))
    return cards


def _words(text: str) -> list[str]:
    return [
        w
        for w in text.replace("،", " ")
        .replace("؛", " ")
        .replace(".", " ")
        .replace(":", " ")
        .replace("(", " ")
        .replace(")", " ")
        .split()
        if w
    ]


def _ngrams(words: list[str], lo: int, hi: int):
    for n in range(lo, hi + 1):
        for i in range(len(words) - n + 1):
            yield " ".join(words[i : i + n])


def misspell(q: str, rng: random.Random) -> str:
    kind = rng.randrange(6)
    words = q.split(" ")
    if kind == 0 and ("ی" in q or "ک" in q):
        return q.replace("ی", "ي").replace("ک", "ك")
    if kind == 1 and ZWNJ in q:
        return q.replace(ZWNJ, rng.choice(["", " "]))
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) < 4:
        return q.replace(ZWNJ, " ") if ZWNJ in q else q + "ها"
    j = rng.randrange(1, len(w) - 1)
    if kind in (0, 2):
        w = w[:j] + w[j + 1 :]  # a letter dropped
    elif kind in (1, 3):
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # neighbours swapped
    elif kind == 4:
        w = w[:j] + w[j] + w[j:]  # a letter doubled
    else:
        w = w[:j] + rng.choice("اوردنمسی") + w[j + 1 :]  # a letter replaced
    words[i] = w
    return " ".join(words)


def distinct(cards: list[dict], n: int, seed: int = 1404, exclude: set[str] | None = None) -> list[str]:
    """`n` distinct queries (fewer only if the corpus cannot give that many) from the cards' words."""
    rng = random.Random(seed)
    if len(cards) > SAMPLE_CARDS:  # plenty of words; keeps a 50,000-card corpus quick to draw from
        cards = random.Random(seed).sample(cards, SAMPLE_CARDS)
    pools: dict[str, list[str]] = {k: [] for k in WEIGHTS}
    for card in cards:
        title = _words(card.get("title", ""))
        pools["whole_title"].append(" ".join(title))
        pools["title_ngram"] += list(_ngrams(title, 2, 4))
        pools["single_word"] += [w for w in title if len(w) > 2]
        pools["keyword"] += [k for k in card.get("keywords") or [] if k.strip()]
        text = _words(card.get("description") or "")
        steps = [w for s in card.get("steps") or [] for w in _words(s)]
        pools["text_ngram"] += list(_ngrams(text, 2, 3)) + list(_ngrams(steps, 2, 3))
        side = _words(card.get("agency", "")) + _words(card.get("cluster", ""))
        side = [w for w in side if len(w) > 2]
        if title and side:
            for _ in range(4):
                k = rng.randint(1, min(3, len(title)))
                i = rng.randrange(len(title) - k + 1)
                pools["title_plus_agency"].append(" ".join(title[i : i + k] + [rng.choice(side)]))
    base = pools["title_ngram"] + pools["keyword"] + pools["whole_title"]
    base = list(dict.fromkeys(base))
    rng.shuffle(base)
    pools["misspelled"] = [misspell(q, rng) for q in base[: max(4 * n, 1000)]]

    for name in pools:
        unique = list(dict.fromkeys(q.strip() for q in pools[name] if q.strip() and len(q.strip()) <= MAX_Q))
        rng.shuffle(unique)
        pools[name] = unique

    seen: set[str] = set(exclude or ())
    out: list[str] = []
    cursor = {k: 0 for k in WEIGHTS}
    credit = {k: 0.0 for k in WEIGHTS}
    while len(out) < n:
        progressed = False
        for name, w in WEIGHTS.items():
            credit[name] += w
            while credit[name] >= 1.0 and len(out) < n:
                pool = pools[name]
                while cursor[name] < len(pool) and pool[cursor[name]] in seen:
                    cursor[name] += 1
                if cursor[name] >= len(pool):
                    credit[name] = 0.0
                    break
                q = pool[cursor[name]]
                cursor[name] += 1
                seen.add(q)
                out.append(q)
                credit[name] -= 1.0
                progressed = True
        if not progressed and all(cursor[k] >= len(pools[k]) for k in WEIGHTS):
            break
    return out


def search_path(q: str, size: int = 10) -> str:
    return f"/api/v1/search?q={urllib.parse.quote(q, safe='')}&size={size}"


def write_paths(path: Path, queries: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(search_path(q) + "\n" for q in queries), "utf-8")
    return path


def write_queries(path: Path, queries: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    return path
