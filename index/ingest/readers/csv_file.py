"""CSV (``.csv``): a header row naming the columns (``id``, ``title``, ``text`` or
``body``, ``date``, ``url``, ``source``, ``language``), then one record per row.

Streamed row by row: a file of any size is read, every row is a record, and a line
longer than :data:`index.ingest.streams.MAX_LINE_BYTES` is reported and skipped.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.decode import Undecodable, decode_text
from index.ingest.formats import Format
from index.ingest.records import ReadItem, ReadProblem, SourceFile, record_article
from index.ingest.streams import MAX_LINE_BYTES, bounded_lines

# A field may be as long as a line may be (the default limit is 128 KB, less than a
# long article).
csv.field_size_limit(min(sys.maxsize, MAX_LINE_BYTES))


class _Lines:
    """The file's lines as text for the CSV parser, with the problems met on the way."""

    def __init__(self, source: SourceFile, stream: BinaryIO) -> None:
        self.source, self.stream = source, stream
        self.line = 0
        self.encoding = "utf-8"
        self.problems: list[ReadProblem] = []

    def __iter__(self) -> Iterator[str]:
        for number, raw in bounded_lines(self.stream):
            self.line = number
            if raw is None:
                self.problems.append(ReadProblem(self.source.shown, f"line longer than "
                                                 f"{MAX_LINE_BYTES:,} bytes; skipped",
                                                 line=number))
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else self.encoding)
            except UnicodeDecodeError:
                try:  # the file's encoding, once guessed, serves the lines after
                    text, self.encoding = decode_text(raw)
                except Undecodable as exc:
                    self.problems.append(ReadProblem(self.source.shown, str(exc), line=number))
                    continue
            yield text

    def take_problems(self) -> list[ReadProblem]:
        found, self.problems = self.problems, []
        return found


def read_csv(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """The rows of a CSV file as records; the line of a problem is the row's first line."""
    lines = _Lines(source, stream)
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        yield ReadProblem(source.shown, f"bad CSV: {exc}", line=lines.line)
        return
    yield from lines.take_problems()
    if not fieldnames:
        yield ReadProblem(source.shown, "empty file")
        return
    columns = {c.strip().lower() for c in fieldnames}
    if not columns & {"title", "text", "body"}:
        yield ReadProblem(source.shown, "CSV header has no 'title', 'text' or 'body' column; "
                          "add a header row naming the columns", line=1)
        return
    start = lines.line + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield from lines.take_problems()
            yield ReadProblem(source.shown, f"bad CSV: {exc}", line=start)
            start = lines.line + 1
            continue
        yield from lines.take_problems()
        record = {(k or "").strip().lower(): v for k, v in row.items()}
        yield from record_article(source, record, start)
        start = lines.line + 1
    yield from lines.take_problems()


FORMAT = Format("CSV", (".csv",), read_csv)
