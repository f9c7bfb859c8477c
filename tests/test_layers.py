"""The package layering, checked on the source: ``cli -> search -> index``, one way.

- ``index`` never imports ``search`` or ``cli``; ``search`` never imports ``cli``.
- ``search`` uses ``index`` only through its public API (``from index import ...``).
- No module imports one of ours inside a function: that hides an import cycle. Imports
  inside functions are for slow optional dependencies only (spaCy, uvicorn, FastAPI).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("index", "search", "cli")
#: Imports of our own modules that may sit in a function, each for a slow dependency.
DEFERRED_OK = {
    # ``import search`` stays fast: the HTTP app pulls in FastAPI (0.3 s) on first use.
    ("search/__init__.py", "search.http"),
    # ... and the CLI's searches of a Whoosh index never load the OpenSearch backend.
    ("search/backend.py", "search.opensearch"),
    # Enrichment's Dask driver: Dask is an optional extra, and takes a second to import.
    ("index/enrichment/run.py", "index.enrichment.cluster"),
}


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _imports(tree: ast.AST) -> Iterator[tuple[ast.stmt, str, bool]]:
    """Every import as (node, module, inside a function), leaving out TYPE_CHECKING blocks."""
    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.stmt, str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child, alias.name, in_function
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                yield child, child.module, in_function
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            yield from visit(child, inner)
    yield from visit(tree, False)


def _ours(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in PACKAGES else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    package = path.relative_to(ROOT).parts[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(ROOT).as_posix()
    for node, module, in_function in _imports(tree):
        target = _ours(module)
        line = f"{where}:{node.lineno} imports {module}"
        if package == "index":
            assert target not in ("search", "cli"), line
        if package == "search":
            assert target != "cli", line
            assert target != "index" or module == "index", \
                f"{line}: search uses index's public API only (from index import ...)"
        if in_function and target is not None:
            assert any(where == ok_path and module.startswith(ok_module)
                       for ok_path, ok_module in DEFERRED_OK), \
                f"{line} inside a function: import it at the top (move shared code to a leaf " \
                "module if that makes a cycle)"


def test_the_checker_sees_a_function_level_import() -> None:
    tree = ast.parse("def f():\n    from index.entities import names\n")
    assert [(m, inside) for _, m, inside in _imports(tree)] == [("index.entities", True)]
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cli\n")
    assert [m for _, m, _ in _imports(guarded)] == ["typing"]
