"""A segment writer's posting runs (index/store/posting_runs.py): spilled in blocks, read
back exactly, whatever the number of runs and blocks."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import PostingPool

import index  # noqa: F401 - installs the block runs, as opening any index does
from index.store import posting_runs

_WORDS = [f"w{n}" for n in range(300)]


Postings = dict[str, list[tuple[int, list[int]]]]


def _build(folder: Path, texts: list[str], limitmb: float) -> Postings:
    """An index of ``texts`` written with a pool of ``limitmb``; every term's postings."""
    folder.mkdir()
    schema = fields.Schema(body=fields.TEXT(phrase=True), tag=fields.KEYWORD)
    ix = FileStorage(str(folder)).create_index(schema)
    with ix.writer(limitmb=limitmb) as writer:
        for n, text in enumerate(texts):
            writer.add_document(body=text, tag=f"t{n % 7}")
    out: Postings = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            key = f"{field}:{term!r}"
            out[key] = []
            while matcher.is_active():
                positions = list(matcher.value_as("positions")) if field == "body" else []
                out[key].append((matcher.id(), positions))
                matcher.next()
    return out


def test_an_index_written_in_many_small_runs_equals_one_written_in_memory(tmp_path: Path) -> None:
    texts = [" ".join(_WORDS[(n * 7 + k * 13) % len(_WORDS)] for k in range(80))
             for n in range(400)]
    spilled_runs: list[str] = []
    real_save = PostingPool.save

    def counting_save(self: PostingPool) -> None:
        before = len(self.runs)
        real_save(self)
        spilled_runs.extend(self.runs[before:])

    PostingPool.save = counting_save  # type: ignore[method-assign]
    try:
        small = _build(tmp_path / "small", texts, limitmb=0.05)
    finally:
        PostingPool.save = real_save  # type: ignore[method-assign]
    whole = _build(tmp_path / "whole", texts, limitmb=256)
    assert len(spilled_runs) > 3  # the small pool really spilled runs, and merged them
    assert small == whole
    assert sum(len(postings) for postings in small.values()) > 400 * 50


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["body", "people", "tag"]), st.binary(max_size=12),
                          st.integers(0, 10**6), st.floats(0, 100, allow_nan=False),
                          st.none() | st.binary(max_size=30)),
                max_size=3 * 2_048 + 5, unique_by=lambda item: item[:3]))
def test_a_run_reads_back_what_was_written_and_is_deleted(tmp_path_factory: object,
                                                           items: list[tuple]) -> None:
    # Postings are unique by field, term and document, as a writer makes them.
    folder = tmp_path_factory.mktemp("run")  # type: ignore[attr-defined]
    storage = FileStorage(str(folder))
    pool = PostingPool(storage, None, limitmb=1)
    path, handle = pool._new_run()  # noqa: SLF001 - one run, through the pool's own files
    posting_runs._write_run(pool, handle, sorted(items))  # noqa: SLF001
    assert list(posting_runs._read_run(pool, path)) == sorted(items)  # noqa: SLF001
    assert not os.path.exists(os.path.join(folder, path))
