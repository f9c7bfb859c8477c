"""Reading every input format, and every kind of bad input, without NLP."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index import Article, InputError, ProblemKind, ReadProblem, read_articles
from index.ingest.dates import parse_date
from index.ingest.records import MAX_TEXT_CHARS
from tests.helpers import write_articles


def read(path: Path) -> tuple[list[Article], list[ReadProblem]]:
    items = list(read_articles([path]))
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, ReadProblem)])


def test_txt_first_line_is_title_and_id_is_relative_path(tmp_path: Path) -> None:
    write_articles(tmp_path, {"a/one.txt": "\n\nTitle here\n\nFirst para.\n\nSecond para.\n"})
    [article], problems = read(tmp_path)
    assert problems == []
    assert article.id == "a/one.txt"
    assert article.title == "Title here"
    assert article.text == "First para.\n\nSecond para."
    assert article.date is None


def test_markdown_heading_and_date_from_file_name(tmp_path: Path) -> None:
    write_articles(tmp_path, {"2019-01-04-story.md": "# A story\n\nBody text."})
    [article], _ = read(tmp_path)
    assert article.title == "A story"
    assert article.date == dt.date(2019, 1, 4)


def test_single_file_id_is_its_name(tmp_path: Path) -> None:
    write_articles(tmp_path, {"x/y/story.txt": "T\n\nB"})
    [article], _ = read(tmp_path / "x" / "y" / "story.txt")
    assert article.id == "story.txt"


def test_jsonl_records_fields_and_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "r1", "title": "One", "text": "Body one", "date": "2020-05-01",
                    "url": "https://example.org/1", "source": "Wire"}),
        "{not json",
        json.dumps({"id": "r2", "title": "Two", "body": "Body two", "date": "4 January 2019"}),
        json.dumps({"id": "r3", "title": "", "text": ""}),
        json.dumps(["not", "an", "object"]),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = read(tmp_path)
    assert [a.id for a in articles] == ["r1", "r2"]
    first, second = articles
    assert (first.date, first.url, first.source) == (dt.date(2020, 5, 1), "https://example.org/1",
                                                     "Wire")
    assert second.text == "Body two" and second.date == dt.date(2019, 1, 4)
    assert [(p.line, p.kind) for p in problems] == [(2, ProblemKind.FAILED),
                                                    (4, ProblemKind.FAILED),
                                                    (5, ProblemKind.FAILED)]
    assert "bad JSON" in problems[0].reason
    assert str(problems[0]).startswith(str(tmp_path / "feed.jsonl") + ":2: ")


def test_json_list_object_and_articles_key(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(json.dumps([{"id": "a", "title": "A", "text": "x"}]))
    (tmp_path / "one.json").write_text(json.dumps({"id": "b", "title": "B", "text": "y"}))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [{"title": "C", "text": "z"}]}))
    articles, problems = read(tmp_path)
    assert problems == []
    assert sorted(a.id for a in articles) == ["a", "b", "wrapped.json#1"]


def test_csv_with_header_and_missing_columns(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text(
        'id,title,text,date\nc1,Title,"Body, with comma",2021-03-04\n')
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    articles, problems = read(tmp_path)
    [article] = articles
    assert (article.id, article.text, article.date) == ("c1", "Body, with comma",
                                                        dt.date(2021, 3, 4))
    [problem] = problems
    assert problem.path.endswith("bad.csv") and "header" in problem.reason


def test_bad_date_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "d", "title": "T", "date": "soonish"}))
    [article], [problem] = read(tmp_path)
    assert article.date is None
    assert problem.kind is ProblemKind.WARNING and "soonish" in problem.reason


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("garbled.txt", b"Title\n\n" + bytes(range(0x80, 0x100)) * 4, "not valid UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x00\x00\x00", "binary file"),
    ],
)
def test_unreadable_files_fail_with_reason(tmp_path: Path, name: str, content: bytes,
                                           reason: str) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text("Good\n\nBody")
    articles, problems = read(tmp_path)
    assert [a.id for a in articles] == ["good.txt"]
    [problem] = problems
    assert problem.kind is ProblemKind.FAILED
    assert reason in problem.reason and problem.path.endswith(name)


def test_unknown_extension_and_readme_are_skipped(tmp_path: Path) -> None:
    write_articles(tmp_path, {"photo.jpg": "x", "README.md": "# About", "notes.txt": "N\n\nB",
                              ".hidden.txt": "H\n\nB"})
    articles, problems = read(tmp_path)
    assert [a.id for a in articles] == ["notes.txt"]
    assert sorted((Path(p.path).name, p.kind) for p in problems) == [
        (".hidden.txt", ProblemKind.SKIPPED), ("README.md", ProblemKind.SKIPPED),
        ("photo.jpg", ProblemKind.SKIPPED)]
    assert "unsupported file type (extension '.jpg')" in next(p.reason for p in problems
                                                     if p.path.endswith("jpg"))


def test_long_text_is_truncated_and_said(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("Long\n\n" + "word " * (MAX_TEXT_CHARS // 4))
    [article], [problem] = read(tmp_path)
    assert article.truncated and len(article.text) <= MAX_TEXT_CHARS
    assert problem.kind is ProblemKind.WARNING and "indexed up to" in problem.reason


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file or folder: '.*nope'"):
        list(read_articles([tmp_path / "nope"]))


def test_symlink_loop_does_not_trap_the_walk(tmp_path: Path) -> None:
    write_articles(tmp_path, {"a/story.txt": "S\n\nB"})
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    articles, _ = read(tmp_path)
    assert [a.id for a in articles] == ["a/story.txt"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-01-04", dt.date(2019, 1, 4)), ("2019-01-04T10:00:00Z", dt.date(2019, 1, 4)),
     ("January 4, 2019", dt.date(2019, 1, 4)), (None, None), ("", None)],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected
