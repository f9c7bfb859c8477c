"""Open, create and lock newsfacet index directories.

An index directory holds a Whoosh index plus ``newsfacet.json`` (schema version, model,
roots). Whoosh writes each commit atomically, so a run that dies leaves the last commit.
"""

from __future__ import annotations

import bisect
import errno
import json
import os
import pickle
import struct
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.errors import (
    CorruptIndexError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IndexWriteError,
    NewsfacetError,
)
from index.store import posting_runs, safe_pickle, segment_files
from index.store.schema import HASH, SCHEMA_VERSION, build_schema
from index.store.segment_postings import as_text, segment_fingerprints
from index.store.whoosh_types import WhooshIndex, WhooshReader

# Every index is opened through this module: from here on, nothing Whoosh unpickles from an
# index folder can name code to run (a crafted folder is data, never a program).
safe_pickle.install()
# ... and a segment's files are read from the memory map, not copied into memory.
segment_files.install()
# ... and a writer spills its postings in blocks, not one pickle each.
posting_runs.install()

#: Where the index lives when no path is given and $NEWSFACET_INDEX is unset.
DEFAULT_INDEX_DIR = "news-index"
INDEX_ENV = "NEWSFACET_INDEX"
META_FILE = "newsfacet.json"
LOCK_FILE = "newsfacet.lock"
#: Present from a run's first commit until its corpus pass is done: a run killed in
#: between leaves it, and the next run does the pass even when no file changed.
STALE_FILE = "facets.stale"
#: Whoosh's table of contents, one per generation; its presence is what makes an index.
TOC_PATTERN = "_MAIN_*.toc"
#: What Whoosh raises on a truncated or garbled file, for reads whose only input is the
#: index itself (opening a generation, its columns, a stored document).
READ_ERRORS: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError, EOFError, struct.error, zlib.error, OSError, ValueError,
    IndexError, KeyError, TypeError, AttributeError, AssertionError)
#: ... and for reads that also depend on a query (posting lists), the errors that only a
#: damaged file can cause.
POSTING_ERRORS: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError, EOFError, struct.error, zlib.error)


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """What ``newsfacet.json`` records about an index."""

    schema_version: int
    model: str | None = None
    #: The folders and files given to ``index`` (absolute): document paths are shown
    #: relative to them where a path must not reveal the machine's layout (over HTTP).
    roots: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"schema_version": self.schema_version, "model": self.model,
                "roots": list(self.roots)}


def relative_path(path: str, roots: tuple[str, ...]) -> str:
    """``path`` relative to the root that holds it (a root that is a file: its name);
    only the file name when no root holds it, never an absolute path."""
    target = Path(path)
    for root in sorted(roots, key=len, reverse=True):
        base = Path(root)
        if target == base:
            return target.name
        if base in target.parents:
            return target.relative_to(base).as_posix()
    return target.name


def default_index_dir() -> Path:
    """``$NEWSFACET_INDEX`` or ``./news-index``."""
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX_DIR)


def index_exists(path: str | os.PathLike[str]) -> bool:
    """Whether a newsfacet index is at ``path``."""
    folder = Path(path)
    # Only file names: whoosh's exists_in() unpickles the schema, which may be damaged.
    return (folder / META_FILE).is_file() and any(folder.glob(TOC_PATTERN))


def read_meta(path: str | os.PathLike[str]) -> IndexMeta:
    """Read an index's ``newsfacet.json``.

    Raises:
        IndexNotFoundError: there is no index at ``path``.
        IndexVersionError: the index has another schema version.
        CorruptIndexError: ``newsfacet.json`` is not what newsfacet writes.
    """
    folder = Path(path)
    if not index_exists(folder):
        raise IndexNotFoundError(
            f"No index at '{folder}'. Build one first: newsfacet index seeds/ --index {folder}"
        )
    try:
        data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        model, roots = data.get("model"), data.get("roots", [])
        if not isinstance(model, str | None):
            raise TypeError(f"model is {model!r}")
        if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
            raise TypeError(f"roots is {roots!r}")
        meta = IndexMeta(int(data.get("schema_version", 0)), model, tuple(roots))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise corrupt_index(folder, f"{META_FILE} is unreadable ({describe(exc)})") from None
    if meta.schema_version != SCHEMA_VERSION:
        raise IndexVersionError(
            f"The index at '{folder}' has schema version {meta.schema_version}, this newsfacet "
            f"reads version {SCHEMA_VERSION}. Rebuild it: newsfacet index PATH --index {folder} "
            "--rebuild"
        )
    return meta


