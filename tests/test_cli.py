"""The real CLI through Typer's runner: every command, every output format, the errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.helpers import SEED_ARTICLE, write_articles

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output + str(result.exception or "")
    return result.output


def test_search_table_shows_hits_snippets_and_facets(seeds_index: Path) -> None:
    out = run("search", "air strikes", "--country", "Russia", "--person", "Sergei Shoigu",
              "--index", seeds_index)
    assert "US rejects Russian proposal for joint air strikes on Syria" in out
    assert SEED_ARTICLE in out
    for heading in ("people", "organizations", "places", "countries"):
        assert heading in out
    assert "Sergei Shoigu" in out


def test_search_json_shape(seeds_index: Path) -> None:
    data = json.loads(run("search", "--country", "Syria", "--format", "json", "--limit", "3",
                          "--index", seeds_index))
    assert data["query"] == "" and data["total"] >= 3 and len(data["hits"]) == 3
    assert set(data["hits"][0]) >= {"id", "title", "path", "date", "source", "url", "score",
                                    "snippet", "people", "organizations", "places", "countries"}
    assert all("Syria" in hit["countries"] for hit in data["hits"])
    assert {"value": "Syria", "count": data["total"]} in data["facets"]["countries"]


def test_search_jsonl_and_csv(seeds_index: Path) -> None:
    lines = run("search", "election", "-n", "5", "-f", "jsonl", "-i", seeds_index).splitlines()
    assert len(lines) == 5 and all(json.loads(line)["id"] for line in lines)
    rows = list(csv.DictReader(io.StringIO(run("search", "election", "-n", "5", "-f", "csv",
                                               "-i", seeds_index))))
    assert len(rows) == 5 and rows[0]["title"] and "snippet" in rows[0]


def test_search_filters_short_flags_and_paging(seeds_index: Path) -> None:
    page1 = json.loads(run("search", "-c", "us", "-p", "Shoigu", "-f", "json", "-i", seeds_index))
    assert [h["id"] for h in page1["hits"]] == [SEED_ARTICLE]
    page2 = json.loads(run("search", "police", "-n", "2", "--page", "2", "-f", "json",
                           "-i", seeds_index))
    assert page2["page"] == 2 and len(page2["hits"]) == 2


def test_index_path_from_environment(seeds_index: Path) -> None:
    result = runner.invoke(app, ["search", "-o", "Pentagon", "-f", "json"],
                           env={"NEWSFACET_INDEX": str(seeds_index)})
    assert result.exit_code == 0, result.output
    assert SEED_ARTICLE in {h["id"] for h in json.loads(result.output)["hits"]}


def test_facets_command(seeds_index: Path) -> None:
    out = run("facets", "people", "election", "--top", "5", "-i", seeds_index)
    assert "people" in out
    data = json.loads(run("facets", "countries", "-c", "Syria", "-f", "json", "-i", seeds_index))
    assert data["facet"] == "countries" and data["values"][0]["value"] == "Syria"
    rows = list(csv.DictReader(io.StringIO(run("facets", "orgs", "-f", "csv", "-t", "3",
                                               "-i", seeds_index))))
    assert len(rows) == 3 and set(rows[0]) == {"value", "count"}


def test_show_command(seeds_index: Path) -> None:
    out = run("show", SEED_ARTICLE, "-i", seeds_index)
    assert "Sergei Shoigu" in out and "Moscow on Friday proposed" in out
    data = json.loads(run("show", SEED_ARTICLE, "-f", "json", "-i", seeds_index))
    assert data["id"] == SEED_ARTICLE and data["text"] and data["mentions"]


def test_export_streams_enriched_documents(seeds_index: Path) -> None:
    lines = run("export", "-i", seeds_index).splitlines()
    assert len(lines) == 241
    first = json.loads(lines[0])
    assert set(first) == {"id", "title", "path", "date", "source", "url", "language", "people",
                          "organizations", "places", "countries"}
    filtered = [json.loads(x) for x in run("export", "--country", "Syria", "--text",
                                           "-i", seeds_index).splitlines()]
    assert filtered and all("Syria" in d["countries"] and d["text"] for d in filtered)
    rows = list(csv.DictReader(io.StringIO(run("export", "-c", "Syria", "-f", "csv",
                                               "-i", seeds_index))))
    assert len(rows) == len(filtered)


def test_stats_command(seeds_index: Path) -> None:
    assert "241" in run("stats", "-i", seeds_index)
    data = json.loads(run("stats", "-f", "json", "-i", seeds_index))
    assert data["documents"] == 241 and data["earliest"] == "2019-01-04"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "-i", "{missing}"], "Error: No index at '{missing}'. Build one first"),
        (["search", '"air', "-i", "{seeds}"], "Error: Unbalanced quote"),
        (["search", "foo:bar", "-i", "{seeds}"], "Error: Unknown field 'foo'"),
        (["facets", "colours", "-i", "{seeds}"], "Error: Unknown facet 'colours'"),
        (["search", "--since", "last week", "-i", "{seeds}"], "Error: since must be a date"),
        (["show", "nope.txt", "-i", "{seeds}"], "Error: No document with id 'nope.txt'"),
        (["index", "{missing}", "-i", "{tmp}/ix"], "Error: No such file or folder"),
        (["index", "seeds", "-i", "{tmp}/ix", "--model", "xx_no_such_model"],
         "Error: spaCy pipeline 'xx_no_such_model' is not installed"),
    ],
)
def test_user_errors_are_one_line_without_traceback(seeds_index: Path, tmp_path: Path,
                                                    args: list[str], message: str) -> None:
    names = {"missing": str(tmp_path / "missing"), "seeds": str(seeds_index), "tmp": str(tmp_path)}
    result = runner.invoke(app, [a.format(**names) for a in args])
    assert result.exit_code == 1
    assert result.output.startswith(message.format(**names))
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_index_command_summary_and_partial_exit_status(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", {"a.txt": "Rain in Oslo\n\nIt rained in Oslo."})
    out = run("index", corpus, "-i", tmp_path / "ix")
    assert "Indexed 1, unchanged 0, removed 0, skipped 0, failed 0" in out
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    result = runner.invoke(app, ["index", str(corpus), "-i", str(tmp_path / "ix"), "-f", "json"])
    assert result.exit_code == 3
    summary = json.loads(result.stdout)
    assert (summary["indexed"], summary["unchanged"], summary["failed"]) == (0, 1, 1)
    assert summary["problems"][0]["path"].endswith("bad.txt")


def test_every_command_help_ends_with_an_example() -> None:
    for command in ("index", "search", "facets", "show", "export", "stats"):
        out = run(command, "--help")
        assert f"Example: newsfacet {command}" in out
