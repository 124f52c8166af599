"""Popularity signal: a bounded, log-scaled demand prior (at most +35% for the most demanded
service), so that demand breaks near-ties without burying a rarer exact answer."""

from __future__ import annotations

import math

POPULARITY_WEIGHT = 0.35


def popularity_prior(popularity: float, max_popularity: float) -> float:
    return 1.0 + POPULARITY_WEIGHT * math.log1p(max(popularity, 0)) / math.log1p(max(max_popularity, 1))