def write_meta(path: str | os.PathLike[str], meta: IndexMeta) -> None:
    """Replace ``newsfacet.json`` atomically."""
    folder = Path(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".meta-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(meta.to_dict(), handle, indent=2)
        handle.write("\n")
    os.replace(tmp, folder / META_FILE)


def mark_facets_stale(folder: Path) -> None:
    """Record that documents were committed before the corpus pass saw them."""
    marker = folder / STALE_FILE
    if not marker.exists():
        marker.touch()


def facets_stale(folder: Path) -> bool:
    """Whether a run committed documents and stopped before its corpus pass."""
    return (folder / STALE_FILE).exists()


def clear_facets_stale(folder: Path) -> None:
    """The corpus pass is done."""
    (folder / STALE_FILE).unlink(missing_ok=True)


def corrupt_index(folder: str | os.PathLike[str], reason: str) -> CorruptIndexError:
    """The one-line error for a damaged index: what is wrong and how to rebuild it."""
    return CorruptIndexError(
        f"The index at '{folder}' is damaged: {reason}. Rebuild it from the articles: "
        f"newsfacet index ARTICLES --index {folder} --rebuild")


def describe(exc: BaseException) -> str:
    """One short line saying what a reading error was."""
    text = " ".join(str(exc).split()).rstrip(".")
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def reading_index(folder: str | os.PathLike[str],
                  errors: tuple[type[BaseException], ...] = READ_ERRORS
            ) -> Iterator[None]:
    """Turn what a damaged index file makes Whoosh raise into :class:`CorruptIndexError`."""
    try:
        yield
    except NewsfacetError:
        raise
    except errors as exc:
        raise corrupt_index(folder, describe(exc)) from None


def open_index(path: str | os.PathLike[str]) -> WhooshIndex:
    """Open an existing index for reading.

    Raises:
        IndexNotFoundError: there is no index at ``path``.
        IndexVersionError: the index has another schema version.
        CorruptIndexError: its table of contents is damaged.
    """
    read_meta(path)
    with reading_index(path):
        ix: WhooshIndex = whoosh_index.open_dir(str(path))
    return ix


def create_or_open(path: str | os.PathLike[str], *, rebuild: bool = False) -> WhooshIndex:
    """Open the index at ``path`` for writing, creating it (or starting over) as needed.

    Raises:
        IndexWriteError: the directory cannot be created or written.
        IndexVersionError: an index of another schema version is there and ``rebuild`` is off.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if rebuild or not index_exists(folder):
            if not rebuild and any(f.name != LOCK_FILE for f in folder.iterdir()):
                _refuse_foreign(folder)
            created: WhooshIndex = whoosh_index.create_in(str(folder), build_schema())
            write_meta(folder, IndexMeta(SCHEMA_VERSION))
            return created
    except OSError as exc:
        raise write_error(folder, exc) from None
    read_meta(folder)
    with reading_index(folder):
        ix: WhooshIndex = whoosh_index.open_dir(str(folder))
    return ix


def _refuse_foreign(folder: Path) -> None:
    if any(folder.glob(TOC_PATTERN)) or (folder / META_FILE).exists():
        return  # a half-created newsfacet index: safe to start over
    raise IndexWriteError(
        f"'{folder}' is a folder with other files in it, not a newsfacet index. "
        "Choose an empty or new folder with --index"
    )


def write_error(folder: Path, exc: OSError) -> IndexWriteError:
    """The user-facing error for an OS error while writing the index at ``folder``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason = (f"the disk is full ({exc.strerror}); the index holds what was last "
                  "committed; free some space and run the same command again")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "it is not writable; fix its permissions or choose another --index"
    else:
        reason = f"{exc.strerror or exc}"
    return IndexWriteError(f"Cannot write the index at '{folder}': {reason}")


@contextmanager
def write_lock(path: str | os.PathLike[str], *, wait: bool = False) -> Iterator[None]:
    """Hold the index's write lock, naming the holder's pid when it is taken.

    The lock is an ``fcntl`` lock, so the kernel drops it when its process dies: a lock
    left by a killed run never blocks the next one, and a live one is never broken.
    With ``wait``, block until the holder is done instead of failing.

    Raises:
        IndexLockedError: another live process is writing to this index (and not ``wait``).
    """
    import fcntl

    lock_path = Path(path) / LOCK_FILE
    try:
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError as exc:
        raise write_error(Path(path), exc) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexLockedError(
                f"The index at '{path}' is being written by another newsfacet process "
                f"(pid {holder}). Wait for it to finish, or stop it, then run again (or add --wait)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def indexed_fingerprints(ix: WhooshIndex, kept: Path | None = None
                         ) -> dict[str, tuple[str, str]]:
    """``{id: (hash, path)}`` of every live document, read from columns (no stored fields).

    Segment by segment: Whoosh's multi-segment column reader mis-maps documents when a
    segment lacks a column. With ``kept`` (a folder), each segment's columns are kept
    there by segment id and read back by the next runs
    (:func:`index.store.segment_postings.segment_fingerprints`).
    """
    found: dict[str, tuple[str, str]] = {}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.doc_count() == 0:
                continue
            deleted = deleted_docs(leaf)
            ids, digests, paths = segment_fingerprints(leaf, kept)
            for n, (doc_id, digest, path) in enumerate(zip(ids, digests, paths,
                                                            strict=True)):
                if n not in deleted:
                    found[doc_id] = (digest, path)
    return found


def deleted_docs(leaf: WhooshReader) -> frozenset[int]:
    """A segment's deleted document numbers (a segment's reader keeps them as a set)."""
    if not leaf.has_deletions():
        return frozenset()
    kept = getattr(leaf, "deleted_docs_set", None)
    if isinstance(kept, frozenset):
        return kept
    return frozenset(set(range(leaf.doc_count_all())) - set(leaf.all_doc_ids()))


class Digests:
    """The content hash of a stored document, by document number: read from its
    segment's column, for a few documents without reading every document's."""

    def __init__(self, reader: WhooshReader) -> None:
        leaves = reader.leaf_readers()  # in document-number order
        self._starts = [offset for _, offset in leaves]
        self._leaves = [leaf for leaf, _ in leaves]
        self._columns: dict[int, Any] = {}

    def __call__(self, docnum: int) -> str:
        """The hash of document ``docnum`` ("" when its segment has none)."""
        n = bisect.bisect_right(self._starts, docnum) - 1
        if n not in self._columns:
            leaf = self._leaves[n]
            self._columns[n] = leaf.column_reader(HASH) if leaf.has_column(HASH) else None
        column = self._columns[n]
        return "" if column is None else as_text(column[docnum - self._starts[n]])

