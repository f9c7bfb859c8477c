"""The reader interface and the registry of formats, keyed by file suffix.

A format is one module in :mod:`index.ingest.readers` that defines ``FORMAT``, a
:class:`Format`; the registry finds every such module, so adding a format is adding a
file. A ``.gz`` version of every format is read too (``feed.jsonl.gz``): the reader gets
the decompressed stream, unless it reads gzip itself (WARC files are gzipped per record).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from index.ingest import readers
from index.ingest.records import ReadItem, SourceFile

ReadFunction = Callable[[SourceFile, BinaryIO], Iterator[ReadItem]]
EstimateFunction = Callable[[SourceFile], int]


def one_article(source: SourceFile) -> int:
    """The estimate of a format that holds one article per file."""
    return 1


@dataclass(frozen=True, slots=True)
class Format:
    """One input format: the suffixes it claims and how to read a file of it.

    Attributes:
        name: shown in messages and the README ("HTML page").
        suffixes: lower-case suffixes with the dot, compound ones allowed (``.warc.gz``).
        read: yields the articles and problems of one file, given its byte stream (already
            decompressed, unless ``reads_gzip``). It may raise: the caller turns any
            exception into that file's failure.
        estimate: about how many articles a file holds, cheaply, for progress totals.
        reads_gzip: the reader gets the raw bytes of ``.gz`` files and decompresses itself.
    """

    name: str
    suffixes: tuple[str, ...]
    read: ReadFunction
    estimate: EstimateFunction = one_article
    reads_gzip: bool = False


def _discover() -> dict[str, Format]:
    table: dict[str, Format] = {}
    for info in sorted(pkgutil.iter_modules(readers.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{readers.__name__}.{info.name}")
        found = getattr(module, "FORMAT", None)
        if isinstance(found, Format):
            for suffix in found.suffixes:
                table[suffix] = found
    return table


#: Every format, by suffix.
FORMATS: dict[str, Format] = _discover()
#: The suffixes, longest first: ``x.warc.gz`` is a WARC file, not a gzipped ``.warc``.
_LONGEST_FIRST = sorted(FORMATS, key=len, reverse=True)


def format_of(name: str) -> Format | None:
    """The format of a file called ``name`` (``a.jsonl.gz`` is JSONL), or None."""
    lower = name.lower()
    plain = lower[:-3] if lower.endswith(".gz") else lower
    for candidate in (lower, plain):
        for suffix in _LONGEST_FIRST:
            if candidate.endswith(suffix) and len(candidate) > len(suffix):
                return FORMATS[suffix]
    return None


def supported_suffixes() -> list[str]:
    """Every suffix read, sorted, for messages."""
    return sorted(FORMATS)
