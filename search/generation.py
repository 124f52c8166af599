"""An opened index generation (store/layout.py): the Whoosh index, what ranking and facets need of
each card, and where to read the rest (store/card_files.py).

Opened once when it becomes current and shared by every request that starts while it is current;
a request keeps its generation object to the end, so a swap never pulls an index out from under it.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import orjson
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from search import catalogue, ranking
from search.best_bets import BestBets
from search.facets import FACETS, FacetColumn, FacetTable, facet_column, facet_table
from search.lexicon import Lexicon
from search.postings import TermScores
from search.ranking import agency as agency_signal
from search.ranking import columns as ranking_columns
from search.ranking import default_action as default_action_signal
from search.suggest import Suggester
from search.synonyms import Synonyms
from store import layout, segment_postings, versions, whoosh_segments
from store import report as national_report
from store.card_files import CardStore, EveryCard, Shown
from store.errors import GenerationMissing
from store.life_events import LifeEvents, written_terms

# Cards whose shown line is kept parsed: a result reads and decodes its card's line (JSON and the
# packed word spans) for every page it is on, and the cards that come up recur from query to query.
SHOWN_KEPT = 1024


class CardFacts(NamedTuple):
    """What ranking, sorting and the catalogue views need of every card; the rest of a card is
    read from disk when a result shows it (store/card_files.py)."""

    id: str
    title: str
    agency: str
    cluster: str
    popularity: float
    electronic: bool
    e_readiness: float


class CardLine(NamedTuple):
    """What a generation reads of one card line at load."""

    facts: CardFacts
    facet_values: tuple[tuple[str, ...], ...]  # by FACETS
    events: tuple[str, ...]  # the card's life_events, as written


def _card_line(facts: list, shared: dict) -> CardLine:
    """A card's line of facts.jsonl as load keeps it (store/card_facts.py)."""
    # Agency, cluster and facet values repeat from card to card: one string each, not one per card,
    # and one tuple for each facet's values (`shared`, for one generation's cards).
    card_id, title, agency, cluster, popularity, electronic, e_readiness, facet_values, events = facts
    values = tuple(tuple(sys.intern(v) for v in vs) for vs in facet_values)
    return CardLine(
        CardFacts(card_id, title, sys.intern(agency), sys.intern(cluster), popularity, electronic, e_readiness),
        tuple(shared.setdefault(v, v) for v in values),
        tuple(sys.intern(e) for e in events),
    )


class _Loaded(NamedTuple):
    """What a generation read at load that the next one may take over where it is the same: each
    card's facts (with the hash of their line, to find it again), each Whoosh segment's stored
    fields (a segment never changes once written: deletions only mark documents)."""

    card_lines: list[CardLine]
    line_hashes: dict[int, int]  # hash of a line of facts → its line number
    segments: dict[str, list[tuple[str, tuple[str, ...]] | None]]  # segment id → (id, title terms) by docnum


def _read_card_lines(store: CardStore, previous: LoadedGeneration | None) -> tuple[list[CardLine], dict[int, int]]:
    """Each card's facts, taken from `previous` for a line of facts it read with the same bytes."""
    known = previous._loaded.line_hashes if previous is not None else {}
    read: list[CardLine] = []
    hashes: dict[int, int] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for n, line in enumerate(store.facts_lines()):
        key = hash(line)
        hashes.setdefault(key, n)
        before = known.get(key)
        if before is not None and previous.store.facts_line(before) == line:
            read.append(previous._loaded.card_lines[before])
        else:
            read.append(_card_line(orjson.loads(line), shared))
    return read, hashes


def _read_stored(reader, previous: LoadedGeneration | None):
    """(ids, title terms) by docnum, and by segment for the next generation; a segment `previous`
    read is taken from it (documents deleted since are left out, and one it had deleted but this
    generation has not, after a rollback, is read)."""
    known = previous._loaded.segments if previous is not None else {}
    ids: list[str | None] = [None] * reader.doc_count_all()
    title_terms: list[tuple[str, ...]] = [()] * len(ids)
    segments = {}
    for leaf, base, key in whoosh_segments.leaves(reader):
        taken = known.get(key) if key is not None else None
        stored = list(taken) if taken is not None else [None] * leaf.doc_count_all()
        for docnum in leaf.all_doc_ids():
            entry = stored[docnum]
            if entry is None:
                fields = leaf.stored_fields(docnum)
                entry = stored[docnum] = (fields["id"], tuple(fields.get("title", "").split()))
            ids[base + docnum], title_terms[base + docnum] = entry
        if key is not None:
            segments[key] = stored
    return ids, title_terms, segments


