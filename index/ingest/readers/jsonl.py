"""JSON Lines (``.jsonl``): one JSON object per line, streamed; a line is one record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.decode import Undecodable, decode_text
from index.ingest.formats import Format
from index.ingest.records import ReadItem, ReadProblem, SourceFile, record_article
from index.ingest.streams import MAX_LINE_BYTES, bounded_lines, open_source


def read_jsonl(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """Each line is read, parsed and checked on its own: a bad line is that line's failure."""
    found = False
    head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
    if b"\x00" in head:
        yield ReadProblem(source.shown, "binary file, not text; only text files can be indexed")
        return
    for number, raw in bounded_lines(stream):
        if raw is None:
            found = True
            yield ReadProblem(source.shown, f"line longer than {MAX_LINE_BYTES:,} bytes; "
                              "skipped", line=number)
            continue
        if not raw.strip():
            continue
        found = True
        try:
            line, _ = decode_text(raw)
        except Undecodable as exc:
            yield ReadProblem(source.shown, str(exc).replace("offset", "column"), line=number)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadProblem(source.shown, f"bad JSON: {exc.msg} (column {exc.colno})",
                              line=number)
            continue
        except RecursionError:
            yield ReadProblem(source.shown, "JSON nested too deeply", line=number)
            continue
        yield from record_article(source, record, number)
    if not found:
        yield ReadProblem(source.shown, "empty file")


def count_lines(source: SourceFile) -> int:
    """Non-empty lines, counted without parsing (for progress totals)."""
    try:
        with open_source(source) as stream:
            return sum(1 for _, line in bounded_lines(stream) if line is None or line.strip())
    except (OSError, EOFError):
        return 1


FORMAT = Format("JSON Lines", (".jsonl",), read_jsonl, count_lines)
