"""The benchmark's profile summary: each sample goes to the stage of search that spent it."""

import pytest

from benchmarks import profiles

ENGINE = (
    "Thread.run (threading.py:1010);_worker (concurrent/futures/thread.py:92);"
    "run_engine.<locals>.unless_abandoned (api/app.py:72);Engine.search (search/engine.py:116)"
)


@pytest.mark.parametrize(
    ("leaves", "stage"),
    [
        # numpy called by matching is matching's time
        (
            "match (search/matching.py:80);_table (search/matching.py:120);bincount (<__array_function__ internals>:5)",
            "matching",
        ),
        # Whoosh decoding a posting list under the postings cache
        (
            "TermScores.term (search/postings.py:55);W3LeafMatcher._read_ids (whoosh/codec/whoosh3.py:587)",
            "postings: read and scored",
        ),
        # a posting list looked up in the sidecar
        (
            "TermScores._field_postings (search/postings.py:212);SegmentFiles.postings (store/segment_postings.py:150)",
            "postings: read and scored",
        ),
        ("count_all (search/facets.py:174);_listing (search/facets.py:190)", "facets"),
        ("rank (search/ranking/combine.py:58);phrase_score (search/ranking/phrase.py:12)", "rerank"),
        ("understand (search/understanding/pipeline.py:55);normalize (hazm/normalizer.py:80)", "query understanding"),
        ("hit (search/presentation.py:22);highlight_title (search/highlight.py:69)", "hit presentation"),
        ("Engine._rank (search/engine.py:140)", "engine, the rest"),
    ],
)
def test_an_engine_sample_counts_for_the_innermost_stage_it_reached(leaves, stage):
    names = [profiles.frame_name(f, "/work/main") for f in f"{ENGINE};{leaves}".split(";")]
    assert profiles.stage_of(names) == stage


def test_a_sample_of_only_the_event_loop_and_middleware_is_http():
    stack = "run (asyncio/runners.py:118);_handle (aiohttp/web_app.py:563);middleware (api/app.py:90)"
    assert profiles.stage_of(stack.split(";")) == "HTTP (aiohttp, middleware, JSON)"


def test_summary_shares_add_up_and_idle_threads_are_left_out(tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text(
        f"{ENGINE};match (search/matching.py:80) 3\n"
        f"{ENGINE};count_all (search/facets.py:174) 1\n"
        "Thread.run (threading.py:1010);wait (threading.py:320) 50\n"
        "Thread.run (threading.py:1010);GenerationServer._watch (search/serving.py:98) 20\n",
        "utf-8",
    )
    summary = profiles.summarize(raw, "/work/main")
    assert summary["samples"] == 4
    assert summary["stages"] == [{"stage": "matching", "share": 0.75}, {"stage": "facets", "share": 0.25}]
    assert {"function": "Engine.search (search/engine.py)", "share": 1.0} in summary["inclusive"]


def test_the_generations_warm_up_is_not_counted_as_a_stage_of_search_even_in_search_code():
    stack = (
        "Thread.run (threading.py:1010);GenerationServer._warm (search/serving.py:150);"
        "LoadedGeneration.warm (search/generation.py:226);Suggester.from_cards (search/suggest.py:40);"
        "analyze (analyzers/chain.py:30)"
    )
    assert profiles.stage_of(stack.split(";")) == profiles.UPKEEP
