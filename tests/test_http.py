"""The HTTP API, over a real server on a loopback port, against the seeds index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.serve import is_loopback
from index import build_index, relative_path
from search import NewsIndex, create_app
from search.http.params import MAX_FILTER_VALUES, MAX_PAGE_SIZE, MAX_QUERY_CHARS
from tests.helpers import LiveServer, assert_json_error, served, write_articles


@pytest.fixture(scope="module")
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=60) as opened:
        yield opened


def test_health(client: httpx.Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_search_returns_the_library_result_as_json(client: httpx.Client, news: NewsIndex) -> None:
    response = client.get("/api/search", params={"q": "fire", "limit": 3, "facet_size": 4})
    assert response.status_code == 200
    expected = served(news, news.search("fire", limit=3, facet_size=4))
    assert response.json() == expected
    assert expected["total"] > 3
    assert any("<b>" in hit["snippet"] for hit in expected["hits"])


def test_search_passes_every_filter_and_date(client: httpx.Client, news: NewsIndex) -> None:
    params = [("countries", "United States"), ("people", "Trump"), ("since", "2019-01-01"),
              ("until", "2019-12-31"), ("limit", "5")]
    body = client.get("/api/search", params=params).json()
    expected = served(news, news.search("", countries=["United States"], people=["Trump"],
                           since="2019-01-01", until="2019-12-31", limit=5))
    assert body == expected
    assert 0 < body["total"] < news.search("", facets=False).total
    assert body["filters"] == {"people": ["Trump"], "countries": ["United States"],
                               "since": ["2019-01-01"], "until": ["2019-12-31"]}


def test_search_pages(client: httpx.Client, news: NewsIndex) -> None:
    first = client.get("/api/search", params={"q": "police", "limit": 2, "page": 1}).json()
    second = client.get("/api/search", params={"q": "police", "limit": 2, "page": 2}).json()
    assert second["page"] == 2
    assert second == served(news, news.search("police", limit=2, page=2))
    assert {h["id"] for h in first["hits"]}.isdisjoint(h["id"] for h in second["hits"])


def test_search_without_facets(client: httpx.Client) -> None:
    body = client.get("/api/search", params={"q": "fire", "facets": "false"}).json()
    assert body["facets"] == {}


def test_facet_values(client: httpx.Client, news: NewsIndex) -> None:
    response = client.get("/api/facets/country", params={"q": "election", "size": 5})
    assert response.status_code == 200
    expected = [c.to_dict() for c in news.facet("countries", "election", size=5)]
    assert response.json() == {"facet": "countries", "query": "election", "values": expected}
    assert expected


def test_facet_values_of_articles_naming_an_entity(client: httpx.Client, news: NewsIndex) -> None:
    body = client.get("/api/facets/people", params={"countries": "Syria", "size": 3}).json()
    assert body["values"] == [c.to_dict() for c in news.facet("people", size=3,
                                                              countries=["Syria"])]


def test_document(client: httpx.Client, news: NewsIndex) -> None:
    doc_id = news.search("fire", limit=1).hits[0].id
    response = client.get(f"/api/documents/{doc_id}")
    assert response.status_code == 200
    expected = news.get(doc_id).to_dict(text=True, mentions=True)
    assert response.json() == {**expected, "path": relative_path(expected["path"], news.roots)}
    assert response.json()["text"]


@pytest.mark.parametrize(("path", "params", "status", "code", "parameter"), [
    ("/api/search", {"limit": 0}, 422, "invalid_value", "limit"),
    ("/api/search", {"limit": MAX_PAGE_SIZE + 1}, 422, "invalid_value", "limit"),
    ("/api/search", {"limit": "ten"}, 422, "invalid_value", "limit"),
    ("/api/search", {"page": 0}, 422, "invalid_value", "page"),
    ("/api/search", {"facet_size": 0}, 422, "invalid_value", "facet_size"),
    ("/api/search", {"since": "2019-13-01"}, 422, "invalid_value", "since"),
    ("/api/search", {"until": "last week"}, 422, "invalid_value", "until"),
    ("/api/search", {"since": "2020-01-01", "until": "2019-01-01"}, 422, "invalid_value",
     "since"),
    ("/api/search", {"q": '"unclosed'}, 400, "query_syntax", "q"),
    ("/api/search", {"q": "nosuchfield:x"}, 400, "query_syntax", "q"),
    ("/api/search", {"q": "x" * (MAX_QUERY_CHARS + 1)}, 422, "invalid_value", "q"),
    ("/api/search", {"q": "a* b* c?t d*"}, 400, "query_too_costly", "q"),
    ("/api/search", {"contries": "Syria"}, 400, "unknown_parameter", "contries"),
    ("/api/search", {"countries": ["x"] * (MAX_FILTER_VALUES + 1)}, 422, "invalid_value",
     "countries"),
    ("/api/search", {"people": "x" * 201}, 422, "invalid_value", "people"),
    ("/api/facets/cities", {}, 400, "unknown_facet", "facet"),
    ("/api/facets/people", {"size": 0}, 422, "invalid_value", "size"),
    ("/api/documents/no-such-article.txt", {}, 404, "not_found", "id"),
])
def test_bad_parameters_get_a_json_error_naming_them(
        client: httpx.Client, path: str, params: dict[str, object], status: int, code: str,
        parameter: str) -> None:
    response = client.get(path, params=params)  # type: ignore[arg-type]
    assert_json_error(response, status, code, parameter)


@pytest.mark.parametrize("q", [
    '"', "(", ")", "[", "]", "AND", "a OR", "NOT", "title:", "date:soon", "date:[2019 to",
    "*", "?", "person:*", "country:(", "+-+", "-", '"" ""', 'title:"', "\U0001f642", "%",
    "\\", "a~2", "a^3", "date:[to]", "person:(Trump OR Obama)", "x" * MAX_QUERY_CHARS,
    "\x00", "a:b:c", "((((a))))", "fire AND NOT", "ANDMAYBE fire", "org:", "country:ZZ",
])
def test_odd_queries_never_fail_the_server(client: httpx.Client, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.json()["error"]["parameter"] == "q"


@pytest.mark.parametrize("path", [
    "/api/documents/../../pyproject.toml", "/api/documents/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/../http.py", "/static/%2e%2e/http.py", "/static/..%2fhttp.py",
    "/docs/assets/../../swagger_ui_bundle/__init__.py", "/api/documents//etc/passwd",
])
def test_no_files_outside_the_index_are_served(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text


def test_read_only(client: httpx.Client) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/api/search")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_openapi_schema_and_docs_are_served_locally(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/search", "/api/facets/{facet}", "/api/documents/{doc_id}", "/api/stats",
            "/api/health"} <= set(schema["paths"])
    errors = schema["paths"]["/api/search"]["get"]["responses"]
    assert errors["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "://" not in docs.text
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_page_and_assets_load_from_this_server_only(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/style.css"):
        response = client.get(asset)
        assert response.status_code == 200
        assert "http://" not in response.text.replace("https?:\\/\\/", "")
    assert "://" not in page.text


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    response = client.get("/api/health", headers={"Origin": "http://elsewhere.test"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_when_configured(seeds_index: Path) -> None:
    app = create_app(seeds_index, cors_origins=["http://dashboard.test"])
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as http:
        allowed = http.get("/api/health", headers={"Origin": "http://dashboard.test"})
        other = http.get("/api/health", headers={"Origin": "http://elsewhere.test"})
    assert allowed.headers["access-control-allow-origin"] == "http://dashboard.test"
    assert "access-control-allow-origin" not in other.headers


def test_a_search_over_its_time_limit_gets_a_clear_error(news: NewsIndex) -> None:
    # A limit of 0 s fails every search at once, without racing the search itself.
    with LiveServer(create_app(news, query_timeout=0)) as server:
        response = httpx.get(f"{server.url}/api/search", params={"q": "fire*"})
    assert response.status_code == 503
    error = response.json()["error"]
    assert (error["code"], error["parameter"]) == ("query_timeout", None)
    assert "wildcards" in error["message"]


def test_the_app_mounts_inside_another_app(news: NewsIndex) -> None:
    from fastapi import FastAPI

    parent = FastAPI()
    parent.mount("/news", create_app(news))
    with LiveServer(parent) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/news/api/health").json() == {"status": "ok"}
        assert http.get("/news/api/search", params={"q": "fire"}).json()["total"] > 0
        assert http.get("/news/").status_code == 200


def test_stats(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles", {
        "2019-03-01-paris.txt": "Paris talks\n\nEmmanuel Macron met Angela Merkel in Paris.",
        "2019-05-02-berlin.txt": "Berlin visit\n\nAngela Merkel spoke in Berlin on Monday.",
    })
    build_index([articles], tmp_path / "index")
    with LiveServer(create_app(tmp_path / "index")) as server:
        body = httpx.get(f"{server.url}/api/stats").json()
    with NewsIndex(tmp_path / "index") as news:
        assert body == {**news.stats().to_dict(), "path": "index"}
    assert (body["documents"], body["earliest"], body["latest"]) == (2, "2019-03-01",
                                                                     "2019-05-02")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_command(seeds_index: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from cli.app import main; main()", "serve",
               "--index", str(seeds_index), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "NO_COLOR": "1"})
    try:
        body = None
        for _ in range(300):  # up to about 30 s for the server to start
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/health").json()
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.1)
        assert body == {"status": "ok"}
        total = httpx.get(f"http://127.0.0.1:{port}/api/search?q=fire").json()["total"]
        assert total > 0
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}" in output


def test_serve_command_without_an_index(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", "serve", "--index",
         str(tmp_path / "missing")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: No index at")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.org", False),
])
def test_only_loopback_hosts_count_as_local(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
