"""The portal's developers' view: a typed client generated from the OpenAPI document with a
mainstream generator (openapi-python-client) runs the portal's flow against a real `dargah serve`
on loopback: a search with two filters, its second page and facets, a service, suggestions, and
a 429 the client understands (a Problem with Retry-After) instead of raising."""

import importlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from conftest import serving

from api.openapi import document

PACKAGE = "dargah_api_client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
# The generator knows no NDJSON body; the admin rebuild takes the corpus as bytes in that client.
CONFIG = """\
post_hooks: []
content_type_overrides:
  application/x-ndjson: application/octet-stream
"""


@pytest.fixture(scope="module")
def api_client_package(tmp_path_factory):
    """The client package generated once per session (a few seconds, no network)."""
    assert GENERATOR.exists(), "openapi-python-client is a test dependency: pip install -e '.[test]'"
    out = tmp_path_factory.mktemp("generated")
    (out / "openapi.json").write_bytes(orjson.dumps(document()))
    (out / "config.yaml").write_text(CONFIG)
    started = time.monotonic()
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "openapi.json", "--config", "config.yaml", "--meta", "none"]
        + ["--output-path", PACKAGE],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # Every operation becomes a function: a warning means some part of the document was dropped.
    assert "WARNING" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert time.monotonic() - started < 60
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def rate_limited_server(tmp_path_factory, mini_index):
    index = tmp_path_factory.mktemp("client-live") / "index"
    shutil.copytree(mini_index, index)
    with serving(index, "--rate-limit", "4/s") as base:
        yield base


def test_generated_client_runs_the_portals_flow(api_client_package, rate_limited_server):
    from dargah_api_client import Client
    from dargah_api_client.api.search import get_service, search, suggest
    from dargah_api_client.models import (
        InterpretationTransliteration,
        Problem,
        SearchResponse,
        Service,
        ServiceChannelsItemType,
        SuggestResponse,
    )

    client = Client(base_url=rate_limited_server, raise_on_unexpected_status=True, timeout=30)

    # A search with two filters (the audience as the facet lists it), then its second page.
    first = search.sync(client=client, q="گذرنامه", cluster=["گذرنامه و سفر"], audience=["citizen"], size=1)
    assert isinstance(first, SearchResponse)
    assert first.total >= 2 and first.pages == first.total and first.page == 1
    audience = {v.value: v for v in first.facets.audience}
    assert audience["citizen"].selected and audience["citizen"].label == "شهروندان"
    second = search.sync(client=client, q="گذرنامه", cluster=["گذرنامه و سفر"], audience=["citizen"], size=1, page=2)
    assert second.page == 2 and second.hits[0].id != first.hits[0].id
    assert all(h.cluster == "گذرنامه و سفر" for h in first.hits + second.hits)

    # The service page: the card's typed fields, as the TypeScript client would compile them.
    card = get_service.sync(client=client, id="t-passport-renew")
    assert isinstance(card, Service)
    assert card.title == "تمدید گذرنامه عادی" and card.e_readiness == 0.75 and card.agency_rank >= 1
    assert card.keywords == ["پاسپورت", "تمدید پاسپورت"]
    assert [c.type_ for c in card.channels] == [ServiceChannelsItemType.COUNTER_OFFICE]
    assert card.e_stages.application and not card.e_stages.delivery

    # Interpretation entries are typed by kind; the results are for the transliterated words.
    latin = search.sync(client=client, q="gozarnameh")
    assert latin.query.showing_results_for == "گذرنامه" and latin.query.did_you_mean is None
    [read] = latin.query.interpretation
    assert isinstance(read, InterpretationTransliteration) and (read.from_, read.to) == ("gozarnameh", "گذرنامه")

    hints = suggest.sync(client=client, q="گذر")
    assert isinstance(hints, SuggestResponse) and hints.suggestions

    # Past the rate limit: a typed Problem with Retry-After, in Persian for a Persian reader.
    client = client.with_headers({"Accept-Language": "fa-IR, fa;q=0.9, en;q=0.5"})
    for _ in range(40):
        answer = search.sync_detailed(client=client, q="گذرنامه")
        if answer.status_code == 429:
            break
    assert answer.status_code == 429, "no 429 within 40 quick requests at 4/s"
    assert isinstance(answer.parsed, Problem)
    assert answer.parsed.title == "درخواست‌های بیش از اندازه"
    assert int(answer.headers["Retry-After"]) >= 1
