"""Alef and hamza folds: مسئول/مسؤول/مسوول, هیئت/هیأت/هیات, ارائه/ارایه, امضاء/امضا, تأمین/تامین.

Persian writes the hamza on different seats (ئ ؤ أ) or leaves it out, and which letter replaces it
when it is left out is a fact about each word, not a rule: ارائه becomes ارایه (ی), but مسئول becomes
مسوول (و) and هیئت becomes هیات (ا). So the fold is a rule plus a small table:

1. the rule: أ إ ٱ آ → ا, ؤ → و, ئ → ی, ء → nothing;
2. the table (data/hamza_variants.tsv, generated from hazm's lexicon by
   `python -m analyzers.build_hamza_table`): where the rule's ی-spelling is not a Persian word but a
   spelling with ا or و is, the rule's result is mapped to that spelling (مسیول → مسوول).
"""

from __future__ import annotations

import functools

from analyzers import data_tables

_RULE = str.maketrans({"أ": "ا", "إ": "ا", "ٱ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ی", "ء": ""})
HAMZA_CHARS = frozenset("أإٱآؤئء")


def fold_rule(word: str) -> str:
    """The context-free part of the fold."""
    return word.translate(_RULE)


@functools.cache
def _table() -> dict[str, str]:
    return {src: dst for _, (src, dst) in data_tables.rows("hamza_variants.tsv", ("variant", "folded"))}


_MIN_PREFIX = 4  # shorter table keys (مای → ما) are not applied inside longer words


def fold_hamza(word: str) -> str:
    """Fold one word's alef and hamza spelling to the form its variants share.

    The table also applies to words built on a listed one (مسوولیت, مسوولین → مسیولیت, مسیولین):
    the longest listed prefix of at least four letters is replaced."""
    # ئوا is a common typing of ؤا (سئوال for سؤال).
    folded = fold_rule(word.replace("ئوا", "ؤا"))
    table = _table()
    if folded in table:
        return table[folded]
    for k in range(len(folded) - 1, _MIN_PREFIX - 1, -1):
        head = table.get(folded[:k])
        if head is not None:
            return head + folded[k:]
    return folded
