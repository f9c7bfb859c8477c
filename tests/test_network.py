"""Entity networks: nodes are entities of the matches, edges their co-mentions."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import InvalidValueError, UnknownFacetError
from search import NewsIndex
from search.workflows import network

runner = CliRunner()


def test_edge_weights_equal_related_counts(news: NewsIndex) -> None:
    result = news.network(facets=["people", "organizations", "countries"], min_weight=1,
                          top=40)
    assert result.edges
    nodes = {n.id: n for n in result.nodes}
    checked = 0
    for node in result.nodes[:6]:
        related = news.related(**{node.facet: [node.value]}, size=0,
                               facets=["people", "organizations", "countries"])
        counts = {f"{c.facet}:{c.value}": c.count for c in related.rows()}
        assert related.total == node.articles
        for edge in result.edges:
            if node.id in (edge.source, edge.target):
                other = edge.target if edge.source == node.id else edge.source
                assert counts[other] == edge.weight, (node.id, other)
                expected_lift = edge.weight * result.total / (
                    node.articles * nodes[other].articles)
                assert edge.lift == pytest.approx(expected_lift)
                checked += 1
    assert checked > 10


def test_query_scopes_the_graph_and_min_weight_prunes(news: NewsIndex) -> None:
    everything = news.network(min_weight=1)
    scoped = news.network("election", countries=["United States"], min_weight=1)
    assert scoped.total == news.search("election", countries=["United States"]).total
    assert 0 < scoped.total < everything.total and scoped.edges
    counts = {f"{facet}:{c.value}": c.count for facet in ("people", "organizations")
              for c in news.facet(facet, "election", countries=["United States"], size=0)}
    assert all(counts[n.id] == n.articles for n in scoped.nodes)
    assert max(e.weight for e in scoped.edges) <= scoped.total
    strong = news.network(min_weight=3)
    assert all(e.weight >= 3 for e in strong.edges)
    linked = {e.source for e in strong.edges} | {e.target for e in strong.edges}
    assert {n.id for n in strong.nodes} == linked
    assert len(news.network(top=5, min_weight=1).nodes) <= 5


def test_options_are_checked(news: NewsIndex) -> None:
    with pytest.raises(UnknownFacetError):
        news.network(facets=["planets"])
    with pytest.raises(InvalidValueError, match="min_weight must be"):
        news.network(min_weight=0)
    with pytest.raises(InvalidValueError, match="top must be"):
        news.network(top=1)


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json", "csv"])
def test_cli_writes_each_format(tmp_path: Path, seeds_index: Path, fmt: str) -> None:
    target = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["network", "--country", "United States", "--facets",
                                 "people,organizations", "--min-weight", "2", "--top", "30",
                                 "--format", fmt, "--output", str(target), "--index",
                                 str(seeds_index)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    if fmt in ("gexf", "graphml"):
        root = ET.fromstring(text)
        assert root.tag.endswith(fmt)
        assert "Donald Trump" in text
    elif fmt == "json":
        data = json.loads(text)
        assert data["edges"] and {"source", "target", "weight", "lift"} <= set(data["edges"][0])
    else:
        assert text.splitlines()[0] == "source,target,weight,lift"


def test_counting_in_blocks_of_documents_changes_nothing(news: NewsIndex,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    whole = news.network(min_weight=1, top=50)
    monkeypatch.setattr(network, "_BLOCK_ROWS", 7)
    assert news.network(min_weight=1, top=50) == whole
