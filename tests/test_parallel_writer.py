"""The multi-process writer of the corpus pass: same index as one process, safe failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.writing import CLEAR

import index.store.parallel as parallel
from index import build_index
from index.store.folder import open_index, write_lock
from index.store.parallel import SafeMpWriter, SubWriterLost, bulk_writer
from search import NewsIndex
from tests.helpers import seed_corpus

pytestmark = pytest.mark.slow

ARTICLES = 40
EXIT_TIMEOUT_S = 30


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return seed_corpus(tmp_path / "corpus", ARTICLES)


def everything(index_dir: Path) -> dict[str, tuple[object, ...]]:
    with NewsIndex(index_dir) as news:
        return {d.id: (d.title, d.date, d.people, d.organizations, d.places, d.countries)
                for d in news.export()}


def test_a_parallel_corpus_pass_writes_the_same_index_as_one_process(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = tmp_path / "serial"
    build_index([corpus], serial, workers=1)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_DOCS", 1)
    both = tmp_path / "parallel"
    build_index([corpus], both, workers=1)
    assert everything(both) == everything(serial)
    with open_index(both).reader() as reader:
        assert reader.doc_count_all() == reader.doc_count() == ARTICLES
    with NewsIndex(both) as news, NewsIndex(serial) as reference:
        assert news.search("Syria").total == reference.search("Syria").total > 0


def test_a_lost_sub_writer_fails_the_commit_and_keeps_the_last_one(
        corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    before = everything(index_dir)
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        stored = [fields for _, fields in searcher.reader().iter_docs()]
    writer = SafeMpWriter(ix, procs=2)
    try:
        for fields in stored * 6:  # enough batches for both sub-writers
            writer.add_document(**{k: v for k, v in fields.items() if v is not None})
        os.kill(writer.tasks[0].pid, signal.SIGKILL)
        with pytest.raises(SubWriterLost):
            writer.commit(mergetype=CLEAR)
    finally:
        writer.cancel()
    assert all(not task.is_alive() for task in writer.tasks)
    assert everything(index_dir) == before


def test_few_documents_or_one_core_use_a_plain_writer(tmp_path: Path, corpus: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    writer = bulk_writer(open_index(index_dir), parallel.MIN_PARALLEL_DOCS - 1, 64)
    try:
        assert not isinstance(writer, SafeMpWriter)
    finally:
        writer.cancel()


ORPHAN = """
import sys, time
from index.store.parallel import SafeMpWriter
from index.store.folder import open_index, write_lock
with write_lock(sys.argv[1]):
    ix = open_index(sys.argv[1])
    with ix.searcher() as searcher:
        stored = [fields for _, fields in searcher.reader().iter_docs()]
    writer = SafeMpWriter(ix, procs=2)
    for fields in stored * 6:
        writer.add_document(**{k: v for k, v in fields.items() if v is not None})
    print(" ".join(str(task.pid) for task in writer.tasks), flush=True)
    time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie holds no lock


def test_sub_writers_exit_when_their_parent_is_killed_and_the_index_unlocks(
        corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN, str(index_dir)],
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert children and all(_running(pid) for pid in children)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + EXIT_TIMEOUT_S
    while any(_running(pid) for pid in children):
        assert time.monotonic() < deadline, "a sub-writer outlived its parent"
        time.sleep(0.1)
    with write_lock(index_dir):
        writer = open_index(index_dir).writer()  # Whoosh's own lock is free too
        writer.cancel()
    assert len(everything(index_dir)) == ARTICLES
