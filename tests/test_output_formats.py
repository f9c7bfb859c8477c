"""Every format of every command works, or the option parser refuses it: one table says
which formats each command prints."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.render import COMMAND_FORMATS, OutputFormat
from tests.helpers import SEED_ARTICLE

runner = CliRunner()

COMMANDS = {
    "search": ["search", "Syria"],
    "facets": ["facets", "people", "Syria"],
    "similar": ["similar", SEED_ARTICLE, "-n", "3"],
    "related": ["related", "--country", "Syria"],
    "show": ["show", SEED_ARTICLE],
    "stats": ["stats"],
    "entities": ["entities", "people", "--top", "3"],
    "export": ["export", "--country", "Syria", "--mentions", "--text"],
    "cache": ["cache", "info"],
}
CASES = [(name, fmt) for name in COMMANDS for fmt in OutputFormat]


def test_every_command_with_a_format_is_in_the_table() -> None:
    assert set(COMMANDS) == set(COMMAND_FORMATS)


def check_output(fmt: OutputFormat, out: str) -> None:
    assert out.strip()
    if fmt is OutputFormat.JSON:
        json.loads(out)
    elif fmt is OutputFormat.JSONL:
        assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
    elif fmt is OutputFormat.CSV:
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    else:
        assert not out.lstrip().startswith(("{", "["))


@pytest.mark.parametrize(("command", "fmt"), CASES)
def test_a_format_works_or_is_refused(seeds_index: Path, command: str,
                                      fmt: OutputFormat) -> None:
    args = [*COMMANDS[command], "--format", fmt.value]
    if command != "cache":
        args += ["--index", str(seeds_index)]
    result = runner.invoke(app, args)
    if fmt in COMMAND_FORMATS[command]:
        assert result.exit_code == 0, result.output
        check_output(fmt, result.stdout)
    else:
        assert result.exit_code == 2
        assert f"{command} prints " in result.output and f"not {fmt.value}" in result.output


def test_export_csv_with_mentions_carries_them_as_json(seeds_index: Path) -> None:
    result = runner.invoke(app, ["export", "--country", "Syria", "-f", "csv", "--mentions",
                                 "--index", str(seeds_index)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(json.loads(row["mentions"]) for row in rows)
