"""The `dargah` command line: exit codes and one-line errors."""

import json

from conftest import MINI, ROOT, free_port, mini_cards, run_cli, wait_ready


def test_index_prints_a_summary(tmp_path):
    result = run_cli("index", MINI, "--index", tmp_path / "ix")
    assert result.returncode == 0, result.stderr
    agencies = len({c["agency"] for c in mini_cards()})
    clusters = len({c["cluster"] for c in mini_cards()})
    assert f"{len(mini_cards())} cards, {agencies} agencies, {clusters} clusters" in result.stdout


def test_search_human_and_json(mini_index):
    result = run_cli("search", "--index", mini_index, "تمدید", "گذرنامه")
    assert result.returncode == 0, result.stderr
    assert "تمدید گذرنامه عادی" in result.stdout.splitlines()[1]
    result = run_cli("search", "--index", mini_index, "--json", "--size", "1", "گذرنامه")
    body = json.loads(result.stdout)
    assert body["total"] == 2 and len(body["hits"]) == 1 and "facets" in body


def test_analyze():
    result = run_cli("analyze", "گواهي", "نامه")
    assert result.returncode == 0
    assert "tokens: گواهینامه" in result.stdout


def test_missing_index_is_a_one_line_error(tmp_path):
    for cmd in (("search", "--index", tmp_path / "none", "x"), ("serve", "--index", tmp_path / "none")):
        result = run_cli(*cmd)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("dargah: error: no index at")


def test_version_is_the_package_version():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout == f"dargah {version}\n"


def test_bad_arguments_exit_2(tmp_path):
    assert run_cli("search", "--index", tmp_path, "--size", "0", "x").returncode == 2
    assert run_cli("serve", "--index", tmp_path, "--port", "70000").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("index", tmp_path / "missing.jsonl", "--index", tmp_path / "ix").returncode == 1


def test_serve_answers_over_http(mini_index):
    import subprocess
    import urllib.request

    from conftest import DARGAH, ROOT

    port = free_port()
    proc = subprocess.Popen(
        [*DARGAH, "serve", "--index", str(mini_index), "--port", str(port), "--workers", "2"], cwd=ROOT
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz")
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/search?q=%DA%AF%D8%B0%D8%B1%D9%86%D8%A7%D9%85%D9%87"
        ) as r:
            assert json.load(r)["total"] == 2
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