@dataclass
class LoadedGeneration:
    name: str
    path: Path
    ix: object
    store: CardStore
    lines: np.ndarray  # by docnum: the card's line in the store (-1 for a deleted document)
    facts: list[CardFacts | None]  # by docnum (None for a deleted document)
    by_id: dict[str, int]  # card id → docnum
    facets: dict[str, FacetColumn]
    meta: dict
    title_terms: list[tuple[str, ...]]  # by docnum: the analysed title, for phrase and exact-title signals
    named_events: list[tuple[str, ...]]  # by docnum: the card's life_events, as written
    _loaded: _Loaded = field(repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _extras: dict[str, str] = field(default_factory=dict, repr=False)  # query-side file → the text read
    _previous: LoadedGeneration | None = field(default=None, repr=False)  # only while warm_search runs

    @classmethod
    def open(cls, name: str, path: Path, previous: LoadedGeneration | None = None) -> LoadedGeneration:
        """Raises when the generation cannot be served (store.errors.GenerationDamaged when its
        card files are missing or of another format, GenerationIncompatible when another analyzer
        version wrote it). `previous`: the generation served until now, whose reading of the cards'
        facts (facts.jsonl, a short line each: store/card_facts.py) and index segments this one
        has too is taken over (a single-card change's generation differs from its parent by one
        line and one small segment)."""
        meta = orjson.loads((path / layout.META).read_bytes())
        versions.check(name, meta)
        # Read, not mapped: Whoosh copies each file of a mapped segment whole into a BytesIO for
        # every reader it opens (each search thread's searcher): the copies and the pages of the
        # mapping they touched counted twice in a worker's resident memory.
        ix = FileStorage(str(path / layout.WHOOSH), supports_mmap=False, readonly=True).open_index()
        store = CardStore(path)
        by_line, line_hashes = _read_card_lines(store, previous)
        with ix.reader() as reader:
            ids, title_terms, segments = _read_stored(reader, previous)
        line_of = {c.facts.id: n for n, c in enumerate(by_line)}
        missing = [i for i in ids if i is not None and i not in line_of]
        if missing:
            raise ValueError(f"generation {name}: {len(missing)} indexed ids have no card")
        lines = np.array([line_of[i] if i else -1 for i in ids], np.int32)
        facts = [by_line[n].facts if n >= 0 else None for n in lines]
        by_id = {i: d for d, i in enumerate(ids) if i}
        facets = {f: facet_column(lines, [c.facet_values[k] for c in by_line]) for k, f in enumerate(FACETS)}
        events = [by_line[n].events if n >= 0 else () for n in lines]
        loaded = _Loaded(by_line, line_hashes, segments)
        return cls(name, path, ix, store, lines, facts, by_id, facets, meta, title_terms, events, loaded)

    def card(self, docnum: int) -> dict:
        return self.store.card(int(self.lines[docnum]))

    def shown(self, docnum: int) -> Shown:
        return self._shown(int(self.lines[docnum]))

    @functools.cached_property
    def _shown(self):
        """store.shown, with the last SHOWN_KEPT cards' lines kept (a generation never changes)."""
        return functools.lru_cache(maxsize=SHOWN_KEPT)(self.store.shown)

    def cards(self) -> Iterator[dict]:
        """Every card served, one at a time."""
        return self.store.cards()

    def warm_search(self, previous: LoadedGeneration | None = None) -> None:
        """Build what every search needs (vocabulary, typo index, synonyms, best bets) before
        the generation is swapped in: a search must never pay for it. `previous`: the generation
        served until now; what this one has in common with it (the index's segments, the same
        query-side files) is taken from it rather than built again, and comes out the same."""
        self._previous = previous
        try:
            self.lexicon.vocab.warm()
            self._warm_search()
        finally:
            self._previous = None  # a generation never keeps its predecessor alive

    def _warm_search(self) -> None:
        self._compute(
            "synonyms",
            "best_bets",
            "life_events",
            "life_event_services",
            "regional",
            "electronic",
            "live",
            "term_scores",
            "popularity_order",
            "title_order",
            "popularity_prior",
            "agency_terms",
            "title_subjects",
            "rerank_columns",
            "facet_table",
        )

    def warm(self) -> None:
        """Everything else (suggestions, the catalogue views): right after the swap."""
        self.warm_search()
        self._compute("suggester", "agency_ranking", "clusters", "report")

    def _compute(self, *properties: str) -> None:
        """Compute these cached properties now (reading one computes and keeps it)."""
        for name in properties:
            getattr(self, name)

    def searcher(self) -> Searcher:
        """This thread's searcher on this generation (Whoosh searchers are not shared across threads)."""
        s = getattr(self._local, "searcher", None)
        if s is None:
            try:
                s = self._local.searcher = self.ix.searcher()
            except (OSError, whoosh_index.EmptyIndexError) as e:  # pruned while this process lagged behind
                raise GenerationMissing(f"generation {self.name} is no longer on disk") from e
        return s

    @functools.cached_property
    def facet_table(self) -> FacetTable:
        return facet_table(self.facets, self.size)

    def _built_by_previous(self, name: str):
        """The previous generation's cached property `name`, if it was computed (else None)."""
        return self._previous.__dict__.get(name) if self._previous is not None else None

    def _read_by_previous(self, name: str, extra: str):
        """The previous generation's cached property `name`, if it was computed from a query-side
        file `extra` with the same text as this generation's (else None)."""
        built = self._built_by_previous(name)
        if built is not None and self._previous._extras.get(extra) == self.read_extra(extra):
            return built
        return None

    @functools.cached_property
    def lexicon(self) -> Lexicon:
        fields = tuple(n for n in self.ix.schema.names() if n != "id")
        with self.ix.reader() as reader:
            return Lexicon(reader, fields, self._built_by_previous("lexicon"), self.postings_sidecar)

    @functools.cached_property
    def synonyms(self) -> Synonyms:
        reused = self._read_by_previous("synonyms", "synonyms.tsv")
        return reused if reused is not None else Synonyms(self.read_extra("synonyms.tsv"))

    @functools.cached_property
    def best_bets(self) -> BestBets:
        reused = self._read_by_previous("best_bets", "best_bets.tsv")
        return reused if reused is not None else BestBets(self.read_extra("best_bets.tsv"))

    @functools.cached_property
    def life_events(self) -> LifeEvents:
        """The life events this generation was built with (none for a generation without them)."""
        reused = self._read_by_previous("life_events", "life_events.json")
        if reused is not None:
            return reused
        text = self.read_extra("life_events.json")
        events = LifeEvents.load(text) if text.strip() else LifeEvents([])
        events.matching(frozenset(), written_terms)  # triggers analysed and filed now, not in the first search
        return events

    @functools.cached_property
    def life_event_services(self) -> dict[str, list[int]]:
        """Each life event's services in this catalogue, by docnum, in the order to show them."""
        declared = ((f.id, names, f.popularity) for f, names in zip(self.facts, self.named_events, strict=True) if f)
        found = self.life_events.services(declared, self.by_id)
        return {event_id: [self.by_id[i] for i in ids] for event_id, ids in found.items()}

    @functools.cached_property
    def regional(self) -> np.ndarray:
        """By docnum, whether the card is a city's or a province's service (level local or
        provincial): one service of many places (a building permit in each city)."""
        column, out = self.facets["level"], np.zeros(self.size, bool)
        regional = [i for i, v in enumerate(column.values) if v in ("local", "provincial")]
        out[column.pair_doc[np.isin(column.pair_ord, regional)]] = True
        return out

    @functools.cached_property
    def suggester(self) -> Suggester:
        return Suggester.from_cards(self.cards())

    @functools.cached_property
    def agency_ranking(self) -> list[dict]:
        return catalogue.agencies((f.agency, f.e_readiness) for f in self.facts if f)

    @functools.cached_property
    def agency_rank(self) -> dict[str, int]:
        return {row["value"]: row["rank"] for row in self.agency_ranking}

    @functools.cached_property
    def report(self) -> national_report.Report:
        """The national e-readiness report (store/report.py), computed once per generation."""
        return national_report.build(EveryCard(self.store), self.name)

    @functools.cached_property
    def clusters(self) -> list[dict]:
        return catalogue.clusters(f.cluster for f in self.facts if f)

    @functools.cached_property
    def doc_count(self) -> int:
        """Cards served (Whoosh's doc_count opens a reader on every call)."""
        return int(np.count_nonzero(self.live))

    @property
    def size(self) -> int:
        """Length of every per-document vector: docnums run from 0 to size - 1."""
        return len(self.facts)

    @functools.cached_property
    def live(self) -> np.ndarray:
        """Bool by docnum: the card is served (False for deleted documents)."""
        return self.lines >= 0

    @functools.cached_property
    def electronic(self) -> np.ndarray:
        """Bool by docnum: the service can be applied for online."""
        return np.array([bool(f) and f.electronic for f in self.facts], bool)

    @functools.cached_property
    def term_scores(self) -> TermScores:
        """Scores are this generation's own, computed from its postings sidecar; the postings of a
        segment without one are read through Whoosh and shared with the previous generation
        (search/postings.py)."""
        before = self._built_by_previous("term_scores")
        return TermScores(
            self.size,
            self.live,
            self.lexicon,
            before.segment_postings if before is not None else None,
            sidecar=self.postings_sidecar,
        )

    @functools.cached_property
    def postings_sidecar(self) -> dict[str, segment_postings.SegmentFiles]:
        """The index's segments' postings as the indexer wrote them, mapped (by segment id)."""
        with self.ix.reader() as reader:
            segments = {s: leaf.doc_count_all() for leaf, _, s in whoosh_segments.leaves(reader) if s is not None}
        return segment_postings.open_all(self.path, segments)

    @functools.cached_property
    def popularity_order(self) -> np.ndarray:
        """Live docnums, most demanded first (ties by id)."""
        live = [f for f in self.facts if f]
        return np.array([self.by_id[f.id] for f in sorted(live, key=lambda f: (-f.popularity, f.id))], np.int32)

    @functools.cached_property
    def title_order(self) -> np.ndarray:
        live = [f for f in self.facts if f]
        return np.array([self.by_id[f.id] for f in sorted(live, key=lambda f: (f.title, f.id))], np.int32)

    @functools.cached_property
    def popularity_prior(self) -> list[float]:
        """By docnum, the ranking's demand prior (ranking.popularity_prior), computed once."""
        return [ranking.popularity_prior(f.popularity if f else 0, self.max_popularity) for f in self.facts]

    @functools.cached_property
    def agency_terms(self) -> list[frozenset[str]]:
        """By docnum, the words that name the card's agency and few others: سازمان or ملی are in
        many agencies' names and name none of them."""
        distinctive = self.agency_distinctive_terms
        return [distinctive[f.agency] if f else frozenset() for f in self.facts]

    @functools.cached_property
    def slot_information(self) -> dict[tuple, float]:
        """A query slot's information (retrieval.information), by the words it is made of, as
        first asked for: it depends on this generation's vocabulary alone."""
        return {}

    @functools.cached_property
    def title_subjects(self) -> list[frozenset[str]]:
        """By docnum, the title's words the default-action signal needs the query to answer
        (ranking/default_action.py: all but its action and first-time words)."""
        return [default_action_signal.subject_words(t) for t in self.title_terms]

    @functools.cached_property
    def rerank_columns(self) -> ranking_columns.Columns:
        """What the ranking signals read of every card, as arrays (ranking/columns.py): a page's
        candidates are re-scored together."""
        return ranking_columns.build(self.title_terms, self.title_subjects, self.agency_terms, self.popularity_prior)

    @functools.cached_property
    def agency_distinctive_terms(self) -> dict[str, frozenset[str]]:
        """Each agency's distinctive words (ranking/agency.py): they depend on the agencies' names only."""
        agencies = {f.agency for f in self.facts if f}
        reused = self._built_by_previous("agency_distinctive_terms")
        if reused is not None and reused.keys() == agencies:
            return reused
        return agency_signal.distinctive_terms(agencies)

    @functools.cached_property
    def max_popularity(self) -> float:
        return max((f.popularity for f in self.facts if f), default=0) or 1.0

    def read_extra(self, name: str) -> str:
        """A query-side file's text ("" without it), read once: what was built from it is
        compared by it with the next generation's."""
        text = self._extras.get(name)
        if text is None:
            p = self.path / name
            text = self._extras[name] = p.read_text("utf-8") if p.is_file() else ""
        return text
