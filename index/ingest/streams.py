"""Opening a source file as a byte stream (decompressing ``.gz``) and reading it with
hard limits, so that no file can make memory grow without bound."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from index.ingest.files import open_regular
from index.ingest.records import SourceFile

#: Longest line a line-based format (JSONL, CSV) may have: a record with a text of
#: MAX_TEXT_CHARS written with JSON escapes is at most about 1.2 MB, so 16 MB is any sane
#: record, and a line of `/dev/zero` or a minified dump is reported instead of read.
MAX_LINE_BYTES = 16 * 2**20
#: Most bytes of one page, text file or PDF read whole (HTML, .txt, .md); beyond that the
#: file is read up to here. A news page is rarely over 1 MB.
MAX_DOCUMENT_BYTES = 32 * 2**20
_CHUNK = 1 << 16


def is_gzip(source: SourceFile) -> bool:
    """Whether the file is gzip-compressed, by its name."""
    return source.name.lower().endswith(".gz")


@contextmanager
def open_source(source: SourceFile, *, decompress: bool = True) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed when it is a ``.gz`` and ``decompress`` is on.

    Raises:
        OSError: the file cannot be opened or is not a regular file.
    """
    with open_regular(source.path) as raw:
        if decompress and is_gzip(source):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield raw


def read_capped(stream: BinaryIO, limit: int = MAX_DOCUMENT_BYTES) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of ``stream``, and whether there was more."""
    data = stream.read(limit + 1)
    return data[:limit], len(data) > limit


def bounded_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES
                  ) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line; ``None`` for a line longer than ``limit``,
    which is read past (in chunks) but never held whole."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit:
            yield number, line
            continue
        while not line.endswith(b"\n"):
            line = stream.readline(_CHUNK)
            if not line:
                break
        yield number, None
