"""The packed word lists answer exactly as the set and dict they replace, before and after pickling."""

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.compact import CompactMap, CompactSet

words = st.lists(st.text(alphabet="ابپتسشکگیه\u200c", min_size=1, max_size=6), max_size=40)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_compact_set_and_map_answer_like_set_and_dict(keys, probes):
    plain_map = {k: f"lemma{len(k) % 3}" for k in keys}
    packed_set, packed_map = CompactSet(keys), CompactMap(plain_map)
    for s, m in [(packed_set, packed_map), pickle.loads(pickle.dumps((packed_set, packed_map)))]:
        assert len(s) == len(set(keys)) and sorted(s) == sorted(set(keys))
        for w in keys + probes + [""]:
            assert (w in s) == (w in set(keys))
            assert m.get(w) == plain_map.get(w) and (w in m) == (w in plain_map)
        assert sorted(m.distinct_values()) == sorted(set(plain_map.values()))
