"""Shared fixtures: the seeds index is built once per test session and shared read-only."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index import build_index
from index.store.folder import relative_path
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


def seed_corpus(folder: Path, count: int) -> Path:
    """A folder holding copies of the first ``count`` articles of seeds/."""
    folder.mkdir(parents=True)
    for file in sorted(SEEDS.glob("*.txt"))[:count]:
        shutil.copy(file, folder / file.name)
    return folder


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write ``{relative path: content}`` under ``folder`` and return it."""
    for name, content in articles.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return folder


class LiveServer:
    """A real uvicorn server for an ASGI app, in a thread, on an ephemeral loopback port."""

    def __init__(self, app: object, **config: Any) -> None:
        import socket
        import threading

        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()
        self.url = f"http://{host}:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
        self._thread = threading.Thread(target=self.server.run,
                                        kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server at {self.url} did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


@pytest.fixture(scope="session")
def api_url(seeds_index: Path) -> Iterator[str]:
    """Base URL of a real HTTP server over the seeds index (the app opens it read-only)."""
    from search import create_app

    with LiveServer(create_app(seeds_index)) as server:
        yield server.url


def served(news: NewsIndex, result: Any) -> dict[str, Any]:
    """A search result's JSON as the HTTP API serves it: document paths relative to the
    indexed folders."""
    body: dict[str, Any] = result.to_dict()
    for hit in body["hits"]:
        hit["path"] = relative_path(hit["path"], news.roots)
    return body


def assert_json_error(response: Any, status: int, code: str, parameter: str) -> None:
    """An HTTP answer is the API's JSON error for ``parameter``, with a message."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["status"], error["code"], error["parameter"]) == (status, code, parameter)
    assert error["message"]
