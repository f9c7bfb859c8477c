"""The search-side commands through the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.helpers import SEED_ARTICLE

runner = CliRunner()


def run(seeds_index: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--index", str(seeds_index)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_search_with_any_and_not_filters_as_json(seeds_index: Path) -> None:
    data = json.loads(run(seeds_index, "search", "--any-person", "Vladimir Putin",
                          "--any-person", "Sergei Shoigu", "--not-country", "Ukraine",
                          "--disjunctive", "--sort", "-date", "--facet-size", "2",
                          "--format", "json"))
    assert data["total"] > 0
    assert data["filters"] == {"any_people": ["Vladimir Putin", "Sergei Shoigu"],
                               "not_countries": ["Ukraine"]}
    assert all(len(v) <= 2 for v in data["facets"].values())
    assert data["sort"] == "-date" and data["dates"]["buckets"]
    dates = [h["date"] for h in data["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)


def test_search_suggests_a_fix_for_a_misspelled_person(seeds_index: Path) -> None:
    out = run(seeds_index, "search", "--person", "Sergey Shoygu")
    assert 'Did you mean: --person "Sergei Shoigu"?' in out


def test_search_collapse_and_histogram_in_the_table(seeds_index: Path) -> None:
    out = run(seeds_index, "search", "election", "--collapse", "--interval", "year")
    assert "dates (by year)" in out and "2019" in out


def test_facets_match_exports_csv_and_json(seeds_index: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(seeds_index, "facets", "people", "--match",
                                               "shoi", "--format", "csv"))))
    assert rows == [{"value": "Sergei Shoigu", "count": "1"}]
    data = json.loads(run(seeds_index, "facets", "countries", "--facet-size", "3",
                          "--format", "json"))
    assert [v["count"] for v in data["values"]] == sorted(
        (v["count"] for v in data["values"]), reverse=True)
    assert len(data["values"]) == 3


def test_related_as_table_json_and_csv(seeds_index: Path) -> None:
    assert "lift" in run(seeds_index, "related", "--person", "Sergei Shoigu")
    data = json.loads(run(seeds_index, "related", "--person", "Sergei Shoigu", "-f", "json"))
    assert data["total"] == 1 and data["related"]["countries"]
    rows = list(csv.DictReader(io.StringIO(run(seeds_index, "related", "--person",
                                               "Sergei Shoigu", "--facet", "countries",
                                               "-f", "csv"))))
    assert rows and {r["facet"] for r in rows} == {"countries"}
    assert {"value", "count", "lift"} <= set(rows[0])


def test_similar_lists_other_articles(seeds_index: Path) -> None:
    data = json.loads(run(seeds_index, "similar", SEED_ARTICLE, "-n", "3", "-f", "json"))
    assert len(data["hits"]) == 3
    assert SEED_ARTICLE not in {h["id"] for h in data["hits"]}


def test_similar_unknown_id_is_one_line_error(seeds_index: Path) -> None:
    result = runner.invoke(app, ["similar", "nope", "--index", str(seeds_index)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: No document with id 'nope'")


def test_export_streams_every_match_sorted(seeds_index: Path) -> None:
    lines = run(seeds_index, "export", "--not-country", "United States", "--sort", "date"
                ).splitlines()
    docs = [json.loads(line) for line in lines]
    total = json.loads(run(seeds_index, "search", "--not-country", "United States",
                           "-f", "json"))["total"]
    assert len(docs) == total
    dates = [d["date"] for d in docs if d["date"]]
    assert dates == sorted(dates)


@pytest.mark.parametrize("command", ["search", "facets", "export", "related", "similar"])
def test_help_ends_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: newsfacet " + command in " ".join(result.stdout.split())
