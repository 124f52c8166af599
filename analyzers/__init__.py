"""Persian text analysis for Dargah, two chains over one tokenizer (tokens.py): the full analysis,
one for index and query (`analyze`, chain.py), and the folding-only one for prefixes (`fold_words`,
folding.py)."""

from analyzers.chain import Token, analyze, analyze_word, is_word, normalize, terms
from analyzers.folding import fold_words
from analyzers.lemmas import lemma
from analyzers.lexicon import warm_up

# The version of what the analysis makes of a text. A generation records the version it was built
# with and is served only by code of the same version (store/versions.py). Bump it with every
# change of analysis output: tests/test_versions.py fails until it is bumped and the hash of its
# sample recorded.
ANALYZER_VERSION = 2

__all__ = [
    "ANALYZER_VERSION",
    "Token",
    "analyze",
    "analyze_word",
    "fold_words",
    "is_word",
    "lemma",
    "normalize",
    "terms",
    "warm_up",
]
