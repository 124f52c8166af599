"""A py-spy profile of a dargah worker, summarised: shares by function and by stage of a search.

py-spy's raw format is one collapsed stack a line (`frame;frame;...;leaf count`, each frame
`function (path:line)`). A sample's stage is that of its innermost frame in a file the stage table
knows, so numpy or Whoosh code called from matching counts as matching, and a frame of aiohttp or
asyncio with none of dargah's search code under it counts as HTTP.
"""

from __future__ import annotations

import re
from pathlib import Path

# Leaf frames of a thread that waits (py-spy does not always tell idle threads apart).
IDLE = (
    "select (selectors.py)",
    "_worker (concurrent/futures/thread.py)",
    "wait (threading.py)",
    "GenerationServer._watch (search/serving.py)",  # its sleep between looks at the pointer
)

# (stage, path prefixes of the frames that belong to it), most specific first: a path is given to
# the first stage one of whose prefixes it starts with.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The sidecar's lookups, the BM25F arithmetic over a whole posting list, and Whoosh's decoding
    # of a segment without a sidecar.
    (
        "postings: read and scored",
        ("search/postings.py", "store/segment_postings.py", "store/whoosh_segments.py", "whoosh/"),
    ),
    ("matching", ("search/matching.py", "search/retrieval.py", "search/information.py")),
    ("facets", ("search/facets.py",)),
    ("rerank", ("search/ranking/", "search/signals.py", "search/best_bets.py", "search/pinning.py")),
    ("life situations", ("search/situations.py",)),
    (
        "query understanding",
        (
            "search/understanding/",
            "search/query.py",
            "search/vocabulary.py",
            "search/synonyms.py",
            "search/lexicon.py",
            "analyzers/",
            "hazm/",
        ),
    ),
    (
        "hit presentation",
        (
            "search/presentation.py",
            "search/highlight.py",
            "search/snippets.py",
            "search/results.py",
            "search/labels.py",
            "search/generation.py",
            "store/",
        ),
    ),
    ("engine, the rest", ("search/",)),
    ("HTTP (aiohttp, middleware, JSON)", ("api/", "aiohttp/", "asyncio/", "multidict/", "yarl/", "orjson", "json/")),
)
OTHER = "other"
# A sample under one of these frames is the generation's upkeep whatever code it reached (the
# warm-up builds the report and suggestions with the same code a search uses), and one under an
# import is the process starting.
UPKEEP = "generation opened and warmed (not a search)"
UPKEEP_FRAMES = ("GenerationServer._warm", "GenerationServer.load", "LoadedGeneration.open", "LoadedGeneration.warm")
IMPORTS = "imports"

_FRAME = re.compile(r"\((?P<path>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str, root: str) -> str:
    """`function (path)`, the line number and the checkout's or site-packages' prefix dropped."""
    name = re.sub(r":\d+\)$", ")", frame.strip())
    return name.replace(root.rstrip("/") + "/", "").replace(".venv/lib/python3.12/site-packages/", "")


def stage_of(names: list[str]) -> str:
    """The stage of one sample, from its frames (outermost first)."""
    if any(name.startswith(UPKEEP_FRAMES) for name in names):
        return UPKEEP
    if any("importlib._bootstrap" in name for name in names):
        return IMPORTS
    for name in reversed(names):
        m = _FRAME.search(name)
        if m is None:
            continue
        path = m["path"]
        # site-packages and the standard library arrive as absolute paths when not under the checkout
        path = re.sub(r"^.*/(?:site-packages|python3\.\d+)/", "", path)
        for stage, prefixes in STAGES:
            if path.startswith(prefixes):
                return stage
    return OTHER


def summarize(raw: Path, root: str, top: int = 15) -> dict:
    """Inclusive and self shares of functions, and shares by stage, over py-spy's collapsed stacks
    (idle threads excluded)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    stages: dict[str, int] = {}
    total = 0
    for line in raw.read_text("utf-8", "replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        names = [frame_name(f, root) for f in stack.split(";") if f]
        if not names or any(names[-1].endswith(i) for i in IDLE):
            continue
        n = int(count)
        total += n
        for name in set(names):
            inclusive[name] = inclusive.get(name, 0) + n
        own[names[-1]] = own.get(names[-1], 0) + n
        stage = stage_of(names)
        stages[stage] = stages.get(stage, 0) + n

    def top_of(d, keep=lambda name: True):
        ranked = sorted(((k, v) for k, v in d.items() if keep(k)), key=lambda kv: -kv[1])
        return [{"function": k, "share": round(v / total, 3)} for k, v in ranked[:top]]

    def project(name: str) -> bool:  # dargah's own code, without the process' entry frames
        return any(f"({d}/" in name for d in ("search", "analyzers", "api", "indexer", "store")) and not any(
            f"({f})" in name for f in ("api/server.py", "dargah/cli.py")
        )

    by_stage = sorted(stages.items(), key=lambda kv: -kv[1])
    return {
        "samples": total,
        "inclusive": top_of(inclusive, project),
        "self": top_of(own),
        "stages": [{"stage": s, "share": round(v / total, 3)} for s, v in by_stage] if total else [],
    }
