"""Privacy by design: what citizens type is kept only without their own data (national codes,
phone and card numbers, e-mail and web addresses), and nginx logs no query string."""

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT

from api.app import Settings, create_app
from api.querylog import scrub

TOKEN = "privacy-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PERSONAL = [
    ("کد ملی ۰۰۱۲۳۴۵۶۷۸", "0012345678"),
    ("پیگیری 0912-345-6789", "6789"),
    ("٠٩١٢ ٣٤٥ ٦٧٨٩ یارانه", "٦٧٨٩"),
    ("شماره کارت 6037 9911 2345 6789", "6037"),
    ("ali.reza@example.com ثبت نام", "example"),
    ("https://my.gov.ir/x?a=1 نوبت", "gov"),
    ("www.sso.ir سوابق", "sso"),
]


@pytest.mark.parametrize("text", ["کد ملی 0012345678", "09121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "a.b@c.ir", "http://x.ir/y"])
def test_scrub_replaces_personal_data_with_a_placeholder(text):
    assert re.search(r"<(number|email|url)>", scrub(text))
    assert not re.search(r"[0-9۰-۹]{4}", scrub(text))


@pytest.mark.parametrize("text", ["گذرنامه 1402", "تمدید گواهینامه - پایه یک", "قانون 1402/05/12", "کارت ملی"])
def test_scrub_keeps_ordinary_queries(text):
    assert scrub(text) == text


async def test_personal_data_never_reaches_the_analytics_answers(aiohttp_client, mini_index, tmp_path):
    settings = Settings(index_dir=mini_index, admin_token=TOKEN, analytics_dir=tmp_path / "analytics")
    client = await aiohttp_client(create_app(settings=settings))
    for q, _ in PERSONAL:
        await client.get("/api/v1/search", params={"q": q})
    await client.get("/api/v1/search", params={"q": "گذرنامه"})
    shown = ""
    for kind in ("top", "zero"):
        r = await client.get("/api/v1/admin/analytics/queries", params={"kind": kind}, headers=AUTH)
        shown += await r.text()
    for _, secret in PERSONAL:
        assert secret not in shown
    assert "<number>" in shown and "<email>" in shown and "<url>" in shown and "گذرنامه" in shown
    stored = " ".join(
        q
        for db in (tmp_path / "analytics").glob("*.sqlite")
        for (q,) in sqlite3.connect(db).execute("SELECT query FROM queries")
    )
    for _, secret in PERSONAL:
        assert secret not in stored


def test_the_shipped_nginx_config_logs_no_query_string():
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    formats = " ".join(re.findall(r"log_format\s+\w+\s+((?:'[^']*'\s*)+);", conf))
    assert formats and not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", formats)
    assert "$uri" in formats
    # nginx adds the request line, query string included, to every error-log message about a request.
    levels = re.findall(r"^\s*error_log\s+\S+\s+(\w+);", conf, flags=re.M)
    assert levels == ["crit"]
    access = re.findall(r"^\s*access_log\s+\S+\s+(\w+);", conf, flags=re.M)
    assert access == ["dargah_upstream"]


def test_the_rendered_config_keeps_the_log_rules(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "site.conf"
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), "--upstream", "127.0.0.1:8081", "-o", str(out)],
        check=True,
        cwd=ROOT,
    )
    text = Path(out).read_text("utf-8")
    assert re.search(r"error_log \S+ crit;", text) and "dargah_upstream;" in text
