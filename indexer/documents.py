"""From a service card to the text of each index field (store/fields.py), already analysed.

Whoosh only ever sees our terms, space-separated, through its plain space tokenizer: analysis
stays in `analyzers/` (the same chain the search side runs on queries), and the index on disk does
not depend on our code to be opened.
"""

from __future__ import annotations

from analyzers import analyze
from store.fields import DERIVED_BY_KIND, SEARCH_FIELDS, TEXT_SOURCES


def _values(card: dict, prop: str) -> list[str]:
    value = card.get(prop)
    if value is None:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [str(value)]


def field_terms(card: dict) -> dict[str, str]:
    """{field: space-separated terms} for one card."""
    out: dict[str, list[str]] = {name: [] for name in SEARCH_FIELDS}
    for name, props in TEXT_SOURCES.items():
        for prop in props:
            # Each list item is analysed on its own, so no compound is joined across two items.
            for value in _values(card, prop):
                for token in analyze(value, lemmas=True):
                    out[name if token.kind == "term" else DERIVED_BY_KIND[token.kind]].append(token.text)
    return {name: " ".join(terms) for name, terms in out.items()}
