"""Kills, Ctrl-C, concurrent runs and searches during a run, with real processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.indexing import EXIT_INTERRUPTED
from index.store.folder import LOCK_FILE, index_exists
from search import NewsIndex
from tests.helpers import seed_corpus

pytestmark = pytest.mark.slow

NEWSFACET = [sys.executable, "-c", "from cli.app import main; main()"]
#: Small commits and batches so a run of a few dozen articles commits many times.
# No NER cache: a killed run must not leave results that let the next one race past the
# kill points.
SMALL_STEPS = ["--commit-every", "5", "--batch-size", "4", "--workers", "1", "--quiet",
               "--no-cache"]
ARTICLES = 40
STEP_TIMEOUT_S = 120


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The first articles of seeds/, copied."""
    return seed_corpus(tmp_path / "corpus", ARTICLES)


def _interruptible() -> None:
    # A suite started in the background (``cmd &``) hands its children SIGINT ignored, as
    # a shell does; the run under test is a foreground command, where Ctrl-C stops it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_index(corpus: Path, index_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*NEWSFACET, "index", str(corpus), "--index", str(index_dir),
                             *SMALL_STEPS, *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_interruptible)


def committed(index_dir: Path) -> list[str]:
    """Ids of the documents in the last commit, read through the search API."""
    if not index_exists(index_dir):
        return []
    with NewsIndex(index_dir) as news:
        return [doc.id for doc in news.export("")]


def wait_until(check: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while not check():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the index run made no progress"
        time.sleep(0.05)


def test_sigkill_at_several_points_then_resume_indexes_each_document_once(
        corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    expected = sorted(p.name for p in corpus.iterdir())
    seen_counts: list[int] = []
    # Kill points: while starting up, after the first commits, and late in the run.
    for threshold in (None, 5, 15, 30):
        before = len(committed(index_dir))
        process = start_index(corpus, index_dir)
        if threshold is None:
            time.sleep(0.5)
        else:
            # Searching while the run writes also shows readers see whole commits.
            wait_until(lambda t=threshold: len(committed(index_dir)) >= t, process)
        process.kill()
        process.wait()
        ids = committed(index_dir)
        assert len(ids) == len(set(ids)), "a document is in the index twice"
        assert set(ids) <= set(expected)
        assert len(ids) >= before
        seen_counts.append(len(ids))
    assert seen_counts[-1] < ARTICLES, "the run finished before it could be killed"
    finish = start_index(corpus, index_dir, "--format", "json")
    out, err = finish.communicate(timeout=STEP_TIMEOUT_S)
    assert finish.returncode == 0, err
    assert sorted(committed(index_dir)) == expected
    with NewsIndex(index_dir) as news:
        assert news.search("Syria", limit=1).total > 0


def test_ctrl_c_commits_what_is_done_and_exits_non_zero(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    process = start_index(corpus, index_dir)
    wait_until(lambda: len(committed(index_dir)) >= 5, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=STEP_TIMEOUT_S)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "Interrupted: the " in err and "are committed" in err
    indexed = int(out.split("Indexed ", 1)[1].split(" ")[0].rstrip(","))
    assert len(committed(index_dir)) == indexed >= 5
    rest = start_index(corpus, index_dir)
    assert rest.wait(timeout=STEP_TIMEOUT_S) == 0
    assert len(committed(index_dir)) == ARTICLES


HOLD_LOCK = """
import sys, time
from index.store.folder import write_lock
with write_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_second_run_names_the_lock_holder_or_waits_for_it(corpus: Path, tmp_path: Path
                                                          ) -> None:
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(index_dir)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        result = CliRunner().invoke(app, ["index", str(corpus), "-i", str(index_dir)])
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: The index at '{index_dir}' is being written "
                                        f"by another newsfacet process (pid {holder.pid}).")
        waiting = start_index(corpus, index_dir, "--wait")
        time.sleep(1)
        assert waiting.poll() is None, "--wait did not wait for the lock"
    finally:
        holder.kill()  # a dead holder's lock is released by the kernel
        holder.wait()
    assert waiting.wait(timeout=STEP_TIMEOUT_S) == 0
    assert len(committed(index_dir)) == ARTICLES
    assert (index_dir / LOCK_FILE).read_text() == str(waiting.pid)


FILL_DISK = """
import resource, signal, sys
from cli.app import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["newsfacet", *sys.argv[2:]]
main()
"""


def test_a_full_disk_is_one_line_and_keeps_the_index(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    first = sorted(corpus.iterdir())[:3]
    small = tmp_path / "small"
    small.mkdir()
    for file in first:
        shutil.copy(file, small / file.name)
    assert CliRunner().invoke(app, ["index", str(small), "-i", str(index_dir)]).exit_code == 0
    # Files may grow to 20 kB only: the next segment cannot be written.
    run = subprocess.run([sys.executable, "-c", FILL_DISK, "20000", "index", str(corpus),
                          "-i", str(index_dir), "--no-cache", "--commit-every", "1000",
                          "--workers", "1"], capture_output=True, text=True,
                         timeout=STEP_TIMEOUT_S, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert run.returncode == 1, run.stderr
    assert len(run.stderr.splitlines()) == 1, run.stderr
    line = run.stderr.strip()
    assert line.startswith(f"Error: Cannot write the index at '{index_dir}': the disk is full")
    assert sorted(committed(index_dir)) == sorted(f.name for f in first)
