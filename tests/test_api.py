"""The public surface: pinned exports and the README's own example, run as written."""

from __future__ import annotations

import re
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
    assert public == set(exported)
    for name in exported:
        assert getattr(module, name) is not None


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
