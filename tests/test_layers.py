"""Which package may import which: the one-way data flow of README's "Layout", checked on the source.

Every import counts, at the top of a module or inside a function (a late import is still a
dependency). Only the command line (dargah/) may import every layer.
"""

import ast
from pathlib import Path

import pytest
from conftest import ROOT

LAYERS = ("analyzers", "store", "indexer", "search", "api", "dargah")
# Per package: the project packages and third-party modules its files may not import.
FORBIDDEN = {
    "analyzers": {"store", "indexer", "search", "api", "dargah"},
    "store": {"indexer", "search", "api", "dargah", "corpus"},  # analyzers only, of the project
    "indexer": {"search", "api", "dargah"},
    "search": {"indexer", "api", "dargah"},
    "api": {"indexer", "dargah", "whoosh"},  # whoosh stays behind search.Engine
    "dargah": set(),
}
# Allowed on top of that, file by file, and why.
EXCEPTIONS = {
    # The admin API starts rebuild jobs and single-card updates, which are the indexer's work.
    "api/admin.py": {"indexer"},
}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in a module, however deeply nested. A relative
    import cannot leave its own top-level package, so it never crosses a layer."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(package: str, root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        forbidden = FORBIDDEN[package] - EXCEPTIONS.get(relative, set())
        tree = ast.parse(path.read_text("utf-8"), filename=relative)
        for line, module in sorted(imported_modules(tree)):
            top = module.split(".")[0]
            if top in forbidden:
                problems.append(f"{relative}:{line} imports {module}: {package}/ may not import {top}")
    return problems


@pytest.mark.parametrize("package", LAYERS)
def test_imports_follow_the_layers(package):
    if not (ROOT / package).is_dir():
        pytest.skip(f"no {package}/ in this checkout")
    problems = violations(package)
    assert not problems, "\n".join(problems)


def test_the_check_names_each_offending_file_and_import(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "admin.py").write_text("from indexer import jobs\n")  # the one allowed exception
    (tmp_path / "api" / "routes.py").write_text("import json\n\n\ndef f():\n    from indexer.build import build\n")
    (tmp_path / "api" / "deep").mkdir()
    (tmp_path / "api" / "deep" / "x.py").write_text("import whoosh.index\nfrom search import Engine\n")
    assert violations("api", tmp_path) == [
        "api/deep/x.py:1 imports whoosh.index: api/ may not import whoosh",
        "api/routes.py:5 imports indexer.build: api/ may not import indexer",
    ]
