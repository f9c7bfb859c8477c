"""Text from articles reaches a terminal without its escape sequences; JSON keeps it exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.render import clean
from index import build_index

#: Clear the screen, retitle the window, a hidden OSC 8 link, a bell, a bidi override.
HOSTILE_TITLE = "Flood\x1b[2J\x1b]0;pwned\x07 warning \u202eesrever"
HOSTILE_TEXT = ("The river rose in Carlisle. \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ "
                "Residents\x1b[31m fled\x1b[0m the flood.\rOverwritten")
FORBIDDEN = ("\x1b", "\x07", "\u202e", "\r")


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "articles").mkdir()
    record = {"id": "flood\x1b[2J.txt", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT,
              "date": "2019-12-07", "source": "wire\x1b]0;x\x07"}
    (folder / "articles" / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build_index([folder / "articles"], folder / "index", workers=1)
    return folder / "index"


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.parametrize("command", [
    ["search", "flood"], ["search", "flood", "-f", "csv"], ["show", "flood\x1b[2J.txt"],
    ["export", "--format", "csv", "--text"], ["stats"], ["facets", "places", "flood"],
    ["search", "flood\x1b[2J:"], ["show", "nothing\x1b]0;x\x07"],
])
def test_nothing_printed_for_a_person_holds_control_characters(hostile_index: Path,
                                                                command: list[str]) -> None:
    failing = "nothing" in command[-1] or command[-1].endswith(":")
    output = run(*command, "--index", str(hostile_index), code=1 if failing else 0)
    assert not any(c in output for c in FORBIDDEN), repr(output)
    if not failing:
        assert any(word in output.lower() for word in ("flood", "documents", "carlisle"))


def test_json_keeps_the_text_exact(hostile_index: Path) -> None:
    body = json.loads(run("search", "flood", "-f", "json", "--index", str(hostile_index)))
    assert body["hits"][0]["title"] == HOSTILE_TITLE
    document = json.loads(run("show", "flood\x1b[2J.txt", "-f", "json", "--index",
                              str(hostile_index)))
    assert document["text"] == HOSTILE_TEXT


def test_clean_keeps_text_and_drops_controls() -> None:
    assert clean("Zürich\tnews\nline\x1b[2J\x9b\u2066") == "Zürich\tnews\nline[2J"
    assert clean("a\tb\nc", one_line=True) == "a b c"
