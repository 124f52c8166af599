"""A ranked card as a result: its shown line, highlighted for the query's terms, with a snippet."""

from __future__ import annotations

from search.generation import CardFacts
from search.highlight import highlight_fragment, highlight_title
from search.results import Hit
from search.snippets import snippet
from store.card_files import Shown


def hit(facts: CardFacts, shown: Shown, score: float, weak: bool, wanted: frozenset[str]) -> Hit:
    return Hit(
        id=facts.id,
        title=shown.title,
        agency=facts.agency,
        cluster=facts.cluster,
        url=shown.url,
        score=score,
        weak=weak,
        snippet=snippet(shown.description),
        title_html=highlight_title(shown.title, shown.title_words, wanted),
        description_html=highlight_fragment(shown.description, shown.description_words, wanted),
        e_readiness=facts.e_readiness,
        electronic=facts.electronic,
        popularity=shown.popularity,
    )
