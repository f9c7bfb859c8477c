"""A segment's files are read in place from the memory map, and read as Whoosh read them."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile

import index  # noqa: F401 - installs the readers, as opening any index does
from index.store.folder import open_index
from index.store.segment_files import ViewStream

_OPS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 40)),
    st.tuples(st.just("readline"), st.integers(-1, 40)),
    st.tuples(st.just("seek"), st.integers(0, 60), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("tell"))), max_size=30)


@given(data=st.binary(max_size=50).map(lambda b: b.replace(b"\x00", b"\n")), ops=_OPS)
def test_a_view_stream_reads_like_bytes_io(data: bytes, ops: list[tuple]) -> None:
    ours, theirs = ViewStream(memoryview(data)), io.BytesIO(data)
    for op in ops:
        if op[0] == "seek":
            offset = op[1] - 30 if op[2] else op[1]  # relative seeks go either way
            if op[2] == io.SEEK_CUR and theirs.tell() + offset < 0 or \
                    op[2] == io.SEEK_END and len(data) + offset < 0:
                continue
            assert ours.seek(offset, op[2]) == theirs.seek(offset, op[2])
        elif op[0] == "tell":
            assert ours.tell() == theirs.tell()
        else:
            assert getattr(ours, op[0])(op[1]) == getattr(theirs, op[0])(op[1])
    assert list(ours) == list(theirs)


def test_a_long_line_is_read_whole() -> None:
    data = b"x" * 10_000 + b"\nrest"
    stream = ViewStream(data)
    assert stream.readline() == data[:10_001]
    assert stream.read() == b"rest"


def test_opening_an_index_copies_no_file_it_does_not_stream(seeds_index: Path) -> None:
    """Files read by position (postings, stored fields, columns) stay in the memory map."""
    opened: list[BufferFile] = []
    real_init = BufferFile.__init__

    def spy(self: BufferFile, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)
        opened.append(self)

    BufferFile.__init__ = spy  # type: ignore[method-assign]
    try:
        with open_index(seeds_index).searcher() as searcher:
            reader = searcher.reader()
            assert searcher.doc_count() > 200
            assert sum(1 for _ in reader.postings("body", "minist").all_ids()) > 0
            stored = searcher.stored_fields(0)
    finally:
        BufferFile.__init__ = real_init  # type: ignore[method-assign]
    assert stored and opened
    streamed = [f for f in opened if f._stream is not None]  # noqa: SLF001
    assert all(isinstance(f._stream, ViewStream) for f in streamed)  # noqa: SLF001
    assert len(streamed) < len(opened)


def test_a_segment_is_asked_once_for_a_column_it_lacks(seeds_index: Path) -> None:
    """Field lengths of a field that keeps none (a facet) cost one look at the files, not
    one per posting, and lengths the segment keeps still read right."""
    ix = open_index(seeds_index)
    segment = ix._segments()[0]  # noqa: SLF001 - one segment's own per-document reader
    storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    reader = segment.codec().per_document_reader(storage, segment)
    asked: list[str] = []
    real = reader._storage.file_exists  # noqa: SLF001

    def counting(name: str) -> bool:
        asked.append(name)
        return bool(real(name))

    reader._storage.file_exists = counting  # noqa: SLF001
    try:
        for docnum in range(min(50, reader.doc_count_all())):
            assert reader.doc_field_length(docnum, "people") == 0
            assert reader.doc_field_length(docnum, "body") > 0
    finally:
        reader.close()
    assert len(asked) == 2  # one for each field, whatever the number of documents
