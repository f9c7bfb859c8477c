"""Read files and folders into :class:`Article` records, streaming.

Supported formats:

* ``.txt`` / ``.md``: the first non-empty line is the title, the rest is the body. A file
  name that starts with an ISO date (``2019-01-04-slug.txt``) gives the article its date.
* ``.jsonl``: one JSON object per line; ``.json``: one object, a list of objects, or an
  object with an ``articles`` list. Fields: ``id``, ``title``, ``text`` or ``body``, and
  optionally ``date``, ``url``, ``source``.
* ``.csv``: a header row with the same column names.

Problems with one file or one record never stop a run: they come out of the stream as
:class:`ReadProblem` values next to the articles that could be read.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateutil import parser as date_parser

from index.errors import InputError
from index.ingest.markdown import strip_markdown

#: Text beyond this many characters (about 30,000 words, ten times a long feature) is not
#: indexed: the article is indexed up to here and reported as truncated. NER of a text
#: this long takes seconds and a few hundred MB in one worker; spaCy's own limit, a
#: million characters, would take most of a minute and a GB.
MAX_TEXT_CHARS = 200_000
#: A text file is read up to this many bytes; enough for MAX_TEXT_CHARS of any UTF-8.
MAX_READ_BYTES = 4 * MAX_TEXT_CHARS

TEXT_SUFFIXES = frozenset({".txt", ".md"})
RECORD_SUFFIXES = frozenset({".jsonl", ".json", ".csv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES
#: Files in a corpus folder that document it rather than being articles.
DOC_FILE_PREFIXES = ("readme", "license", "licence", "notice", "copying", "changelog")

_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[-_ .]|$)")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from disk, before any NLP."""

    id: str
    title: str
    text: str
    path: str
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    truncated: bool = False


class ProblemKind(enum.StrEnum):
    """How bad a read problem is."""

    FAILED = "failed"  # the file or record was not indexed
    SKIPPED = "skipped"  # not an article file (unsupported extension, README)
    WARNING = "warning"  # indexed, with a caveat (truncated, unreadable date)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A file or record that could not be read as it is, and why."""

    path: str
    reason: str
    kind: ProblemKind = ProblemKind.FAILED
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read and the root its document ids are relative to."""

    path: Path
    root: Path

    @property
    def relpath(self) -> str:
        """The path relative to the indexed root, with forward slashes."""
        if self.root == self.path:
            return self.path.name
        return self.path.relative_to(self.root).as_posix()


def ner_text(article: Article) -> str:
    """The text NER reads: title and body, separated so the title is a sentence of its own."""
    return joined_text(article.title, article.text)


def joined_text(title: str, body: str) -> str:
    """Title and body as NER reads them (see :func:`ner_text`)."""
    return f"{title}\n\n{body}" if body else title


def iter_source_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[SourceFile]:
    """Every file under ``paths`` (files or folders, recursively), in a stable order.

    Hidden files and folders are left out; symlinked folders are not followed, so a
    symlink loop cannot trap the walk.

    Raises:
        InputError: a path does not exist.
    """
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"No such file or folder: '{raw}'. Check the path and try again.")
        path = path.resolve()
        if path.is_file():
            yield SourceFile(path, path)
            continue
        for folder, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not name.startswith("."):
                    yield SourceFile(Path(folder) / name, path)


def read_source(source: SourceFile) -> Iterator[Article | ReadProblem]:
    """Read one file into articles, yielding a :class:`ReadProblem` for what cannot be read."""
    suffix = source.path.suffix.lower()
    name = source.path.name.lower()
    shown = str(source.path)
    if name.startswith(DOC_FILE_PREFIXES):
        yield ReadProblem(shown, "documentation file, not an article", ProblemKind.SKIPPED)
        return
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        what = f"extension {suffix!r}" if suffix else "no extension"
        yield ReadProblem(shown, f"unsupported file type ({what}); use one of {kinds}",
                          ProblemKind.SKIPPED)
        return
    if suffix == ".jsonl":
        yield from _jsonl_file(source)
        return
    try:
        text, truncated = _read_text(source.path)
    except _Unreadable as exc:
        yield ReadProblem(shown, str(exc))
        return
    except OSError as exc:
        yield ReadProblem(shown, f"cannot read file: {exc.strerror or exc}")
        return
    if not text.strip():
        yield ReadProblem(shown, "empty file")
        return
    if suffix in TEXT_SUFFIXES:
        yield from _text_article(source, text, truncated)
    elif suffix == ".json":
        yield from _json_articles(source, text)
    else:
        yield from _csv_articles(source, text)


def estimate_documents(sources: Iterable[SourceFile]) -> int:
    """About how many articles ``sources`` hold, cheaply: for progress totals.

    A text file is one article, a JSONL file one per non-empty line (counted without
    parsing), a JSON or CSV file counts as one until it is read.
    """
    total = 0
    for source in sources:
        suffix = source.path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES or source.path.name.lower().startswith(
                DOC_FILE_PREFIXES):
            continue
        if suffix != ".jsonl":
            total += 1
            continue
        try:
            with source.path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1
    return total


def read_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | ReadProblem]:
    """Stream the articles (and read problems) of every file under ``paths``."""
    for source in iter_source_files(paths):
        yield from read_source(source)


def parse_date(value: Any) -> dt.date | None:
    """Parse a date given as ISO text, free text ("4 January 2019") or a Unix timestamp.

    Raises:
        ValueError: the value is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        parsed: dt.datetime = date_parser.parse(text)
        return parsed.date()
    except (ValueError, OverflowError, date_parser.ParserError) as exc:
        raise ValueError(f"unreadable date {text!r}") from exc


