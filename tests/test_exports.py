"""The names this package adds to the public surface are exported, in sorted order."""

from __future__ import annotations

import pytest

import index
import search


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (index, {"ALIASES_ENV", "Aliases", "RenormalizeReport", "load_aliases", "renormalize"}),
        (search, {"DEFAULT_TOP", "EntitySummary", "list_entities"}),
    ],
)
def test_new_public_names_are_exported(module: object, names: set[str]) -> None:
    exported = module.__all__  # type: ignore[attr-defined]
    assert exported == sorted(exported)
    assert names <= set(exported)
    assert all(getattr(module, name) is not None for name in names)
