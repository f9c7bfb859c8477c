"""Whoosh's posting runs written and read in blocks, not one pickle per posting.

A segment writer collects its postings (field, term, document, weight, positions) in
memory, sorts them and, past its memory limit, spills them to a temporary "run" file; it
then merges the runs into the segment's posting lists, and Whoosh's multi-process writer
hands each sub-writer's last run to the parent to merge. Whoosh writes a run one pickle per
posting and reads it back one unpickle per posting: at millions of postings that was a
fifth of a sub-writer's time, mostly in the per-call overhead (each read also makes an
unpickler, since every unpickle Whoosh does goes through the allowlist of
:mod:`index.store.safe_pickle`).

:func:`install` makes ``PostingPool`` write a run as ``marshal`` blocks of
:data:`RUN_BLOCK` postings, each after its size, and read it a block at a time. A posting
is a tuple of a string, bytes, an integer, a float and bytes or ``None``, all of which
``marshal`` writes exactly; it runs no code on reading. A run is a temporary file the
writer made a moment ago, in a folder it created, and deleted once read. It is called
when :mod:`index.store.folder` is imported.
"""

from __future__ import annotations

import marshal
import struct
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from whoosh.writing import PostingPool

#: Postings per block of a run file.
RUN_BLOCK = 2_048
#: Each block is its size, then its ``marshal`` bytes.
_SIZE = struct.Struct("<I")

_installed = False


def _write_run(self: Any, f: Any, items: Iterable[Any]) -> None:
    """Write sorted postings to the run file ``f`` in blocks, and close it."""
    try:
        found = iter(items)
        while block := list(islice(found, RUN_BLOCK)):
            data = marshal.dumps(block)
            f.write(_SIZE.pack(len(data)))
            f.write(data)
    finally:
        f.close()


def _read_run(self: Any, path: str) -> Iterator[Any]:
    """The postings of a run, in order; the run is deleted once read (as Whoosh does)."""
    f = self._open_run(path)
    try:
        while header := f.read(_SIZE.size):
            (size,) = _SIZE.unpack(header)
            # One read and one call per block: ``marshal.load`` on a file reads every
            # object of the block with a call of its own.
            yield from marshal.loads(f.read(size))
    finally:
        f.close()
        self._remove_run(path)


def install() -> None:
    """Make every segment writer's posting pool write its runs in blocks (idempotent)."""
    global _installed
    if _installed:
        return
    PostingPool._write_run = _write_run
    PostingPool._read_run = _read_run
    _installed = True
