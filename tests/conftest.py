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
from search import NewsIndex, create_app
from tests.helpers import (  # noqa: F401 - re-exported for tests that import them from here
    ROOT,
    SEED_ARTICLE,
    SEEDS,
    LiveServer,
    assert_json_error,
    seed_corpus,
    write_articles,
)

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


@pytest.fixture(scope="session")
def api_url(seeds_index: Path) -> Iterator[str]:
    """Base URL of a real HTTP server over the seeds index (the app opens it read-only)."""
    with LiveServer(create_app(seeds_index)) as server:
        yield server.url
