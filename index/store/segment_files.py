"""Reading a segment's files in place, from the memory map, instead of copying them.

Whoosh opens a segment's compound file as one memory map and hands out each file inside it
(terms, postings, stored fields, columns, lengths) as a ``BufferFile``. Its constructor
wraps the file's bytes in a ``BytesIO``, which copies them: opening a reader copied nearly
the whole index into memory (a cold search on 100,000 articles peaked at 700 MB for an
index of 500 MB) and spent a tenth of its time copying. Yet almost every read goes through
``BufferFile.get``, which slices the memory map directly, and what is read as a stream
(a posting list's header, the start of the term table) is a few bytes at a time.

:func:`install` gives each ``BufferFile`` a stream over the memory map itself
(:class:`ViewStream`), which copies only the bytes read. It is called when
:mod:`index.store.folder` is imported, with the pickle guard.

It also makes a segment's per-document reader remember the columns the segment lacks.
Whoosh caches a column reader once opened, but asks the file system again for a column
that is not there, every time: writing a segment asks for the field length of every
posting, and fields without lengths (the facets, ids, the mentions field) have no column,
so each of their postings cost a ``stat`` call (two fifths of a sub-writer's time when it
merged its postings).
"""

from __future__ import annotations

import io
from typing import Any

from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.structfile import BufferFile

_installed = False
#: Bytes read at a time while looking for the end of a line.
_LINE_STEP = 4096


class ViewStream:
    """A read-only binary stream over a buffer (a ``memoryview`` of the memory map) that
    copies only what is read."""

    __slots__ = ("_view", "_pos", "closed")

    def __init__(self, buf: Any) -> None:
        self._view = memoryview(buf)
        self._pos = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size,
                                                                     len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def readline(self, size: int | None = -1) -> bytes:
        view = self._view[self._pos:]
        if size is not None and size >= 0:
            view = view[:size]
        out = bytearray()
        for start in range(0, len(view), _LINE_STEP):
            chunk = bytes(view[start:start + _LINE_STEP])
            found = chunk.find(b"\n")
            if found >= 0:
                out += chunk[:found + 1]
                break
            out += chunk
        self._pos += len(out)
        return bytes(out)

    def __iter__(self) -> Any:
        while line := self.readline():
            yield line

    def close(self) -> None:
        self.closed = True


def _init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self._stream = None
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _get_stream(self: Any) -> ViewStream:
    stream: ViewStream | None = self._stream
    if stream is None:
        stream = self._stream = ViewStream(self._buf)
    return stream


def _set_stream(self: Any, stream: Any) -> None:
    self._stream = stream


def _close(self: Any) -> None:
    if self.is_closed:
        raise ValueError("This file is already closed")
    if self.onclose:
        self.onclose(self)
    if self._stream is not None:
        self._stream.close()
    self.is_closed = True


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """``W3PerDocReader._cached_reader`` that also remembers a column the segment lacks
    (a segment's files never change once written)."""
    readers = self._readers
    if fieldname in readers:
        return readers[fieldname]
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    readers[fieldname] = reader
    return reader


def install() -> None:
    """Make every ``BufferFile`` Whoosh opens from now on read in place, and per-document
    readers remember missing columns (idempotent)."""
    global _installed
    if _installed:
        return
    W3PerDocReader._cached_reader = _cached_reader
    BufferFile.__init__ = _init
    BufferFile.file = property(_get_stream, _set_stream)
    BufferFile.close = _close
    _installed = True
