"""Versions an operator needs: `dargah --version`, the version in /healthz, the code and analyzer
versions in each generation's meta.json, and a generation of another analyzer refused (the engine
serves an older compatible one, or /readyz says why it cannot serve)."""

from __future__ import annotations

import hashlib
import shutil
import time

import orjson
import pytest
from conftest import DATA, run_cli

import analyzers
from api.app import create_app
from search import Engine
from search.generation import LoadedGeneration
from store import layout, versions
from store.errors import GenerationIncompatible, IndexUnavailable

# The hash of what the analyzer makes of tests/data/analyzer_sample.txt, by analyzer version. When
# the analysis changes, this test fails: bump analyzers.ANALYZER_VERSION (generations built before
# are then refused rather than silently mismatched) and record the new hash under the new version.
ANALYSIS_HASHES = {
    1: "3313751863457ac50c3a3e2ee9832632d05efefbd8ac1d514631053e9a43697f",
    2: "626e6756e3bdb7947bd969e7fb9920520d577cc8d9f8de1ff03a7148542178d6",  # compound verbs, شد
}


def analysis_hash() -> str:
    digest = hashlib.sha256()
    for line in (DATA / "analyzer_sample.txt").read_text("utf-8").splitlines():
        tokens = [(t.text, t.pos, t.kind, t.verb, t.base) for t in analyzers.analyze(line, lemmas=True)]
        digest.update(orjson.dumps([analyzers.normalize(line), tokens, analyzers.fold_words(line)]))
    return digest.hexdigest()


def test_the_analyzer_version_is_bumped_when_the_analysis_changes():
    found = analysis_hash()
    assert ANALYSIS_HASHES.get(analyzers.ANALYZER_VERSION) == found, (
        f"the analysis of tests/data/analyzer_sample.txt changed (sha256 {found}): bump ANALYZER_VERSION in "
        "analyzers/__init__.py and record the hash under the new version in ANALYSIS_HASHES"
    )


def test_dargah_version_prints_the_package_version():
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"dargah {versions.code_version()}"
    assert versions.code_version() not in ("", "unknown")


def test_a_generation_records_the_code_and_analyzer_versions(mini_index):
    meta = layout.current(mini_index).meta()
    assert meta["code_version"] == versions.code_version()
    assert meta["analyzer_version"] == analyzers.ANALYZER_VERSION
    listed = run_cli("generations", "--index", mini_index)
    assert listed.returncode == 0
    assert f"by Dargah {versions.code_version()}, analyzer {analyzers.ANALYZER_VERSION}" in listed.stdout


async def test_healthz_tells_the_version(aiohttp_client, mini_index):
    client = await aiohttp_client(create_app(mini_index))
    r = await client.get("/healthz")
    assert r.status == 200
    assert await r.json() == {
        "status": "ok",
        "version": versions.code_version(),
        "analyzer_version": analyzers.ANALYZER_VERSION,
    }


def _publish_copy(index, analyzer_version) -> layout.Generation:
    """A copy of the serving generation published as the newest, as another analyzer would write it."""
    current = layout.current(index)
    build_dir = layout.new_build_dir(index)
    shutil.rmtree(build_dir)
    shutil.copytree(current.path, build_dir)
    meta = orjson.loads((build_dir / layout.META).read_bytes())
    if analyzer_version is None:
        del meta["analyzer_version"]  # as written before generations recorded it
    else:
        meta.update(analyzer_version=analyzer_version, code_version="9.9.9")
    (build_dir / layout.META).write_bytes(orjson.dumps(meta))
    return layout.publish(index, build_dir)


@pytest.fixture
def index(mini_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(mini_index, copy)
    return copy


@pytest.mark.parametrize("other", [analyzers.ANALYZER_VERSION + 1, None])
def test_a_generation_of_another_analyzer_is_refused_and_an_older_one_served(index, other):
    good = layout.current(index).name
    newer = _publish_copy(index, other)
    with pytest.raises(GenerationIncompatible, match=f"generation {newer.name} was written by"):
        LoadedGeneration.open(newer.name, newer.path)
    engine = Engine(index)
    assert engine.load().name == good
    assert engine.generation_name() == good


async def test_readyz_says_why_when_no_generation_is_compatible(index, aiohttp_client):
    for gen in layout.list_generations(index):
        meta = gen.meta()
        meta["analyzer_version"] = analyzers.ANALYZER_VERSION + 1
        (gen.path / layout.META).write_bytes(orjson.dumps(meta))
    with pytest.raises(IndexUnavailable):
        Engine(index).load()
    client = await aiohttp_client(create_app(index))
    r = await client.get("/readyz")
    assert r.status == 503
    detail = (await r.json())["detail"]
    assert f"analyzer version {analyzers.ANALYZER_VERSION + 1}" in detail
    assert f"this server analyses with analyzer version {analyzers.ANALYZER_VERSION}" in detail
    assert str(index) not in detail


def test_a_card_change_is_not_patched_into_a_generation_of_another_analyzer(index):
    from conftest import mini_cards

    from indexer import update

    newer = _publish_copy(index, analyzers.ANALYZER_VERSION + 1)
    with pytest.raises(GenerationIncompatible, match=f"generation {newer.name}"):
        update.upsert(index, mini_cards()[0])
    assert layout.current(index).name == newer.name  # nothing published


def test_a_replica_with_nothing_compatible_serves_the_first_compatible_generation_published(index):
    compatible = layout.current(index)
    for gen in layout.list_generations(index):
        meta = gen.meta()
        meta["analyzer_version"] = analyzers.ANALYZER_VERSION + 1
        (gen.path / layout.META).write_bytes(orjson.dumps(meta))
    engine = Engine(index, refresh_interval=0.05)
    with pytest.raises(IndexUnavailable):
        engine.load()
    build_dir = layout.new_build_dir(index)
    shutil.rmtree(build_dir)
    shutil.copytree(compatible.path, build_dir)
    (build_dir / layout.META).write_bytes(orjson.dumps(versions.stamp(compatible.meta())))
    published = layout.publish(index, build_dir)
    deadline = time.monotonic() + 10
    while not engine.ready:
        assert time.monotonic() < deadline, "the compatible generation was not taken up"
        time.sleep(0.05)
    assert engine.generation_name() == published.name
