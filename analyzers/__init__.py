"""Persian text analysis for Dargah: one chain for index and query (see chain.py)."""

from analyzers.chain import Token, analyze, analyze_word, is_word, normalize, terms
from analyzers.lexicon import warm_up

__all__ = ["Token", "analyze", "analyze_word", "is_word", "normalize", "terms", "warm_up"]
