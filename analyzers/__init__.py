"""Persian text analysis for Dargah, two chains over one tokenizer (tokens.py): the full analysis,
one for index and query (`analyze`, chain.py), and the folding-only one for prefixes (`fold_words`,
folding.py)."""

from analyzers.chain import Token, analyze, analyze_word, is_word, normalize, terms
from analyzers.folding import fold_words
from analyzers.lemmas import lemma
from analyzers.lexicon import warm_up

__all__ = ["Token", "analyze", "analyze_word", "fold_words", "is_word", "lemma", "normalize", "terms", "warm_up"]
