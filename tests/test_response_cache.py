"""The response cache keeps the most recent answers within both its entry and its byte budget."""

from api.response_cache import ResponseCache


def test_least_recently_used_answers_go_first_when_bytes_run_out():
    cache = ResponseCache(capacity=100, max_bytes=250)
    for k in "abc":
        cache.put((k,), (b"x" * 100, None))
    assert cache.get(("a",)) is None  # 300 bytes would not fit: the oldest went
    assert cache.get(("b",)) and cache.get(("c",)) and cache.bytes == 200
    cache.get(("b",))  # b is now the most recently used
    cache.put(("d",), (b"y" * 100, "note"))
    assert cache.get(("c",)) is None and cache.get(("d",)) == (b"y" * 100, "note")
    cache.put(("d",), (b"z" * 10, None))  # replacing an entry frees its old bytes
    assert cache.bytes == 110
    cache.put(("huge",), (b"h" * 1000, None))  # larger than the whole budget: not kept
    assert cache.get(("huge",)) is None and len(cache) == 2
