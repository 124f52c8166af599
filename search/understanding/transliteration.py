"""Step: Finglish, Persian typed in Latin letters (gozarnameh, sabt ahval, yaraneh) → Persian words.

Latin spelling of Persian is loose: short vowels are usually written but not in Persian script,
one Latin letter stands for several Persian ones (s → س ص ث, z → ز ذ ض ظ, t → ت ط, h → ه ح), and
digraphs (kh, sh, gh, ch, zh) compete with letter pairs. So each word is expanded letter by letter
into every reading, pruned at each step to prefixes of real index terms, and the readings that end
on a term are ranked by how many cards use the term.

A Latin word is transliterated even when some card uses it: "code posti" means کد پستی.
"""

from __future__ import annotations

from analyzers import Token
from search.understanding.context import Context
from search.understanding.plan import Slot
from search.vocabulary import Vocabulary

SWITCH = "finglish"
WEIGHT = 0.9  # the best reading; each next one 0.1 less

# Latin chunk → Persian readings ("" = a short vowel that Persian script does not write).
_RULES: dict[str, tuple[str, ...]] = {
    "kh": ("خ",),
    "sh": ("ش",),
    "ch": ("چ",),
    "zh": ("ژ",),
    "gh": ("ق", "غ"),
    "gh'": ("غ",),
    "aa": ("ا", "آ"),
    "ee": ("ی",),
    "oo": ("و",),
    "ou": ("و",),
    "ei": ("ی",),
    "ey": ("ی",),
    "ai": ("ای",),
    "a": ("ا", "", "ع"),
    "b": ("ب",),
    "c": ("ک", "س"),
    "d": ("د",),
    "e": ("", "ه", "ی", "ع", "ا"),
    "f": ("ف",),
    "g": ("گ",),
    "h": ("ه", "ح", ""),
    "i": ("ی", "ای"),
    "j": ("ج",),
    "k": ("ک",),
    "l": ("ل",),
    "m": ("م",),
    "n": ("ن",),
    "o": ("", "و", "ا"),
    "p": ("پ",),
    "q": ("ق",),
    "r": ("ر",),
    "s": ("س", "ص", "ث"),
    "t": ("ت", "ط"),
    "u": ("و",),
    "v": ("و",),
    "w": ("و",),
    "x": ("خ", "کس"),
    "y": ("ی",),
    "z": ("ز", "ذ", "ض", "ظ"),
    "'": ("ع", "ئ", ""),
}
# At the start of a word a vowel needs its carrier: a → ا / آ, e and o → ا, i → ای, u → او.
_INITIAL: dict[str, tuple[str, ...]] = {
    "a": ("ا", "آ", "ع"),
    "aa": ("آ",),
    "e": ("ا", "ع"),
    "o": ("ا", "او", "ع"),
    "i": ("ای", "ا"),
    "u": ("او",),
    "ou": ("او",),
    "ee": ("ای",),
    "ei": ("ای",),
}
# At the end: -e and -eh are the silent ه of نامه; -a is ا.
_FINAL: dict[str, tuple[str, ...]] = {"e": ("ه", "ی", ""), "eh": ("ه",), "a": ("ا", "ه"), "i": ("ی",)}

BEAM = 400


def _chunks(word: str, i: int):
    for size in (3, 2, 1):
        chunk = word[i : i + size]
        if len(chunk) == size:
            yield chunk


def candidates(word: str, vocab: Vocabulary, limit: int = 3) -> list[str]:
    """Index terms that `word` (lower-case Latin) may be a transliteration of, best first."""
    word = word.lower()
    if not word.isalpha() or not word.isascii() or len(word) < 2:
        return []
    prefixes = vocab.prefixes
    states: set[tuple[int, str]] = {(0, "")}
    done: set[str] = set()
    while states:
        nxt: set[tuple[int, str]] = set()
        for i, built in states:
            if i == len(word):
                if built in vocab:
                    done.add(built)
                elif built.endswith("ی") and built[:-1] in vocab:
                    done.add(built[:-1])  # posti → پستی → the index term پست
                continue
            for chunk in _chunks(word, i):
                end = i + len(chunk)
                readings = _RULES.get(chunk, ())
                if i == 0 and chunk in _INITIAL:
                    readings = _INITIAL[chunk]
                elif end == len(word) and chunk in _FINAL:
                    readings = _FINAL[chunk]
                for r in readings:
                    # A doubled consonant is one letter with a shadda: melli → ملی.
                    if r and built.endswith(r) and i > 0 and word[i - 1] == word[i] and chunk[0] not in "aeiou":
                        r = ""
                    candidate = built + r
                    if not candidate or candidate in prefixes or (r == "ی" and end == len(word) and built in prefixes):
                        nxt.add((end, candidate))
        states = set(sorted(nxt, key=lambda s: (-s[0], s[1]))[:BEAM])
    return sorted(done, key=lambda t: (-vocab.freq(t), t))[:limit]


def is_latin(word: str) -> bool:
    return word.isascii() and word.isalpha()


def expand(slot: Slot, term: Token, ctx: Context) -> None:
    """The Persian index terms a Latin word may stand for, best first."""
    if not ctx.signals.finglish or not is_latin(term.text):
        return
    found = candidates(term.text, ctx.lex.vocab, 2)
    for rank, cand in enumerate(found):
        slot.add((cand,), WEIGHT - 0.1 * rank, "transliteration")
    if found:
        ctx.note("transliteration", term.text, found[0])
        ctx.fixes[term.pos] = found[0]