class _Unreadable(Exception):
    """A file whose bytes are not UTF-8 text."""


def _read_text(path: Path) -> tuple[str, bool]:
    with path.open("rb") as handle:
        data = handle.read(MAX_READ_BYTES + 1)
    truncated = len(data) > MAX_READ_BYTES
    data = data[:MAX_READ_BYTES]
    if b"\x00" in data[:8192]:
        raise _Unreadable("binary file, not text; only UTF-8 text files can be indexed")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A read cut short may end inside a character: drop that tail, not the file.
        if truncated and exc.start >= len(data) - 3:
            text = data[: exc.start].decode("utf-8-sig")
        else:
            raise _Unreadable(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "convert the file to UTF-8"
            ) from None
    if len(text) > MAX_TEXT_CHARS:
        text, truncated = text[:MAX_TEXT_CHARS], True
    return text, truncated


def _truncation_warning(path: str, line: int | None = None) -> ReadProblem:
    return ReadProblem(path, f"text longer than {MAX_TEXT_CHARS:,} characters; indexed up to "
                       "that limit", ProblemKind.WARNING, line)


def _text_article(source: SourceFile, text: str, truncated: bool
                  ) -> Iterator[Article | ReadProblem]:
    if source.path.suffix.lower() == ".md":
        text = strip_markdown(text)
    lines = text.strip().splitlines()
    title = lines[0].strip().lstrip("#").strip()
    body = "\n".join(lines[1:]).strip()
    match = _DATE_PREFIX.match(source.path.name)
    date = None
    if match:
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            date = None
    if truncated:
        yield _truncation_warning(str(source.path))
    yield Article(id=source.relpath, title=title, text=body, path=str(source.path),
                  date=date, truncated=truncated)


def _record_article(source: SourceFile, record: Any, where: int) -> Article | list[ReadProblem]:
    shown = str(source.path)
    if not isinstance(record, dict):
        return [ReadProblem(shown, f"expected a JSON object, got {type(record).__name__}",
                            line=where)]
    title = _as_text(record.get("title"))
    text = _as_text(record.get("text") if record.get("text") is not None else record.get("body"))
    if not title.strip() and not text.strip():
        return [ReadProblem(shown, "record has no 'title' and no 'text' or 'body'", line=where)]
    raw_id = record.get("id")
    doc_id = str(raw_id).strip() if raw_id not in (None, "") else f"{source.relpath}#{where}"
    problems = []
    try:
        date = parse_date(record.get("date"))
    except ValueError as exc:
        date = None
        problems.append(ReadProblem(shown, f"{exc}; indexed without a date",
                                    ProblemKind.WARNING, where))
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        text = text[:MAX_TEXT_CHARS]
        problems.append(_truncation_warning(shown, where))
    article = Article(id=doc_id, title=title.strip(), text=text.strip(), path=shown, date=date,
                      url=_as_text(record.get("url")).strip() or None,
                      source=_as_text(record.get("source")).strip() or None,
                      truncated=truncated)
    return [*problems, article]  # type: ignore[list-item]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _emit(result: Article | list[Any]) -> Iterator[Article | ReadProblem]:
    if isinstance(result, Article):
        yield result
    else:
        yield from result


def _jsonl_file(source: SourceFile) -> Iterator[Article | ReadProblem]:
    """Stream a JSONL file line by line: it has no size limit, each line has MAX_READ_BYTES."""
    shown = str(source.path)
    try:
        handle = source.path.open("rb")
    except OSError as exc:
        yield ReadProblem(shown, f"cannot read file: {exc.strerror or exc}")
        return
    found = False
    with handle:
        try:
            if b"\x00" in handle.read(8192):
                yield ReadProblem(shown, "binary file, not text; only UTF-8 text files can be "
                                  "indexed")
                return
            handle.seek(0)
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                found = True
                if len(raw) > MAX_READ_BYTES:
                    yield ReadProblem(shown, f"line longer than {MAX_READ_BYTES:,} bytes",
                                      line=number)
                    continue
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield ReadProblem(shown, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                                      f"column {exc.start + 1})", line=number)
                    continue
                yield from _jsonl_line(source, line, number)
        except OSError as exc:
            yield ReadProblem(shown, f"cannot read file: {exc.strerror or exc}")
            return
    if not found:
        yield ReadProblem(shown, "empty file")


def _jsonl_line(source: SourceFile, line: str, number: int) -> Iterator[Article | ReadProblem]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield ReadProblem(str(source.path), f"bad JSON: {exc.msg} (column {exc.colno})",
                          line=number)
        return
    yield from _emit(_record_article(source, record, number))


def _json_articles(source: SourceFile, text: str) -> Iterator[Article | ReadProblem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ReadProblem(str(source.path), f"bad JSON: {exc.msg} (column {exc.colno})",
                          line=exc.lineno)
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        yield from _emit(_record_article(source, record, number))


def _csv_articles(source: SourceFile, text: str) -> Iterator[Article | ReadProblem]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not columns & {"title", "text", "body"}:
        yield ReadProblem(str(source.path), "CSV header has no 'title', 'text' or 'body' column; "
                          "add a header row naming the columns", line=1)
        return
    try:
        for row in reader:
            record = {(k or "").strip().lower(): v for k, v in row.items()}
            yield from _emit(_record_article(source, record, reader.line_num))
    except csv.Error as exc:
        yield ReadProblem(str(source.path), f"bad CSV: {exc}", line=reader.line_num)
