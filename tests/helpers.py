"""Helpers shared by the tests: paths, fixture writers, a live HTTP server, error checks."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from index import relative_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = "000_e2b58924dca44a21.txt"


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
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()
        self.url = f"http://{host}:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
        self._thread = threading.Thread(target=self.server.run,
                                        kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
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


def served(news: Any, result: Any) -> dict[str, Any]:
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
