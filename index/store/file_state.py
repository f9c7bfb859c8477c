"""What the last runs read, by file: size and modification time, to skip unchanged files.

An index run reads and hashes every file under its folders to find what changed; on a
large archive that reading is most of a run that changes a few articles. Each run
records, for every file it read without a problem, its size and modification time (taken
before reading) and the pipelines' fingerprint; the next run with the same pipelines takes
a file whose size and time are unchanged, and whose articles are all still indexed, as
unchanged without opening it (as ``make`` and ``rsync`` do). A file rewritten with the
same size and an old time is the one case it misses; ``--rebuild`` reads everything.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = "files.json"

FileKey = tuple[int, int]


def file_key(path: Path) -> FileKey | None:
    """Size and modification time (ns) of ``path``; ``None`` when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass(slots=True)
class FileState:
    """The size and time of the files read, for one pipelines' fingerprint."""

    fingerprint: str
    files: dict[str, FileKey] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, fingerprint: str) -> FileState:
        """The saved state, or an empty one (other pipelines, missing, unreadable)."""
        try:
            with open(folder / STATE_FILE, encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("fingerprint") != fingerprint:
                return cls(fingerprint)
            return cls(fingerprint, {str(path): (int(size), int(mtime))
                                     for path, (size, mtime) in data["files"].items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(fingerprint)

    def unchanged(self, path: str, key: FileKey | None) -> bool:
        """Whether ``path`` has the size and time it had when last read."""
        return key is not None and self.files.get(path) == key

    def save(self, folder: Path) -> None:
        """Write atomically (a crash leaves the old state or the new one)."""
        tmp = folder / f".{STATE_FILE}.{os.getpid()}"
        try:
            # json.dumps, not json.dump: dump encodes in Python, chunk by chunk (2 s for
            # 100,000 files against 0.2 s).
            text = json.dumps({"fingerprint": self.fingerprint,
                               "files": {p: list(k) for p, k in self.files.items()}})
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, folder / STATE_FILE)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
