"""From a service card to the text of each index field, already analysed.

Whoosh only ever sees our terms, space-separated, through its plain space tokenizer: analysis
stays in `analyzers/` (the same chain the search side runs on queries), and the index on disk does
not depend on our code to be opened.
"""

from __future__ import annotations

from analyzers import analyze

# Field → the card properties it is made of.
TEXT_SOURCES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "keywords": ("keywords",),
    "agency": ("agency", "parent_agency"),
    "cluster": ("cluster", "life_events"),
    "description": ("description",),
    "body": ("documents", "steps", "inquiries"),
}
# The low-weight fields fed by every text field: compound parts and words written together.
DERIVED_FIELDS = {"part": "parts", "joined": "joined"}


def _values(card: dict, prop: str) -> list[str]:
    value = card.get(prop)
    if value is None:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [str(value)]


def field_terms(card: dict) -> dict[str, str]:
    """{field: space-separated terms} for one card."""
    out: dict[str, list[str]] = {name: [] for name in (*TEXT_SOURCES, *DERIVED_FIELDS.values())}
    for name, props in TEXT_SOURCES.items():
        for prop in props:
            # Each list item is analysed on its own, so no compound is joined across two items.
            for value in _values(card, prop):
                for token in analyze(value):
                    out[name if token.kind == "term" else DERIVED_FIELDS[token.kind]].append(token.text)
    return {name: " ".join(terms) for name, terms in out.items()}
