"""The page's static files under versioned URLs: a year in any cache when asked for by the current
version, revalidated otherwise; the page itself is always revalidated."""

from __future__ import annotations

import re

import pytest

from api import assets
from api.app import create_app

YEAR = "public, max-age=31536000, immutable"


@pytest.fixture
async def client(aiohttp_client, mini_index):
    return await aiohttp_client(create_app(mini_index))


async def test_the_page_names_its_script_and_style_by_version(client):
    r = await client.get("/")
    assert r.status == 200 and r.headers["Cache-Control"] == "no-cache"
    html = await r.text()
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    found = dict(re.findall(r'"/static/(app\.js|style\.css)\?v=([0-9a-f]{12})"', html))
    assert set(found) == {"app.js", "style.css"} and found["app.js"] != found["style.css"]
    for name, version in found.items():
        r = await client.get(f"/static/{name}", params={"v": version})
        assert r.status == 200 and r.headers["Cache-Control"] == YEAR
        assert await r.read() == (assets.STATIC / name).read_bytes()
        # Unversioned, or a version that is not the file's (an old page after an upgrade): revalidate.
        for params in ({}, {"v": "0" * 12}):
            r = await client.get(f"/static/{name}", params=params)
            assert r.status == 200 and r.headers["Cache-Control"] == "no-cache"


async def test_the_page_is_revalidated_with_its_etag(client):
    r = await client.get("/")
    again = await client.get("/", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status == 304 and again.headers["ETag"] == r.headers["ETag"]


def test_a_changed_file_gets_a_new_url(tmp_path, monkeypatch):
    (tmp_path / "index.html").write_text('<script src="/static/app.js" defer></script>', "utf-8")
    (tmp_path / "app.js").write_text("console.log(1)", "utf-8")
    monkeypatch.setattr(assets, "STATIC", tmp_path)
    assets.versions.cache_clear()
    assets.page.cache_clear()
    try:
        before = assets.page()[0].decode()
        (tmp_path / "app.js").write_text("console.log(2)", "utf-8")
        assets.versions.cache_clear()
        assets.page.cache_clear()
        after = assets.page()[0].decode()
        assert re.fullmatch(r'<script src="/static/app\.js\?v=[0-9a-f]{12}" defer></script>', after)
        assert before != after
    finally:  # the real files' versions are hashed again on next use
        assets.versions.cache_clear()
        assets.page.cache_clear()
