"""The versions of a generation's formats, in one place. A reader reads exactly these: a
generation written in another version is refused as damaged (errors.GenerationDamaged), and the
engine keeps serving an older one.

The layout itself (layout.py) has no number: a generation lacking one of its files is damaged.

Beside the formats, the analysis: a generation's terms are what the analyzer made of the cards
when it was built, and a query is analysed by the code that serves it. When the two analyses
differ, words stop meeting their cards without any error. So each generation's meta.json records
the Dargah version that built it and `analyzers.ANALYZER_VERSION`, and a server refuses a
generation whose analyzer version is not its own (errors.GenerationIncompatible, checked by
search/generation.py), keeping an older compatible one or saying on /readyz why it cannot serve.
"""

from __future__ import annotations

import functools
from pathlib import Path

from analyzers import ANALYZER_VERSION
from store.errors import GenerationIncompatible

# The stored words in shown.jsonl (stored_words.py): offsets as hex of little-endian 16-bit
# integers ("H…"; 32-bit "I…" for a text longer than 65,535 characters), " term term … ", parts
# and joins.
STORED_WORDS = 2

# meta.json's keys for the versions of the code that wrote a generation.
CODE_KEY = "code_version"
ANALYZER_KEY = "analyzer_version"


@functools.cache
def code_version() -> str:
    """The installed package's version; from a source checkout never installed, pyproject's."""
    from importlib import metadata

    try:
        return metadata.version("dargah")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def stamp(meta: dict) -> dict:
    """`meta` with the versions of the code writing the generation now."""
    meta[CODE_KEY] = code_version()
    meta[ANALYZER_KEY] = ANALYZER_VERSION
    return meta


def check(name: str, meta: dict) -> None:
    """Raise GenerationIncompatible unless the generation was analysed as this code analyses."""
    found = meta.get(ANALYZER_KEY)
    if found == ANALYZER_VERSION:
        return
    written = f"analyzer version {found}" if found is not None else "a Dargah without analyzer versions"
    raise GenerationIncompatible(
        f"generation {name} was written by {written} (Dargah {meta.get(CODE_KEY, 'unknown')}); this server "
        f"analyses with analyzer version {ANALYZER_VERSION} (Dargah {code_version()}): build a new generation "
        "with this version (dargah index, or POST /api/v1/admin/reindex) or serve it with the version that built it"
    )
