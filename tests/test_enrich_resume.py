"""newsfacet enrich survives a killed client (a re-run reuses the finished checkpoints) and
a killed worker (the cluster restarts it and the run finishes)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from index import build_index, enrich, open_index, read_shards
from index.store.record import StoredRecord
from tests.helpers import ROOT, seed_corpus

pytestmark = pytest.mark.slow

#: Articles in the corpus, and per partition: six partitions.
ARTICLES, PER_PARTITION = 30, 5
#: Seconds a run may take before the test gives up on it (the machine is shared).
PATIENCE_S = 240


def _start(corpus: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "enrich", str(corpus), "--out", str(out),
         "--partition-docs", str(PER_PARTITION), "--no-cache", "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)


def _checkpoints(out: Path) -> dict[str, int]:
    folder = out / "mentions"
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.jsonl")} \
        if folder.is_dir() else {}


def _wait_for_checkpoints(run: subprocess.Popen[str], out: Path, count: int) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while len(_checkpoints(out)) < count:
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "no checkpoint was written"
        time.sleep(0.2)


def _end_group(run: subprocess.Popen[str]) -> None:
    """Whatever the run left (it should leave nothing), gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)


def test_rerun_after_killing_the_client_reuses_finished_checkpoints(
        tmp_path: Path, seeds_index: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    run = _start(corpus, out)
    try:
        _wait_for_checkpoints(run, out, 2)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        _end_group(run)
    finished = _checkpoints(out)
    assert 2 <= len(finished) < ARTICLES // PER_PARTITION
    assert not (out / "shards").exists()

    report = enrich([corpus], out, workers=2, use_cache=False,
                    partition_docs=PER_PARTITION)
    assert (report.documents, report.partitions) == (ARTICLES, ARTICLES // PER_PARTITION)
    assert report.reused == len(finished)
    assert report.ner_texts == ARTICLES - len(finished) * PER_PARTITION
    assert {k: v for k, v in _checkpoints(out).items() if k in finished} == finished
    assert not list(out.rglob("*.partial"))
    # The facets are those of an index run of the same articles (NER from the cache the
    # seeds index filled).
    index = build_index([corpus], tmp_path / "index")
    with open_index(index.index_dir).searcher() as searcher:
        expected = {f["id"]: StoredRecord.of(f).entities
                    for _, f in searcher.reader().iter_docs()}
    assert {r.id: r.entities for r in read_shards(out)} == expected


def test_a_killed_worker_is_replaced_and_the_run_finishes(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    run = _start(corpus, out)
    try:
        _wait_for_checkpoints(run, out, 1)
        workers = [p for p in psutil.Process(run.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        workers[0].kill()
        output, _ = run.communicate(timeout=PATIENCE_S)
    finally:
        _end_group(run)
    assert run.returncode == 0, output
    assert f"Enriched {ARTICLES} documents in {ARTICLES // PER_PARTITION} partitions" in output
    assert len({r.id for r in read_shards(out)}) == ARTICLES
