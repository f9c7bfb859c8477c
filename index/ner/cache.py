"""A cache of NER results, so unchanged text never goes through the model twice.

Entries are keyed by a hash of the text NER reads plus the model's name, version and
entity components plus :data:`NER_SETTINGS`; the value is the compact mention list. A
``--rebuild``, a schema change or a second index of the same articles therefore reuses
what was found before. The cache is one SQLite file (``ner-cache.sqlite``) in
``$NEWSFACET_CACHE``, else ``$XDG_CACHE_HOME/newsfacet``, else ``~/.cache/newsfacet``.

The cache is an optimisation only: when it cannot be opened or written (read-only home,
full disk) an index run goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import CacheError
from index.ner.pipeline import KEPT_LABELS, MentionTuple

CACHE_ENV = "NEWSFACET_CACHE"
CACHE_FILE = "ner-cache.sqlite"
#: Everything besides the model and the text that decides NER output; bump the version
#: when the way texts are prepared or mentions are kept changes.
NER_SETTINGS = f"v1;labels={','.join(sorted(KEPT_LABELS))}"
#: Seconds to wait for another process that is writing the same cache.
BUSY_TIMEOUT_S = 30


def default_cache_dir() -> Path:
    """``$NEWSFACET_CACHE``, else ``$XDG_CACHE_HOME/newsfacet``, else ``~/.cache/newsfacet``."""
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "newsfacet"


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What the NER cache holds."""

    path: str
    entries: int
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "entries": self.entries, "bytes": self.bytes}


def ner_key(text: str, model: str) -> str:
    """The cache key of ``text`` read by pipeline ``model`` with today's settings."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (model, NER_SETTINGS, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class NerCache:
    """The NER cache file, opened for one index run.

    Lookups are immediate; new entries are written in a transaction that
    :meth:`flush` commits (the index writer flushes it with each index commit).
    Any SQLite or OS error turns the cache off for the rest of the run and is kept in
    :attr:`problem` for the run's report.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.problem: str | None = None
        self.hits = 0
        self._db: sqlite3.Connection | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.folder / CACHE_FILE, timeout=BUSY_TIMEOUT_S,
                                 isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS ner (key TEXT PRIMARY KEY, mentions TEXT)")
            self._db = db
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)
        self._writing = False

    def get(self, key: str) -> list[MentionTuple] | None:
        """The cached mentions under ``key``, or ``None``."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT mentions FROM ner WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        if row is None:
            return None
        self.hits += 1
        return [(str(t), str(label), int(start)) for t, label, start in json.loads(row[0])]

    def put(self, key: str, mentions: list[MentionTuple]) -> None:
        """Remember ``mentions`` under ``key`` (committed by the next :meth:`flush`)."""
        if self._db is None:
            return
        try:
            if not self._writing:
                self._db.execute("BEGIN")
                self._writing = True
            self._db.execute("INSERT OR REPLACE INTO ner VALUES (?, ?)",
                             (key, json.dumps(mentions, ensure_ascii=False,
                                              separators=(",", ":"))))
        except sqlite3.Error as exc:
            self._disable(exc)

    def flush(self) -> None:
        """Commit the entries put since the last flush."""
        if self._db is None or not self._writing:
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._disable(exc)
        self._writing = False

    def close(self) -> None:
        """Flush and close the file."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _disable(self, exc: Exception) -> None:
        self.problem = (f"NER cache at '{self.folder}' turned off: {exc}; indexing goes on "
                        f"without it (set ${CACHE_ENV} to a writable folder)")
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
        self._db = None


def cache_info(folder: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Where the NER cache is, how many texts it holds and its size on disk.

    Raises:
        CacheError: the cache file exists but cannot be read.
    """
    file = (Path(folder) if folder is not None else default_cache_dir()) / CACHE_FILE
    if not file.is_file():
        return CacheInfo(str(file), 0, 0)
    try:
        with closing(sqlite3.connect(file, timeout=BUSY_TIMEOUT_S)) as db:
            entries = int(db.execute("SELECT count(*) FROM ner").fetchone()[0])
    except sqlite3.Error as exc:
        raise CacheError(f"Cannot read the NER cache at '{file}': {exc}. Delete the file or "
                         f"set ${CACHE_ENV} to another folder") from None
    size = sum(p.stat().st_size for p in file.parent.glob(CACHE_FILE + "*") if p.is_file())
    return CacheInfo(str(file), entries, size)


def clear_cache(folder: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Delete every cached NER result and return what was there before.

    Entries are deleted through SQLite, so an index run using the cache at the same time
    is safe; it re-runs NER for what it no longer finds.

    Raises:
        CacheError: the cache file cannot be written.
    """
    before = cache_info(folder)
    if before.entries == 0 and before.bytes == 0:
        return before
    try:
        with closing(sqlite3.connect(before.path, timeout=BUSY_TIMEOUT_S)) as db:
            db.execute("DELETE FROM ner")
            db.commit()
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise CacheError(f"Cannot clear the NER cache at '{before.path}': {exc}. Delete the "
                         "file by hand") from None
    return before
