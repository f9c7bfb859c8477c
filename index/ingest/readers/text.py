"""Plain text and Markdown (``.txt``, ``.md``): the first non-empty line is the title, the
rest the body; a file name starting with an ISO date gives the date. Markdown is read
without its markup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.dates import date_from_name
from index.ingest.decode import decode_text
from index.ingest.formats import Format
from index.ingest.markdown import strip_markdown
from index.ingest.records import (
    MAX_TEXT_CHARS,
    Article,
    ReadItem,
    ReadProblem,
    SourceFile,
    truncation_warning,
)

#: A text file is read up to this many bytes; enough for MAX_TEXT_CHARS of any UTF-8.
MAX_READ_BYTES = 4 * MAX_TEXT_CHARS


def read_text(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """One article per file."""
    data = stream.read(MAX_READ_BYTES + 1)
    truncated = len(data) > MAX_READ_BYTES
    text, _ = decode_text(data[:MAX_READ_BYTES], cut=truncated)
    if not text.strip():
        yield ReadProblem(source.shown, "empty file")
        return
    if len(text) > MAX_TEXT_CHARS:
        text, truncated = text[:MAX_TEXT_CHARS], True
    name = source.name[:-3] if source.name.lower().endswith(".gz") else \
        source.name
    if name.lower().endswith(".md"):
        text = strip_markdown(text)
    lines = text.strip().splitlines()
    title = lines[0].strip().lstrip("#").strip()
    body = "\n".join(lines[1:]).strip()
    if truncated:
        yield truncation_warning(source.shown)
    yield Article(id=source.relpath, title=title, text=body, path=source.shown,
                  date=date_from_name(name), truncated=truncated)


FORMAT = Format("text", (".txt", ".md"), read_text)
