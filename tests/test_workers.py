"""NER in worker processes gives the same index as NER in the main process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import NerWorkerError, build_index
from index.build import AUTO_WORKERS_MIN_DOCS, auto_workers
from index.ner.pool import NerPool
from search import NewsIndex
from tests.helpers import seed_corpus

pytestmark = pytest.mark.slow


def test_auto_workers_use_every_core_only_for_big_runs() -> None:
    assert auto_workers(AUTO_WORKERS_MIN_DOCS - 1) == 1
    assert auto_workers(AUTO_WORKERS_MIN_DOCS) == len(os.sched_getaffinity(0))


def test_worker_processes_index_what_the_main_process_does(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 12)
    inline = build_index([corpus], tmp_path / "inline", use_cache=False)
    pooled = build_index([corpus], tmp_path / "pooled", workers=2, batch_size=4,
                         use_cache=False)
    assert (inline.workers, pooled.workers) == (0, 2)  # a small run stays in this process
    assert inline.indexed == pooled.indexed == 12
    with NewsIndex(tmp_path / "inline") as one, NewsIndex(tmp_path / "pooled") as two:
        def documents(news: NewsIndex) -> list[dict[str, object]]:
            return sorted((d.to_dict(mentions=True) for d in news.export("")),
                          key=lambda d: str(d["id"]))

        assert documents(one) == documents(two)


def test_batches_and_answers_bigger_than_a_pipe_buffer_do_not_deadlock(tmp_path: Path) -> None:
    sentence = "Angela Merkel met Emmanuel Macron and Olaf Scholz in Paris and Berlin. "
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):  # each batch and each answer is several hundred kB
        (corpus / f"long-{n}.txt").write_text(f"Summit {n}\n\n" + sentence * 2000)
    run = subprocess.run([sys.executable, "-c", "from cli.app import main; main()", "index",
                          str(corpus), "-i", str(tmp_path / "ix"), "--workers", "2",
                          "--batch-size", "2", "--no-cache", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["indexed"] == 6


def test_a_worker_killed_mid_run_is_a_clear_error() -> None:
    pool = NerPool(None, 1, 4)
    try:
        pool.submit(0, ["Angela Merkel met Emmanuel Macron in Berlin."])
        assert [batch for batch, _ in pool.results(block=True)] == [0]
        process = pool._workers[0].process  # noqa: SLF001
        process.kill()
        process.join()
        with pytest.raises(NerWorkerError, match="was killed by signal 9, perhaps out of memory"):
            pool.submit(1, ["Vladimir Putin flew to Ankara."])
            list(pool.results(block=True))
    finally:
        pool.close()
