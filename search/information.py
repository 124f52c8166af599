"""How much a query word says about which service is meant.

A catalogue's own statistics mislead on citizens' questions: the words a card rarely uses are
often the everyday words of a question (why, yesterday, my son, ten, in front of), so by IDF alone
they outweigh the service words. General Persian word frequencies (wordfreq: about 31,000 words
from subtitles, the web and social media, spoken forms included) tell them apart: a service word
is one the catalogue uses far more often than everyday Persian does (تمدید, شناسنامه, مجوز, and
ملی or کارت too), an everyday word one it uses less (وقت, پسر, دکتر, ولی).
"""

from __future__ import annotations

import functools
import math

from wordfreq import zipf_frequency

WORDS_PER_TEXT = 100  # how long a text of everyday Persian is taken to be, for its chance of a word
FLOOR = 0.15  # the least an everyday word is worth, as a share of its IDF
UNKNOWN_EVERYDAY = 5.3  # a word no card uses is everyday context from this Zipf frequency on


@functools.lru_cache(maxsize=50_000)
def zipf(term: str) -> float:
    """The term's Zipf frequency in general Persian: log10 of its occurrences per billion words
    (6 for ولی or روز, 4 for شناسنامه or گمرک; 0 for a word wordfreq does not list)."""
    return zipf_frequency(term, "fa")


def _everyday_share(term: str) -> float:
    """The share of everyday texts of WORDS_PER_TEXT words that would have the term."""
    per_word = 10 ** (zipf(term) - 9)
    return -math.expm1(-WORDS_PER_TEXT * per_word)


def service_factor(terms: tuple[str, ...], doc_freq: int, docs: int) -> float:
    """1 for a word the catalogue uses at least as often as everyday Persian, less (down to FLOOR)
    for one it uses less: the share of cards having it over the share of everyday texts having it.
    For several words, the rarest in everyday Persian decides."""
    everyday = min((_everyday_share(t) for t in terms), default=0.0)
    if everyday <= 0.0:
        return 1.0
    return max(FLOOR, min(1.0, min(doc_freq, docs) / docs / everyday))


def unknown_is_context(terms: tuple[str, ...]) -> bool:
    """A word no card uses that is everyday Persian (الان, دیروز) is context, not what is asked for."""
    return max((zipf(t) for t in terms), default=0.0) >= UNKNOWN_EVERYDAY


def warm_up() -> None:
    """Load the word frequencies now (a first search must not pay for it)."""
    zipf("و")


def idf(doc_freq: int, docs: int) -> float:
    return math.log1p(docs / max(1, doc_freq))
