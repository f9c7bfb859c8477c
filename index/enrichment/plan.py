"""Splitting an enrichment's input into partitions of about the same number of articles.

A partition is a list of slices: a file, or a run of the records of a file of many (a
big JSON Lines or CSV file is split across partitions; every partition reading it skips
to its own records). A partition's key hashes its slices, each file's size and
modification time and the pipelines' fingerprint, so a checkpoint written for it is
reused only while all of these are the same.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.enrichment import DEFAULT_PARTITION_DOCS
from index.errors import InputError
from index.ingest.files import DEFAULT_FOLLOW_LINKS, walk_sources
from index.ingest.reading import estimate_documents, read_source
from index.ingest.records import ReadItem, ReadProblem, SourceFile

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Slice:
    """Articles ``start`` (inclusive) to ``stop`` (exclusive, None for the end) of a file,
    counted in reading order, with the file's size and modification time at planning."""

    path: str
    root: str
    start: int = 0
    stop: int | None = None
    size: int = 0
    mtime_ns: int = 0

    def source(self) -> SourceFile:
        """The file, as the readers take it."""
        return SourceFile(self.path, Path(self.root))

    def read(self) -> Iterator[ReadItem]:
        """This slice's articles, and the problems found among them.

        A problem after the last article of a slice belongs to the next one, so each
        problem of a split file is reported once.
        """
        seen = 0
        for item in read_source(self.source()):
            if isinstance(item, ReadProblem):
                if seen >= self.start:
                    yield item
                continue
            if seen >= self.start:
                yield item
            seen += 1
            if self.stop is not None and seen >= self.stop:
                return

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the checkpoint's header keeps it)."""
        return {"path": self.path, "root": self.root, "start": self.start, "stop": self.stop,
                "size": self.size, "mtime_ns": self.mtime_ns}


@dataclass(frozen=True, slots=True)
class Partition:
    """A numbered run of slices, keyed by what decides its NER output."""

    number: int
    slices: tuple[Slice, ...]
    key: str

    def articles(self) -> Iterator[ReadItem]:
        """The partition's articles and read problems, in order."""
        for part in self.slices:
            yield from part.read()


@dataclass(frozen=True, slots=True)
class Plan:
    """The partitions of a run, the problems found while listing files, and the roots."""

    partitions: tuple[Partition, ...]
    problems: tuple[ReadProblem, ...]
    roots: tuple[str, ...]


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Paths as given, globs (``data/**/*.jsonl``) expanded in sorted order.

    Raises:
        InputError: a path does not exist or a glob matches nothing.
    """
    out: list[Path] = []
    for raw in inputs:
        text = os.fspath(raw)
        if "://" in text:
            scheme = text.split("://", 1)[0]
            if scheme != "file":
                raise InputError(f"Cannot read '{text}': {scheme}:// URLs are not read; "
                                 "copy the files to a folder every worker can read and give "
                                 "its path")
            text = text.split("://", 1)[1]
        if os.path.lexists(os.path.expanduser(text)) or not _GLOB_CHARS & set(text):
            out.append(Path(text).expanduser())
            continue
        matched = sorted(glob.glob(os.path.expanduser(text), recursive=True))
        if not matched:
            raise InputError(f"No file matches '{text}'. Check the pattern (quote it so the "
                             "shell does not expand it) and try again.")
        out.extend(Path(m) for m in matched)
    return out


def plan_partitions(inputs: Iterable[str | os.PathLike[str]], fingerprint: str, *,
                    partition_docs: int = DEFAULT_PARTITION_DOCS,
                    follow_links: bool = DEFAULT_FOLLOW_LINKS) -> Plan:
    """Partitions of about ``partition_docs`` articles over every file under ``inputs``.

    Raises:
        InputError: a path does not exist or a glob matches nothing.
    """
    paths = expand_inputs(inputs)
    problems: list[ReadProblem] = []
    sources: list[SourceFile] = []
    for found in walk_sources(paths, follow_links=follow_links):
        if isinstance(found, ReadProblem):
            problems.append(found)
        else:
            sources.append(found)
    per = max(1, partition_docs)
    groups: list[list[Slice]] = [[]]
    filled = 0
    for source in sources:
        expected = max(1, estimate_documents([source]))
        try:
            info = source.path.stat()
            size, mtime = info.st_size, info.st_mtime_ns
        except OSError:
            size, mtime = 0, 0  # reading it reports the problem
        start = 0
        while True:
            room = per - filled
            stop = start + room if expected - start > room else None
            groups[-1].append(Slice(source.shown, str(source.root), start, stop,
                                    size, mtime))
            filled += (stop if stop is not None else expected) - start
            if filled >= per:
                groups.append([])
                filled = 0
            if stop is None:
                break
            start = stop
    partitions = tuple(Partition(n, tuple(g), _key(g, fingerprint))
                       for n, g in enumerate(x for x in groups if x))
    roots = tuple(sorted({str(p.expanduser().resolve()) for p in paths}))
    return Plan(partitions, tuple(problems), roots)


def _key(slices: list[Slice], fingerprint: str) -> str:
    digest = hashlib.blake2b(fingerprint.encode(), digest_size=12)
    for part in slices:
        digest.update(repr(sorted(part.to_dict().items())).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()

