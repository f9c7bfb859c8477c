"""The OpenSearch backend against the Whoosh engine: same totals, facets, dates, exports.

The seeds index is published once per session to ``osmem-server`` (an in-memory
OpenSearch-compatible server from PyPI, started on 127.0.0.1) and, when
``NEWSFACET_OPENSEARCH_URL`` is set (``http://HOST:9200``), to that real cluster too;
without it the cluster tests are skipped. Every query runs on both backends and the
answers are compared.

What is compared is what the test server implements like OpenSearch: matching, filters,
term aggregations, date histograms, points in time. Its scoring is not Lucene's BM25, so
the order of hits by relevance is never compared (date order is).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import BackendError, Facet, InvalidValueError, QueryTimeoutError, name_key
from search import (
    NewsIndex,
    OpenSearchBackend,
    SortOrder,
    connect,
    create_app,
    list_entities,
    publish,
)
from search.opensearch import backend as os_backend
from search.opensearch import client
from search.opensearch.mapping import entities_alias
from tests.helpers import LiveServer

osmem_server = pytest.importorskip("osmem_server")
CLUSTER_ENV = "NEWSFACET_OPENSEARCH_URL"
ALIAS = f"newsfacet-test-{os.getpid()}"
runner = CliRunner()


@pytest.fixture(scope="session")
def osmem_url() -> Iterator[str]:
    """An in-memory OpenSearch-compatible server for the session."""
    server = osmem_server.OsmemServer.start(japanese=False)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture(scope="session",
                params=["osmem", *(["cluster"] if os.environ.get(CLUSTER_ENV) else [])])
def published(request: pytest.FixtureRequest, seeds_index: Path) -> Iterator[str]:
    """``URL/ALIAS`` of the seeds index published to the test server or the real cluster."""
    if request.param == "cluster":
        base = os.environ[CLUSTER_ENV]
    else:
        base = request.getfixturevalue("osmem_url")
    report = publish(seeds_index, base, alias=ALIAS)
    assert report.documents == 241
    yield f"{base}/{ALIAS}"
    if request.param == "cluster":
        backend = OpenSearchBackend(f"{base}/{ALIAS}")
        backend._client.indices.delete(index=f"{ALIAS}-*")  # noqa: SLF001 - test cleanup


@pytest.fixture(scope="session")
def remote(published: str) -> Iterator[OpenSearchBackend]:
    with OpenSearchBackend(published) as backend:
        yield backend


CASES: list[tuple[str, dict[str, Any]]] = [
    ("", {}),
    ("air strikes", {}),
    ("", {"countries": ["Russia"]}),
    ("", {"people": ["Shoigu"]}),  # a surname finds the full name
    ("", {"countries": ["us"]}),  # an ISO code in lower case
    ("", {"people": ["donald trump"], "countries": ["United States"]}),
    ("fire", {"any_countries": ["Poland", "Spain"]}),
    ("", {"not_countries": ["United States"], "any_people": ["Trump", "Biden"]}),
    ("", {"since": "2019-06-01", "until": "2019-12-31"}),
    ('"air strikes" OR earthquake', {}),
    ("person:Trump -country:Russia", {}),
    ("strik* OR person:shoi*", {}),
    ("date:2019 election", {"organizations": ["Senate"]}),
    ("", {"people": ["Nobody Atall"]}),
]


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    return f"{case[0] or '*'}|{','.join(f'{k}={v}' for k, v in case[1].items())}"


@pytest.mark.parametrize("disjunctive", [False, True], ids=["plain", "disjunctive"])
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_same_totals_facets_and_dates_as_the_whoosh_index(
        news: NewsIndex, remote: OpenSearchBackend, case: tuple[str, dict[str, Any]],
        disjunctive: bool) -> None:
    text, filters = case
    here = news.search(text, facet_size=0, disjunctive=disjunctive, **filters)
    there = remote.search(text, facet_size=0, disjunctive=disjunctive, **filters)
    assert there.total == here.total
    assert dict(there.facets) == dict(here.facets)
    assert (there.dates, there.date_interval) == (here.dates, here.date_interval)
    assert there.filters == here.filters


def test_pages_by_date_and_their_hits_match(news: NewsIndex, remote: OpenSearchBackend) -> None:
    here = news.search(countries=["United States"], sort="-date", limit=5, page=2)
    there = remote.search(countries=["United States"], sort="-date", limit=5, page=2)
    assert [h.document.date for h in there.hits] == [h.document.date for h in here.hits]
    assert [h.rank for h in there.hits] == [6, 7, 8, 9, 10]
    # Articles of one day may come in another order (index order here, id order there).
    first = there.hits[0].document
    assert first.to_dict() == news.get(first.id).to_dict()


def test_hits_carry_a_highlighted_escaped_snippet(remote: OpenSearchBackend) -> None:
    hit = remote.search("air strikes").hits[0]
    assert "<b>air</b>" in hit.snippet.lower() and hit.score is not None


def test_one_facet_with_match_and_disjunctive(news: NewsIndex, remote: OpenSearchBackend) -> None:
    for options in ({"match": "shoi"}, {"match": "TRUMP", "size": 3},
                    {"disjunctive": True, "people": ["Trump"], "size": 0},
                    {"match": "zzzz-nothing"}):
        assert remote.facet("people", "", **options) == news.facet("people", "", **options)
    assert remote.facet("countries", "election", size=5) == \
        news.facet("countries", "election", size=5)


def test_related_counts_and_lift(news: NewsIndex, remote: OpenSearchBackend) -> None:
    for query, filters in (("", {"countries": ["Russia"]}), ("election", {})):
        assert remote.related(query, size=5, **filters).to_dict() == \
            news.related(query, size=5, **filters).to_dict()


def test_export_streams_every_match_through_a_point_in_time(
        news: NewsIndex, remote: OpenSearchBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os_backend, "EXPORT_BATCH", 7)  # several batches on the seeds
    there = {d.id: d for d in remote.export(countries=["us"])}
    here = {d.id: d for d in news.export(countries=["us"])}
    assert set(there) == set(here) and len(there) == 151
    some = sorted(there)[0]
    assert (there[some].text, there[some].mentions) == (here[some].text, here[some].mentions)
    newest = [d.date for d in remote.export("", sort="-date", countries=["Russia"])]
    assert newest == [d.date for d in news.export("", sort="-date", countries=["Russia"])]


def test_deep_pages_walk_a_point_in_time(remote: OpenSearchBackend,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shallow = remote.search(sort="date", limit=6, page=5, facets=False)
    monkeypatch.setattr(os_backend, "MAX_WINDOW", 10)
    monkeypatch.setattr(os_backend, "EXPORT_BATCH", 4)
    deep = remote.search(sort="date", limit=6, page=5)
    assert [h.id for h in deep.hits] == [h.id for h in shallow.hits]
    assert [h.rank for h in deep.hits] == list(range(25, 31))
    assert deep.total == 241 and deep.facet("people")


def test_get_and_stats(news: NewsIndex, remote: OpenSearchBackend) -> None:
    some = news.search("air strikes").hits[0].id
    assert remote.get(some).to_dict(text=True, mentions=True) == \
        news.get(some).to_dict(text=True, mentions=True)
    here, there = news.stats().to_dict(), remote.stats().to_dict()
    for key in ("documents", "model", "earliest", "latest", "distinct_entities"):
        assert there[key] == here[key], key


def test_did_you_mean_for_a_misspelt_filter_value(news: NewsIndex,
                                                  remote: OpenSearchBackend) -> None:
    there = remote.search(people=["Sergei Shoygu"])
    assert there.total == 0
    assert there.suggestions == news.search(people=["Sergei Shoygu"]).suggestions


def test_count_errors_come_with_opensearch_counts_only(news: NewsIndex,
                                                      remote: OpenSearchBackend) -> None:
    assert remote.search("fire").to_dict()["count_errors"] == {
        "people": 0, "organizations": 0, "places": 0, "countries": 0}
    assert "count_errors" not in news.search("fire").to_dict()


def test_errors_name_the_fix(remote: OpenSearchBackend, published: str) -> None:
    with pytest.raises(InvalidValueError, match="collapse is not available"):
        remote.search("fire", collapse=True)
    base = published.rsplit("/", 1)[0]
    with pytest.raises(BackendError, match="Nothing published as 'nope'.*newsfacet publish"):
        OpenSearchBackend(f"{base}/nope").search()
    with pytest.raises(BackendError, match="Cannot reach OpenSearch at http://127.0.0.1:9"):
        OpenSearchBackend("http://127.0.0.1:9/x").search()
    with pytest.raises(InvalidValueError, match="needs a URL"):
        connect(backend="opensearch")
    with pytest.raises(InvalidValueError, match="must look like"):
        OpenSearchBackend("ftp://example.org")


def test_a_cluster_that_does_not_answer_is_a_query_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    monkeypatch.setattr(client, "REQUEST_TIMEOUT", 0.2)
    monkeypatch.setattr(client, "MAX_RETRIES", 1)
    try:
        with pytest.raises(QueryTimeoutError, match="did not answer .* within 0.2 s"):
            OpenSearchBackend(f"http://127.0.0.1:{silent.getsockname()[1]}/x").search("fire")
    finally:
        silent.close()


def test_connect_picks_the_backend_from_the_address(published: str, seeds_index: Path) -> None:
    scheme, rest = published.split("://", 1)
    with connect(f"opensearch+{scheme}://{rest}") as opened:
        assert isinstance(opened, OpenSearchBackend) and opened.alias == ALIAS
    with connect(seeds_index) as local:
        assert isinstance(local, NewsIndex)


def test_republish_swaps_the_alias_and_drops_the_old_copy(osmem_url: str,
                                                          seeds_index: Path) -> None:
    first = publish(seeds_index, osmem_url, alias="swap")
    with OpenSearchBackend(f"{osmem_url}/swap") as backend:
        before = backend.search(countries=["Russia"]).total
        done = runner.invoke(app, ["publish", str(seeds_index), "--opensearch",
                                   f"{osmem_url}/swap", "--format", "json"])
        assert done.exit_code == 0, done.output
        second = json.loads(done.stdout)
        assert second["documents"] == 241 and second["alias"] == "swap"
        # The same open backend answers from the new copy, with the same answers.
        assert backend.search(countries=["Russia"]).total == before == 17
        indices = backend._client.indices  # noqa: SLF001 - checking the cluster's state
        assert second["replaced"] == sorted((first.index, first.entities_index))
        assert not indices.exists(index=first.index)
        assert indices.exists(index=second["index"])


def test_cli_search_facets_export_with_the_backend_options(published: str,
                                                           news: NewsIndex) -> None:
    found = runner.invoke(app, ["search", "--country", "Russia", "--format", "json",
                                "--backend", "opensearch", "--url", published])
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["total"] == 17
    assert data["facets"]["people"] == [c.to_dict() for c in
                                        news.search(countries=["Russia"]).facet("people")]
    env = {"NEWSFACET_BACKEND": "opensearch", "NEWSFACET_URL": published}
    counted = runner.invoke(app, ["facets", "countries", "--top", "3", "--format", "csv"],
                            env=env)
    assert counted.stdout.splitlines()[0] == "value,count", counted.output
    exported = runner.invoke(app, ["export", "--country", "Russia", "--format", "jsonl"],
                             env=env)
    assert len(exported.stdout.splitlines()) == 17
    missing = runner.invoke(app, ["search", "--url", published.rsplit("/", 1)[0] + "/absent"])
    assert missing.exit_code == 1 and "Nothing published as 'absent'" in missing.output


def test_http_api_over_the_opensearch_backend(remote: OpenSearchBackend,
                                              news: NewsIndex) -> None:
    import httpx

    with LiveServer(create_app(remote)) as server:
        got = httpx.get(f"{server.url}/api/search", params={"countries": "Russia"}).json()
        assert got["total"] == 17
        assert got["facets"]["places"] == [c.to_dict() for c in news.search(
            countries=["Russia"]).facet("places")]
        related = httpx.get(f"{server.url}/api/related", params={"q": "election"}).json()
        assert related == news.related("election").to_dict()
        bad = httpx.get(f"{server.url}/api/search", params={"collapse": "true"})
        assert bad.status_code == 422


def test_similar_leaves_out_the_article_itself(remote: OpenSearchBackend,
                                               news: NewsIndex) -> None:
    some = news.search("air strikes").hits[0].id
    found = remote.similar(some, limit=5)
    assert found.hits and some not in {h.id for h in found.hits}
    assert found.query == f"similar:{some}"


def test_sort_orders_agree(news: NewsIndex, remote: OpenSearchBackend) -> None:
    for sort in (SortOrder.DATE, SortOrder.NEWEST):
        here = news.search("election", sort=sort, limit=20)
        there = remote.search("election", sort=sort, limit=20)
        assert [h.document.date for h in there.hits] == [h.document.date for h in here.hits]


def test_entity_table_variants_agree_with_list_entities(news: NewsIndex,
                                                        remote: OpenSearchBackend) -> None:
    found = remote._client.search(  # noqa: SLF001 - the entity index as loaded
        index=entities_alias(remote.alias), body={"query": {"match_all": {}}, "size": 10_000})
    rows = [hit["_source"] for hit in found["hits"]["hits"]]
    for facet in Facet:
        listed = list_entities(news, facet, top=0)
        table = {r["key"]: set(r["variants"]) for r in rows if r["facet"] == facet.value}
        assert len(table) == len(listed), facet
        for entity in listed:
            key = name_key(entity.name)
            spelled = {name_key(v) for v in (*entity.variants, *entity.implied_by)}
            assert table[key] - {key} == spelled - {key}, (facet, entity.name)


def test_a_failed_publish_leaves_the_published_copy_as_it_was(osmem_url: str,
                                                              published: str,
                                                              seeds_index: Path) -> None:
    if not published.startswith(osmem_url):
        pytest.skip("checked on the test server")

    def fail(done: int, total: int) -> None:
        raise RuntimeError("the network went away")

    with OpenSearchBackend(published) as backend:
        before = set(backend._client.indices.get(index=f"{ALIAS}-*"))  # noqa: SLF001
        with pytest.raises(RuntimeError, match="network"):
            publish(seeds_index, osmem_url, alias=ALIAS, progress=fail)
        assert set(backend._client.indices.get(index=f"{ALIAS}-*")) == before  # noqa: SLF001
        assert backend.search(countries=["Russia"]).total == 17


def test_the_single_machine_path_never_imports_the_opensearch_client(seeds_index: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from search import NewsIndex; NewsIndex(sys.argv[1]).search('fire'); "
            "import cli.app; print('opensearchpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(seeds_index)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
