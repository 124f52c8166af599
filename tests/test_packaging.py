"""`make install` puts what serving needs into the environment and nothing else; `make test` adds
the test tools (a production host never gets Playwright or schemathesis)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest
from conftest import ROOT

TEST_TOOLS = {"pytest", "playwright", "schemathesis", "hypothesis", "ruff", "pytest-aiohttp", "axe-playwright-python"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower()


def test_the_runtime_dependencies_hold_no_test_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    assert not runtime & TEST_TOOLS
    assert {_name(r) for r in project["optional-dependencies"]["test"]} >= TEST_TOOLS


def _dry_run(target: str) -> str:
    """The commands `make TARGET` would run, every prerequisite included (nothing is run)."""
    done = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_installs_the_runtime_and_make_test_the_tools():
    install = [line for line in _dry_run("install").splitlines() if "pip install" in line]
    assert install and all("[test]" not in line for line in install)
    assert any(line.rstrip().endswith("-e .") for line in install)
    assert "-e '.[test]'" in _dry_run("test")
