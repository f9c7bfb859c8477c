"""Tables derived from installed data, kept in newsfacet's cache folder between runs.

Every ``newsfacet index`` run that reads an article needs the language detector's model and
the place-name table built from GeoNames' cities. Unpacking the one (an LZMA-compressed
file) and building the other (a 5 MB JSON file of cities) took about 0.4 s each on every
run: most of the fixed cost of adding a few articles to an index. Each is kept in the cache
folder (:func:`index.ner.cache.default_cache_dir`) under a name holding a fingerprint of
what it was derived from (the data packages' versions, the deriving source code), so that
a new version of either makes a new file (and removes the old one).

A kept file is written under a temporary name and renamed, so a reader sees all of it or
none. When the folder cannot be written, or a kept file cannot be read, the table is
derived in memory as before: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, TypeVar

from index.ner.cache import default_cache_dir

#: Where kept tables go, inside the cache folder.
TABLES_DIR = "tables"

T = TypeVar("T")
#: What reading a damaged or truncated kept file raises.
_DAMAGED = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError,
            pickle.UnpicklingError)


def fingerprint(packages: Iterable[str], sources: Iterable[Path]) -> str:
    """A short digest of installed ``packages``' versions and of ``sources``' bytes."""
    digest = hashlib.blake2b(digest_size=8)
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"{package}={version}\n".encode())
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def kept(name: str, key: str, write: Callable[[BinaryIO], None],
         read: Callable[[Path], T], derive: Callable[[], T]) -> T:
    """The table ``name`` for fingerprint ``key``: ``read`` from its kept file, written
    first by ``write`` when missing; ``derive`` in memory when the file cannot be written
    or read."""
    folder = default_cache_dir() / TABLES_DIR
    path = folder / f"{name}-{key}"
    if not path.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write(folder, path, write)
            for older in folder.glob(f"{name}-*"):  # derived from other versions
                if older != path:
                    older.unlink(missing_ok=True)
        except OSError:
            return derive()
    try:
        return read(path)
    except _DAMAGED:
        return derive()


def _write(folder: Path, path: Path, write: Callable[[BinaryIO], None]) -> None:
    handle, staging = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
