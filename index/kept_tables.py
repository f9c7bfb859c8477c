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
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np

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


def mapped_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an uncompressed ``.npz`` file, memory-mapped where they lie in it.

    ``np.load`` reads every array of an ``.npz`` whole, through ``zipfile``, which checks
    each byte's CRC in Python: 0.3 s for the 68 MB of the language model. Mapped, a
    process reads only the pages it uses, from the page cache it shares with the others.

    Raises:
        ValueError: a member is compressed, holds Python objects or is cut short.
        OSError: the file cannot be read.
    """
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{path}: {info.filename} is not an uncompressed array")
            handle.seek(info.header_offset)
            local = handle.read(_LOCAL_HEADER.size)
            if len(local) != _LOCAL_HEADER.size or local[:4] != b"PK\x03\x04":
                raise ValueError(f"{path}: damaged entry {info.filename}")
            name_size, extra_size = _LOCAL_HEADER.unpack(local)[-2:]
            handle.seek(info.header_offset + _LOCAL_HEADER.size + name_size + extra_size)
            version = np.lib.format.read_magic(handle)
            shape, fortran, dtype = (np.lib.format.read_array_header_1_0(handle)
                                     if version == (1, 0)
                                     else np.lib.format.read_array_header_2_0(handle))
            if dtype.hasobject:
                raise ValueError(f"{path}: {info.filename} holds Python objects")
            arrays[info.filename.removesuffix(".npy")] = np.memmap(
                path, dtype=dtype, mode="r", offset=handle.tell(), shape=shape,
                order="F" if fortran else "C")
    return arrays


#: A zip entry's local header: signature, versions, flags, method, time, date, CRC, sizes,
#: then the lengths of the name and the extra field that come before the data.
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def _write(folder: Path, path: Path, write: Callable[[BinaryIO], None]) -> None:
    handle, staging = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
