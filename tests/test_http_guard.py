"""The server on a laptop: Host check, security headers, HEAD, slow clients, no server paths,
bounded histograms. Real servers on 127.0.0.1, real sockets."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from whoosh import query as wq

from index import QueryTimeoutError, QueryTooCostlyError, build_index
from search import NewsIndex, create_app
from search.counting.dates import MAX_DATE_BUCKETS
from search.http.app import DOCS_ASSETS
from search.http.guard import LOOPBACK_HOSTS, header_timeout_protocol
from search.http.lanes import is_costly
from search.query.cost import expand_terms
from tests.conftest import SEED_ARTICLE, LiveServer

NEWSFACET = [sys.executable, "-c", "from cli.app import main; main()"]
START_TIMEOUT_S = 60
#: Every GET route kind: API, page, assets, docs, schema, errors.
GET_PATHS = ["/api/health", "/api/search?q=fire", "/api/stats", "/api/facets/people",
             f"/api/documents/{SEED_ARTICLE}", "/", "/docs", "/openapi.json", "/static/app.js",
             "/docs/assets/swagger-ui.css", "/api/nowhere", "/api/search?limit=0"]


@pytest.fixture(scope="module")
def guarded(seeds_index: Path) -> Iterator[str]:
    """A server over the seeds index answering the loopback names only."""
    with LiveServer(create_app(seeds_index, allowed_hosts=LOOPBACK_HOSTS)) as server:
        yield server.url


def _serve(index: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``newsfacet serve --port 0``; its URL, read from the log once it listens."""
    process = subprocess.Popen([*NEWSFACET, "serve", "--index", str(index), "--port", "0",
                                *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "NO_COLOR": "1"})
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return process, found.group(1)
        assert line or process.poll() is None, "serve exited"
    raise AssertionError("serve did not start")


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1", True), ("localhost", True), ("[::1]", True), ("news.lan", True),
    ("attacker.example", False), ("127.0.0.1.nip.io", False), ("", False),
])
def test_serve_on_loopback_answers_only_loopback_host_names(seeds_index: Path, host: str,
                                                            allowed: bool) -> None:
    process, url = _serve(seeds_index, "--allowed-host", "news.lan")
    port = url.rsplit(":", 1)[1]
    try:
        for header in (host, f"{host}:{port}") if host else ("",):
            response = httpx.get(f"{url}/api/stats", headers={"Host": header})
            if allowed:
                assert response.status_code == 200, response.text
            else:
                assert response.status_code == 421
                assert response.json()["error"]["code"] == "host_not_allowed"
                assert "documents" not in response.text
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize("path", GET_PATHS)
def test_every_answer_says_nosniff_and_html_cannot_be_framed(guarded: str, path: str) -> None:
    response = httpx.get(guarded + path)
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    if response.headers["content-type"].startswith("text/html"):
        assert "default-src 'self'" in policy


def test_the_docs_page_runs_only_its_own_inline_script(guarded: str) -> None:
    docs = httpx.get(f"{guarded}/docs")
    scripts = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert len(scripts) == 1
    policy = docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "'sha256-" in policy


@pytest.mark.parametrize("name", [*DOCS_ASSETS, "index.html", "index.j2", "swagger-ui.css.map",
                                  "oauth2-redirect.html", "swagger-initializer.js", "../x"])
