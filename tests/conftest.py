"""Shared fixtures: the seeds index is built once per test session and shared read-only."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import build_index
from search import NewsIndex

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = "000_e2b58924dca44a21.txt"

# Tests never touch the user's NER cache; subprocesses inherit this too.
os.environ["NEWSFACET_CACHE"] = tempfile.mkdtemp(prefix="newsfacet-test-cache-")
atexit.register(shutil.rmtree, os.environ["NEWSFACET_CACHE"], ignore_errors=True)


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of seeds/, built once. Tests must not write to it."""
    path = tmp_path_factory.mktemp("seeds") / "index"
    report = build_index([SEEDS], path)
    assert report.failed == 0
    return path


@pytest.fixture(scope="session")
def news(seeds_index: Path) -> Iterator[NewsIndex]:
    """The seeds index, opened for searching."""
    with NewsIndex(seeds_index) as opened:
        yield opened


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write ``{relative path: content}`` under ``folder`` and return it."""
    for name, content in articles.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return folder
