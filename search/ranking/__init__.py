"""Ranking: BM25F orders the candidates (matching.py, field weights in query.py); the best of them
are re-scored by multiplying in the signals, one module each, each with its own switch (Signals)
and its own row in `make eval`'s ablations: phrase, exact title, default action, agency and the
popularity prior. Best bets are pinned first (pinning.py)."""

from search.ranking.combine import RERANK_DEPTH, rank, rerank
from search.ranking.popularity import popularity_prior

__all__ = ["RERANK_DEPTH", "popularity_prior", "rank", "rerank"]
