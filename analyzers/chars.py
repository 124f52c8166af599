"""Character folds: the first filter of the chain, applied to raw text before hazm sees it.

Each fold removes a way of writing the same Persian word with different code points:
Arabic letter forms, presentation forms, ZWNJ look-alikes, diacritics, digits in three scripts,
thousands separators and Latin case. Alef and hamza forms are folded later (see hamza.py),
because hazm's lexicon, used for spacing, still needs to see them.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

# Characters people (and keyboards, and word processors) put where a ZWNJ belongs.
# U+00AC (¬) is what a ZWNJ becomes when text passes through a Windows-1256 round trip,
# and is what some Persian keyboards on Windows type with Shift+B.
_ZWNJ_LOOKALIKES = {
    "\u200b": ZWNJ,  # zero width space
    "\u200d": ZWNJ,  # zero width joiner
    "\u00ac": ZWNJ,  # not sign
    "\u00ad": ZWNJ,  # soft hyphen
    "\u2060": ZWNJ,  # word joiner
    "\ufeff": ZWNJ,  # zero width no-break space (BOM inside text)
}

_LETTERS = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u06d2": "\u06cc",  # YEH BARREE
    "\u06d0": "\u06cc",  # E
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06c0": "\u0647",  # HEH WITH YEH ABOVE (ezafe) -> HEH
    "\u06d5": "\u0647",  # AE
    "\u06c1": "\u0647",  # HEH GOAL
    "\u06be": "\u0647",  # HEH DOACHASHMEE
    "\u0640": "",  # TATWEEL (kashida), pure decoration
}

# Harakat, tanwin, shadda, sukun, superscript alef, hamza above/below as marks, Quranic marks.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]")

# Bidi controls and other invisible formatting that must never split or hide a word.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})

# A thousands separator sits between a digit and exactly three digits: 1,250,000 / ۱٬۲۵۰٬۰۰۰.
_THOUSANDS = re.compile(r"(?<=\d)[,\u066c\u060c'\u2019](?=\d{3}(?!\d))")
# The Arabic decimal separator reads as a point.
_DECIMAL = re.compile(r"(?<=\d)\u066b(?=\d)")

_TABLE = str.maketrans({**_ZWNJ_LOOKALIKES, **_LETTERS, **_DIGITS})


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


def fold_letters(text: str) -> str:
    """Only the one-to-one letter and digit folds, for text known to be clean (hazm's lexicon)."""
    return text.translate(_TABLE)


_ZWNJ_RUN = re.compile(r"\u200c{2,}")
_ZWNJ_LOOSE = re.compile(r"\u200c(?=[\s\W]|$)|(?<=[\s\W])\u200c|^\u200c")


def fold_characters(text: str) -> str:
    """Return `text` with every character-level spelling variant folded to one form."""
    # NFKC turns Arabic presentation forms (ﻛ ﯾ ﷲ …) and full-width Latin into plain letters;
    # it leaves ZWNJ alone.
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.translate(_TABLE)
    text = _DIACRITICS.sub("", text)
    # A ZWNJ next to a space, another ZWNJ or the end of a word joins nothing.
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    text = _ZWNJ_LOOSE.sub("", text)
    # Separators last: removing an invisible character above can bring a digit group together.
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub(".", text)
    return text.casefold()
