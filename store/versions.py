"""The versions of a generation's formats, in one place. A reader reads exactly these: a
generation written in another version is refused as damaged (errors.GenerationDamaged), and the
engine keeps serving an older one.

The layout itself (layout.py) has no number: a generation lacking one of its files is damaged.
"""

# The stored words in shown.jsonl (stored_words.py): offsets as hex of little-endian 16-bit
# integers ("H…"; 32-bit "I…" for a text longer than 65,535 characters), " term term … ", parts
# and joins.
STORED_WORDS = 2
