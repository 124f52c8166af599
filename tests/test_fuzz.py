"""Property-based tests: the analyzer and the query pipeline never raise, whatever the text, and
the folds are idempotent."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers import analyze, normalize, terms
from analyzers.chars import fold_characters
from analyzers.hamza import fold_hamza
from analyzers.stopwords import STOPWORDS
from search import SearchRequest

PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآأإؤئءةيكى\u200c\u200b\u200d ¬ًٌٍَُِّْـ۰۱۲۳۴۵۶۷۸۹٠١٢٣"
text = st.one_of(st.text(), st.text(alphabet=PERSIAN + "abc xyz:*~^[](){}\"'-_.,؟!", max_size=120))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(text)
def test_analysis_never_raises_and_is_clean(s):
    tokens = analyze(s)
    for t in tokens:
        assert t.text and not any(c.isspace() for c in t.text)
        assert "\u200c" not in t.text
    normalize(s)


@SETTINGS
@given(text)
def test_character_fold_is_idempotent(s):
    once = fold_characters(s)
    assert fold_characters(once) == once


@SETTINGS
@given(st.text(alphabet=PERSIAN, max_size=30))
def test_hamza_fold_is_idempotent(word):
    once = fold_hamza(word)
    assert fold_hamza(once) == once


@SETTINGS
@given(text)
def test_terms_are_folded_and_never_stop_words(s):
    # Whatever the input, an index term is already in its folded form (so a query typed any way
    # reaches it) and is never a stop word.
    for t in terms(s):
        assert fold_characters(t) == t
        assert fold_hamza(t) == t or not t.isalpha()
        assert t not in STOPWORDS


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text, st.integers(1, 3), st.integers(1, 50))
def test_search_never_raises(mini_engine, q, page, size):
    result = mini_engine.search(SearchRequest(q=q[:200], page=page, size=size))
    assert result.total >= len(result.hits)
    for facet in result.facets.values():
        assert all(v.count >= 0 for v in facet)
