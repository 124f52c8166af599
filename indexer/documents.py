"""From a service card to the text of each index field (store/fields.py), already analysed.

Whoosh only ever sees our terms, space-separated, through its plain space tokenizer: analysis
stays in `analyzers/` (the same chain the search side runs on queries), and the index on disk does
not depend on our code to be opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from analyzers import analyze
from store.fields import DERIVED_BY_KIND, MAIN_FIELDS, SEARCH_FIELDS, TEXT_SOURCES

# The field each kind of token the analyzer makes goes to, for a text of a given field.
_FIELD_OF = {name: {"term": name, **DERIVED_BY_KIND} for name in TEXT_SOURCES}


def _values(card: dict, prop: str) -> list[str]:
    value = card.get(prop)
    if value is None:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [str(value)]


def text_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, text) of each token the full analysis (lemmas included) makes of one card text."""
    return tuple((t.kind, t.text) for t in analyze(text, lemmas=True))


class RememberedTokens:
    """text_tokens, remembered per distinct short text for the length of a build: a catalogue
    repeats its agencies, clusters, keywords, steps and documents from card to card (10,000
    cards write about 32,000 distinct texts in 205,000), and each is analysed once. A text
    longer than `longest` (a description) is seldom written twice and is not kept."""

    def __init__(self, longest: int = 300):
        self.longest = longest
        self._known: dict[str, tuple[tuple[str, str], ...]] = {}

    def __call__(self, text: str) -> tuple[tuple[str, str], ...]:
        tokens = self._known.get(text)
        if tokens is None:
            tokens = text_tokens(text)
            if len(text) <= self.longest:
                self._known[text] = tokens
        return tokens


def field_terms(card: dict, tokens_of: Callable[[str], Iterable[tuple[str, str]]] = text_tokens) -> dict[str, str]:
    """{field: space-separated terms} for one card. `tokens_of`: text_tokens, or a
    RememberedTokens for many cards."""
    out: dict[str, list[str]] = {name: [] for name in SEARCH_FIELDS}
    for name, props in TEXT_SOURCES.items():
        field_of = _FIELD_OF[name]
        for prop in props:
            # Each list item is analysed on its own, so no compound is joined across two items.
            for value in _values(card, prop):
                for kind, text in tokens_of(value):
                    out[field_of[kind]].append(text)
    return {name: " ".join(terms) for name, terms in out.items()}


def main_terms(fields: dict[str, str]) -> set[str]:
    """The terms of a card's field_terms in the fields of its texts (what the index's vocabulary
    of those fields holds: indexer.whoosh_index.vocabulary)."""
    return {term for name in MAIN_FIELDS for term in fields[name].split()}
