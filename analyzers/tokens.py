"""The one tokenizer pattern every chain splits text with: a word is a run of letters and digits,
with the ZWNJ (half-space) inside a word kept, so «گواهی‌نامه» is one word with two parts."""

from __future__ import annotations

import re

WORD = re.compile(r"(?:[^\W_]|\u200c)+")