def test_only_the_docs_files_the_page_uses_are_served(guarded: str, name: str) -> None:
    response = httpx.get(f"{guarded}/docs/assets/{name}")
    assert response.status_code == (200 if name in DOCS_ASSETS else 404)


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_works_wherever_get_does(guarded: str, path: str) -> None:
    get, head = httpx.get(guarded + path), httpx.head(guarded + path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_a_client_trickling_headers_is_disconnected(seeds_index: Path) -> None:
    app = create_app(seeds_index)
    with LiveServer(app, http=header_timeout_protocol(1.0)) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as slow:
            slow.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            closed = False
            for n in range(600):  # a header line every 0.1 s, for up to a minute
                try:
                    slow.sendall(f"X-Slow-{n}: a\r\n".encode())
                    slow.settimeout(0.1)
                    if slow.recv(1024) == b"":
                        closed = True
                        break
                except TimeoutError:
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    closed = True
                    break
            assert closed, "the server kept a trickling connection open"
        # A client that sends its request at once is answered, twice on one connection.
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/api/health").status_code == 200
            time.sleep(0.2)
            assert http.get("/api/health").status_code == 200


def test_answers_carry_paths_relative_to_the_indexed_folder(guarded: str,
                                                            seeds_index: Path) -> None:
    hits = httpx.get(f"{guarded}/api/search", params={"q": "fire", "limit": 20}).json()["hits"]
    assert hits and all(not hit["path"].startswith("/") for hit in hits)
    document = httpx.get(f"{guarded}/api/documents/{SEED_ARTICLE}").json()
    assert document["path"] == SEED_ARTICLE
    stats = httpx.get(f"{guarded}/api/stats").json()
    assert stats["path"] == seeds_index.name


@pytest.mark.parametrize("path", ["/api/documents/no-such.txt", "/api/similar/no-such.txt",
                                  "/api/search?q=%22x", "/api/search?since=2019-13-01"])
def test_error_messages_reveal_no_server_path(guarded: str, seeds_index: Path,
                                              path: str) -> None:
    response = httpx.get(guarded + path)
    assert response.status_code >= 400
    assert str(seeds_index.parent) not in response.text
    assert str(Path(__file__).parent.parent) not in response.text


def test_the_date_histogram_is_bounded_whatever_the_dates(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    records = [{"id": name, "title": name, "text": "A ruling on the river.", "date": date}
               for name, date in [("old", "0002-01-01"), ("now", "2019-05-01"),
                                  ("far", "9999-12-31")]]
    (articles / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n",
                                      encoding="utf-8")
    build_index([articles], tmp_path / "index", workers=1)
    with LiveServer(create_app(tmp_path / "index")) as server:
        for interval in ("auto", "month", "year"):
            body = httpx.get(f"{server.url}/api/search",
                             params={"q": "ruling", "date_interval": interval}).json()
            buckets = body["dates"]["buckets"]
            assert 1 < len(buckets) <= MAX_DATE_BUCKETS
            assert sum(b["count"] for b in buckets) == body["total"] == 3


# -- queries that starve others ---------------------------------------------------------
#: A range over most of the words of the seeds index: about a second of posting lists.
COSTLY = "body:[a to f]"


def test_a_timed_out_search_stops_its_own_work(news: NewsIndex) -> None:
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(news.search(COSTLY, timeout=0.001))
        except QueryTimeoutError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    # The call itself ended with the timeout: no thread runs on with its work.
    assert isinstance(outcome[0], QueryTimeoutError)
    assert "took longer than" in str(outcome[0])


def test_wildcard_and_range_expansions_count_towards_the_cost_limit(news: NewsIndex,
                                                                   guarded: str) -> None:
    reader = news._current().searcher.reader()  # noqa: SLF001 - the open generation
    query = wq.Or([wq.Wildcard("body", "fi*"), wq.TermRange("body", "a", "b")])
    with pytest.raises(QueryTooCostlyError, match="more than 10 words"):
        expand_terms(query, reader, limit=10)
    assert len(list(expand_terms(wq.Wildcard("body", "fi*"), reader).leaves())) > 1
    response = httpx.get(f"{guarded}/api/search", params={"q": "body:[0 to zzzzz]"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "query_too_costly"


def test_a_timeout_is_a_503_not_a_mistake_in_q(news: NewsIndex) -> None:
    with LiveServer(create_app(news, query_timeout=0.001)) as server:
        response = httpx.get(f"{server.url}/api/search", params={"q": COSTLY})
    assert response.status_code == 503
    error = response.json()["error"]
    assert (error["code"], error["parameter"]) == ("query_timeout", None)


def test_cheap_queries_answer_during_a_burst_of_costly_ones(
        seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Costly searches are held inside their lane until the cheap one has answered: were
    they in the same lane, the cheap one would wait behind them and its request fail."""
    finished: list[str] = []
    lock = threading.Lock()
    entered, release = threading.Event(), threading.Event()
    original = NewsIndex.search

    def held(self: NewsIndex, text: str = "", *args: object, **kwargs: object) -> object:
        if is_costly(text):
            entered.set()
            release.wait(120)
        return original(self, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(NewsIndex, "search", held)
    with LiveServer(create_app(seeds_index, query_timeout=120)) as server:
        httpx.get(f"{server.url}/api/search", params={"q": "fire"})  # load the columns

        def ask(kind: str, q: str, timeout: float) -> None:
            status = httpx.get(f"{server.url}/api/search", params={"q": q},
                               timeout=timeout).status_code
            with lock:
                finished.append(f"{kind}:{status}")

        burst = [threading.Thread(target=ask, args=("costly", f"{COSTLY} -x{n}", 300))
                 for n in range(6)]
        for thread in burst:
            thread.start()
        try:
            assert entered.wait(60), "no costly search started"
            ask("cheap", "fire", 30)
        finally:
            release.set()
        for thread in burst:
            thread.join()
    assert finished[0] == "cheap:200", finished
    assert finished.count("costly:200") == 6
