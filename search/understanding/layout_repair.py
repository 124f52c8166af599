"""Step: Persian typed with the keyboard left on the English layout: `dhvhki` → یارانه.

The map is the Persian standard keyboard (ISIRI 9147) over the QWERTY keys it shares. Keys that
the older Windows layout placed differently (پ on the backslash key) are mapped too, since both
layouts are in use. The whole text is replaced, before analysis, only when the mapped text means
more to the index than the text as typed: `code posti` stays Latin (for transliteration).
"""

from __future__ import annotations

from analyzers import analyze
from search.understanding import transliteration
from search.understanding.context import Context

SWITCH = "layout"

QWERTY_TO_PERSIAN = {
    "q": "ض",
    "w": "ص",
    "e": "ث",
    "r": "ق",
    "t": "ف",
    "y": "غ",
    "u": "ع",
    "i": "ه",
    "o": "خ",
    "p": "ح",
    "[": "ج",
    "]": "چ",
    "a": "ش",
    "s": "س",
    "d": "ی",
    "f": "ب",
    "g": "ل",
    "h": "ا",
    "j": "ت",
    "k": "ن",
    "l": "م",
    ";": "ک",
    "'": "گ",
    "z": "ظ",
    "x": "ط",
    "c": "ز",
    "v": "ر",
    "b": "ذ",
    "n": "د",
    "m": "پ",
    ",": "و",
    "\\": "پ",  # پ sat on the backslash key in the older Windows layout
    # Shift level: ؤ ئ ي إ أ آ ة ژ, ZWNJ on Shift+B, ء on Shift+M, ك on Shift+Z.
    "A": "ؤ",
    "S": "ئ",
    "D": "ی",
    "F": "إ",
    "G": "أ",
    "H": "آ",
    "J": "ة",
    "C": "ژ",
    "B": "\u200c",
    "M": "ء",
    "Z": "ک",
    "`": "\u200c",
}

_KEYS = set(QWERTY_TO_PERSIAN)


def looks_mistyped(text: str) -> bool:
    """Latin keys only, and at least one of them a letter: a candidate for mapping back."""
    stripped = text.replace(" ", "")
    return (
        bool(stripped)
        and stripped.isascii()
        and any(c.isalpha() for c in stripped)
        and all(c in _KEYS or c.lower() in _KEYS or c.isdigit() for c in stripped)
    )


def to_persian(text: str) -> str:
    """Map each key back to the Persian letter it carries. With Caps Lock on, every letter is
    upper case: then the lower-case key is meant."""
    caps = text.isupper()
    return "".join(QWERTY_TO_PERSIAN.get(c.lower() if caps else c, QWERTY_TO_PERSIAN.get(c.lower(), c)) for c in text)


def repair(text: str, ctx: Context) -> str:
    """The text to analyse: `text` itself, or what its keys carry on the Persian layout."""
    if not ctx.signals.layout or not looks_mistyped(text):
        return text
    mapped = to_persian(text)
    if coverage(mapped, ctx) > max(0.49, coverage(text, ctx)):
        ctx.note("layout", text, mapped)
        return mapped
    return text


def coverage(text: str, ctx: Context) -> float:
    """Share of the text's words that would find something in this index."""
    words = [t.text for t in analyze(text, parts=False, joined=False)]
    if not words:
        return 0.0
    finglish = ctx.signals.finglish
    hits = sum(
        1
        for w in words
        if w in ctx.lex.known or (finglish and w.isascii() and transliteration.candidates(w, ctx.lex.vocab, 1))
    )
    return hits / len(words)
