"""The public surface: pinned exports and the README's own example, run as written."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import index
import search
from tests.helpers import ROOT


@pytest.mark.parametrize("module", [index, search])
def test_all_is_sorted_and_complete(module: object) -> None:
    exported = module.__all__  # type: ignore[attr-defined]
    assert exported == sorted(exported)
    public = {name for name in vars(module) if not name.startswith("_")
              and not isinstance(vars(module)[name], type(re))}
    public |= set(getattr(module, "_LAZY", {}))  # imported on first use
    assert public == set(exported)
    for name in exported:
        assert getattr(module, name) is not None


def test_index_names_load_from_the_modules_its_imports_name() -> None:
    """The lazy table and the imports that type checkers read list the same names."""
    tree = ast.parse((ROOT / "index" / "__init__.py").read_text(encoding="utf-8"))
    checking = next(node for node in tree.body if isinstance(node, ast.If)
                    and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {alias.asname or alias.name: f"{node.module}:{alias.name}"
                for node in checking.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    table = {name: where if ":" in where else f"{where}:{name}"
             for name, where in index._LAZY.items()}  # noqa: SLF001 - the table itself
    assert table == imported
    assert set(table) == set(index.__all__)
    assert re.fullmatch(r"\d+\S*", index.__version__)


def test_importing_search_leaves_the_indexing_side_unloaded() -> None:
    """An app that searches, and the terminal command, import what searching needs, not
    NER, the corpus pass or enrichment."""
    code = ("import sys, search, cli.app; print(' '.join(sorted(m for m in sys.modules "
            "if m.startswith(('index.', 'spacy', 'dask', 'fastapi')))))")
    loaded = set(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.split())
    assert "index.store.folder" in loaded
    for heavy in ("index.build", "index.corpus_pass", "index.enrichment.run", "spacy",
                  "dask", "fastapi"):
        assert heavy not in loaded


def test_errors_form_one_tree() -> None:
    errors = [getattr(index, n) for n in index.__all__ if n.endswith("Error")]
    assert len(errors) >= 9
    for error in errors:
        assert issubclass(error, index.NewsfacetError)
        assert error.__doc__ and error.__doc__.startswith("Raised when") or error is \
            index.NewsfacetError


def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.slow
def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    blocks = readme_python_blocks()
    assert blocks, "the README has a Python example"
    (tmp_path / "seeds").symlink_to(ROOT / "seeds", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - the README is ours
    out = capsys.readouterr().out
    assert "241 0 0" in out  # indexed, unchanged, failed
    assert "Sergei Shoigu" in out and "Syria 1" in out
