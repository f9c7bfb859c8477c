"""The workflow endpoints over a real server: watchlist (POST), network, saved searches."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from search import NewsIndex, SavedSearches, create_app
from tests.helpers import SEED_ARTICLE, LiveServer, assert_json_error


def test_watchlist_takes_names_in_the_body_and_filters_in_the_query(api_url: str) -> None:
    body = {"names": ["shoigu", {"name": "Pentagon", "facet": "org"}, "Vladimir Putn"]}
    answer = httpx.post(f"{api_url}/api/watchlist", params={"countries": "Syria"}, json=body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["filters"] == {"countries": ["Syria"]}
    rows = {row["name"]: row for row in data["rows"]}
    assert rows["shoigu"]["matched"] == ["Sergei Shoigu"]
    assert rows["shoigu"]["top_ids"] == [SEED_ARTICLE]
    assert rows["Pentagon"]["facet"] == "organizations"
    assert rows["Vladimir Putn"]["suggestion"]["suggestion"] == "Vladimir Putin"


def test_watchlist_errors(api_url: str) -> None:
    url = f"{api_url}/api/watchlist"
    assert_json_error(httpx.post(url, json={"names": []}), 422, "invalid_value", "names")
    assert_json_error(httpx.post(url, json={"names": ["x"], "nmaes": 1}), 422,
                      "invalid_value", "nmaes")
    assert_json_error(httpx.post(url, json={"names": [{"name": "x", "facet": "planet"}]}),
                      400, "unknown_facet", "facet")
    big = b'{"names": ["' + b"a" * 300_000 + b'"]}'
    assert_json_error(httpx.post(url, content=big, headers={"content-type": "application/json"}),
                      413, "body_too_large", "body")
    assert_json_error(httpx.post(url, params={"contries": "Syria"}, json={"names": ["x"]}),
                      400, "unknown_parameter", "contries")
    assert httpx.get(url).status_code == 405


def test_network_json_and_files(api_url: str) -> None:
    answer = httpx.get(f"{api_url}/api/network", params={"countries": "United States",
                                                         "top": 20, "facets": "people"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["facets"] == ["people"] and data["edges"]
    assert all(node["facet"] == "people" for node in data["nodes"])
    gexf = httpx.get(f"{api_url}/api/network", params={"format": "gexf", "top": 10})
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    assert ET.fromstring(gexf.text).tag.endswith("gexf")
    assert_json_error(httpx.get(f"{api_url}/api/network", params={"top": 10_000}), 422,
                      "invalid_value", "top")


def test_saved_searches_are_listed_and_run_read_only(tmp_path: Path, seeds_index: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(seeds_index, copy)
    with NewsIndex(copy) as news:
        SavedSearches(news).add("syria", "strikes", countries=["Syria"])
    with LiveServer(create_app(copy)) as server:
        listed = httpx.get(f"{server.url}/api/saved").json()
        assert [s["name"] for s in listed["saved"]] == ["syria"]
        shown = httpx.get(f"{server.url}/api/saved/syria").json()
        assert shown["total"] >= 1 and shown["new"] == 0 and shown["shown"] is None
        assert SEED_ARTICLE in [d["id"] for d in shown["documents"]]
        assert_json_error(httpx.get(f"{server.url}/api/saved/nope"), 404, "not_found", "name")
    with NewsIndex(copy) as news:
        assert SavedSearches(news).get("syria").shown is None  # nothing marked as seen


@pytest.mark.parametrize("query", ['country:Syria NEAR/5 operations'])
def test_near_over_http(api_url: str, query: str) -> None:
    data = httpx.get(f"{api_url}/api/search", params={"q": query}).json()
    assert [h["id"] for h in data["hits"]] == [SEED_ARTICLE]
    assert "<b>operations</b>" in data["hits"][0]["snippet"]
    assert_json_error(httpx.get(f"{api_url}/api/search", params={"q": "person:x NEAR/0 y"}),
                      400, "query_syntax", "q")
