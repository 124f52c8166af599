import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests replay the same examples every run, so a landing never hangs on a
# lucky draw; on a developer's machine they keep exploring (and print a seed to replay what they find).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini.jsonl"
DARGAH = [sys.executable, "-m", "dargah"]


def build_index(corpus: Path, index: Path) -> None:
    from indexer.build import build
    from indexer.corpus import read_corpus

    read = read_corpus(corpus)
    assert not read.problems, [str(p) for p in read.problems]
    from store.layout import EXTRA_FILES

    folder = corpus if corpus.is_dir() else corpus.parent
    build(index, read.cards, extras={n: folder / n for n in EXTRA_FILES})


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("mini") / "index"
    build_index(MINI, index)
    return index


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("bundled") / "index"
    build_index(ROOT / "corpus", index)
    return index


@pytest.fixture(scope="session")
def mini_engine(mini_index):
    from search import Engine

    engine = Engine(mini_index)
    engine.load()
    return engine


@pytest.fixture(scope="session")
def bundled_engine(bundled_index):
    from search import Engine

    engine = Engine(bundled_index)
    engine.load()
    return engine


def run_cli(*args, timeout=120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*DARGAH, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


def write_jsonl(path: Path, cards) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for c in cards:
            f.write((c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)) + "\n")
    return path


def mini_cards() -> list[dict]:
    return [json.loads(line) for line in MINI.read_text("utf-8").splitlines() if line.strip()]


@contextlib.contextmanager
def serving(index: Path, *extra):
    """A real `dargah serve` on loopback over `index` while the block runs; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [*DARGAH, "serve", "--index", str(index), "--port", str(port), *map(str, extra)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, mini_index):
    """A real `dargah serve` on loopback over a copy of the small index, for the whole session."""
    index = tmp_path_factory.mktemp("live") / "index"
    shutil.copytree(mini_index, index)
    with serving(index) as base:
        yield base


@pytest.fixture
def index(tmp_path, mini_index) -> Path:
    """A copy of the small index that a test may change."""
    copy = tmp_path / "index"
    shutil.copytree(mini_index, copy)
    return copy


# -- the admin API ------------------------------------------------------------------------------

TOKEN = "s3cret-token-for-admin-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# A card the small catalogue does not have, written by the admin tests.
HUNTING_CARD = {
    "id": "t-hunting-licence",
    "title": "صدور پروانه شکار",
    "agency": "سازمان حفاظت محیط زیست",
    "cluster": "محیط زیست",
    "description": "شکارچیان برای شکار قانونی باید پروانه شکار فصلی بگیرند.",
    "popularity": 500,
}


@pytest.fixture
async def admin(aiohttp_client, index, tmp_path):
    """The application over a copy of the small index, with the admin token, in-process."""
    from api.app import Settings, create_app

    settings = Settings(index_dir=index, admin_token=TOKEN, corpus_path=MINI, analytics_dir=tmp_path / "analytics")
    client = await aiohttp_client(create_app(settings=settings))
    client.index = index
    return client


def ndjson(cards) -> bytes:
    """Cards as an NDJSON body (a string is sent as it is: a broken line)."""
    return b"".join((c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)).encode() + b"\n" for c in cards)


async def wait_job(client, job_id, timeout=60):
    """A rebuild job once it has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = await (await client.get(f"/api/v1/admin/jobs/{job_id}", headers=AUTH)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.05)
    raise TimeoutError(job_id)
