"""A new generation's index and card files, written from its cards.

The cards are analysed in worker processes (analysis.py) while this process adds them to the
Whoosh index in card order; their shown lines, which need the vocabulary of the whole index, are
made by workers during the index's commit and the writing of its postings sidecar
(postings_sidecar.py), which run in this process alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import analysis, postings_sidecar
from indexer import whoosh_index as windex
from indexer.documents import main_terms
from store import card_files, layout


def write(
    generation: Path, cards: list[dict], progress: Callable[[int], None] | None = None, processes: int = 1
) -> None:
    """Write `cards` into the empty `generation` directory: its Whoosh index and its card files.
    `processes`: how many analyse the cards (analysis.processes); the files do not depend on it."""
    (generation / layout.WHOOSH).mkdir()
    writer = windex.Writer(generation / layout.WHOOSH)
    try:
        vocabulary: set[str] = set()  # what windex.vocabulary reads back from the committed index
        for n, (card, fields) in enumerate(zip(cards, analysis.all_field_terms(cards, processes), strict=True), 1):
            writer.add(card["id"], fields)
            vocabulary |= main_terms(fields)
            if progress:
                progress(n)
    except BaseException:
        writer.cancel()
        raise
    with analysis.ShownLines(cards, vocabulary, processes) as shown:
        writer.commit()  # what a failed commit leaves goes with the failed build's directory
        with whoosh_index.open_dir(str(generation / layout.WHOOSH)).reader() as reader:
            postings_sidecar.complete(generation, reader)
        lines = shown.get()
    card_files.rewrite(generation, [(c, card_files.card_line(c), line) for c, line in zip(cards, lines, strict=True)])
