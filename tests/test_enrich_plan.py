"""Partitioning an enrichment's input (no Dask, no model): slices of big files, globs, keys,
and which copy of a repeated id is the article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import Article, InputError, ReadProblem
from index.enrichment.plan import expand_inputs, plan_partitions
from index.enrichment.tasks import PartitionSummary, superseded
from tests.helpers import write_articles


def _jsonl(count: int, bad_after: tuple[int, ...] = ()) -> str:
    lines = []
    for n in range(count):
        lines.append(json.dumps({"id": f"a{n}", "title": f"Title {n}", "text": "Body."}))
        if n in bad_after:
            lines.append("{not json")
    return "\n".join(lines) + "\n"


def _read(plan_partitions_result: object) -> list[object]:
    return [item for p in plan_partitions_result.partitions  # type: ignore[attr-defined]
            for item in p.articles()]


def test_a_big_file_is_split_and_every_record_and_problem_is_read_once(
        tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", {"big.jsonl": _jsonl(25, bad_after=(9, 19, 24)),
                                              "one.txt": "Alone\n\nText."})
    plan = plan_partitions([folder], "model", partition_docs=10)
    assert [len(p.slices) for p in plan.partitions] == [1, 1, 2]
    assert [(s.start, s.stop) for p in plan.partitions for s in p.slices] == \
        [(0, 10), (10, 20), (20, None), (0, None)]
    items = _read(plan)
    ids = [i.id for i in items if isinstance(i, Article)]
    assert ids == [f"a{n}" for n in range(25)] + ["one.txt"]
    problems = [i for i in items if isinstance(i, ReadProblem)]
    assert [p.line for p in problems] == [11, 22, 28]


def test_keys_change_with_the_file_and_the_pipelines(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", {"a.txt": "A\n\nText.", "b.txt": "B\n\nText."})
    first = plan_partitions([folder], "model-1", partition_docs=1)
    assert len({p.key for p in first.partitions}) == 2
    assert [p.key for p in plan_partitions([folder], "model-1", partition_docs=1).partitions] \
        == [p.key for p in first.partitions]
    assert not {p.key for p in plan_partitions([folder], "model-2",
                                               partition_docs=1).partitions} \
        & {p.key for p in first.partitions}
    (folder / "b.txt").write_text("B\n\nOther text.", encoding="utf-8")
    again = plan_partitions([folder], "model-1", partition_docs=1).partitions
    assert again[0].key == first.partitions[0].key
    assert again[1].key != first.partitions[1].key


def test_globs_expand_and_urls_other_than_files_are_refused(tmp_path: Path) -> None:
    write_articles(tmp_path, {"x/a.jsonl": _jsonl(1), "y/z/b.jsonl": _jsonl(1),
                              "y/c.txt": "C"})
    found = expand_inputs([f"{tmp_path}/**/*.jsonl", f"file://{tmp_path}/y/c.txt"])
    assert found == [tmp_path / "x/a.jsonl", tmp_path / "y/z/b.jsonl", tmp_path / "y/c.txt"]
    with pytest.raises(InputError, match=r"^No file matches '.*/\*\*/\*.csv'. Check the"):
        expand_inputs([f"{tmp_path}/**/*.csv"])
    with pytest.raises(InputError, match=r"^Cannot read 's3://bucket/news': s3:// URLs are "
                                         r"not read; copy the files"):
        expand_inputs(["s3://bucket/news"])


def test_the_last_copy_of_an_id_is_the_article() -> None:
    summaries = [PartitionSummary(0, "p0", ((0, "a", "x.jsonl"), (1, "b", "x.jsonl"),
                                            (2, "a", "x.jsonl")), ()),
                 PartitionSummary(1, "p1", ((0, "c", "y.txt"), (1, "b", "z.txt")), ())]
    skips, warnings = superseded(summaries)
    assert skips == {0: frozenset({0, 1})}
    assert [str(w) for w in warnings] == [
        "x.jsonl: duplicate id 'a'; a later copy replaces this one",
        "x.jsonl: duplicate id 'b'; a later copy replaces this one"]


def test_enrich_cli_refuses_workers_with_a_scheduler(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["enrich", str(tmp_path), "--out", str(tmp_path / "o"),
                                      "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"])
    assert result.exit_code == 2
    assert "Error: --workers sizes the local cluster; with --scheduler the cluster's own " \
        "workers run the job: give one of the two" in result.output


def test_enrich_cli_names_a_missing_input_before_starting_a_cluster(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["enrich", str(tmp_path / "nope"), "--out",
                                      str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"No such file or folder: '{tmp_path / 'nope'}'. Check the path" in result.output
    assert not (tmp_path / "o").exists()
