"""Persian typed with the keyboard left on the English layout: `dhvhki` → یارانه.

The map is the Persian standard keyboard (ISIRI 9147) over the QWERTY keys it shares. Keys that
the older Windows layout placed differently (پ on the backslash key) are mapped too, since both
layouts are in use.
"""

from __future__ import annotations

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
