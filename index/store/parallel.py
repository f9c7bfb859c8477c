"""Write many documents with every core: Whoosh's multi-process writer, made safe to fail.

Whoosh's ``MpWriter`` hands batches of documents to forked sub-writers, each of which
writes its own segment. As shipped it skips a sub-writer that does not report back (its
segment would silently be missing from the commit) and leaves sub-writers blocked forever
when the writer is cancelled. Here a missing report fails the commit, so the last commit
stays as it was, and cancelling stops the sub-writers.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask

from index.store.whoosh_types import WhooshIndex, WhooshWriter

#: Fewer documents than this are written by one process: forking costs more than it saves.
MIN_PARALLEL_DOCS = 1_000
#: Documents per batch handed to a sub-writer.
BATCH_DOCS = 100
#: How often an idle sub-writer checks that its parent process is alive, in seconds.
PARENT_CHECK_S = 0.5
#: How long a commit waits for the report of a sub-writer that has ended, in seconds.
REPORT_TIMEOUT_S = 5.0


class SubWriterLost(RuntimeError):
    """A sub-writer ended without reporting its segment."""


class _Reports:
    """The sub-writers' result queue; a report that never comes is an error."""

    def __init__(self, inner: Any, tasks: list[Any]) -> None:
        self.inner, self.tasks = inner, tasks

    def get(self, timeout: float | None = None) -> Any:
        try:
            return self.inner.get(timeout=REPORT_TIMEOUT_S)
        except queue.Empty:
            codes = [task.exitcode for task in self.tasks]
            raise SubWriterLost(f"a sub-writer did not report its segment (exit codes {codes})"
                                ) from None


class _Jobs:
    """The job queue as a sub-writer sees it: waiting for work, it notices when the process
    that forked it has died (even by SIGKILL) and exits, releasing the locks it inherited."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.parent = inner, os.getpid()

    def get(self) -> Any:
        while True:
            try:
                return self.inner.get(timeout=PARENT_CHECK_S)
            except queue.Empty:
                if os.getppid() != self.parent:
                    os._exit(1)


class _SubWriter(SubWriterTask):  # type: ignore[misc]
    """A sub-writer that leaves Ctrl-C to its parent, which cancels it, and whose commit
    fails when a sibling is lost instead of waiting for it forever."""

    #: The writer's sub-writers, this one included.
    siblings: list[Any]

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        super().run()

    def join(self, timeout: float | None = None) -> None:
        """Wait for this sub-writer to end; raise :class:`SubWriterLost` when a sibling
        died without finishing (killed while it held the job queue's lock, it would leave
        this one waiting for its end-of-work message for ever)."""
        if timeout is not None:
            super().join(timeout)
            return
        while True:
            super().join(PARENT_CHECK_S)
            if not self.is_alive():
                return
            lost = [t.exitcode for t in self.siblings if t.exitcode not in (None, 0)]
            if lost:
                raise SubWriterLost(f"a sub-writer died while writing (exit codes {lost})")


class SafeMpWriter(MpWriter):  # type: ignore[misc]
    """``MpWriter`` with separate segments per process, failing loudly, cancelling cleanly."""

    def __init__(self, ix: WhooshIndex, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=BATCH_DOCS, multisegment=True, **kwargs)
        self._inner_reports: Any = self.resultqueue
        self.resultqueue: Any = _Reports(self._inner_reports, self.tasks)
        # Forked now, before the caller loads what it will write, so that they do not
        # carry copies of it.
        for _ in range(self.procs):
            self._new_task()

    def _new_task(self) -> _SubWriter:
        task = _SubWriter(self.storage, self.indexname, _Jobs(self.jobqueue),
                          self._inner_reports, self.subargs, self.multisegment)
        task.daemon = True  # never outlives this process
        task.siblings = self.tasks
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
                task.join(REPORT_TIMEOUT_S)
        finally:
            super().cancel()


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def bulk_writer(ix: WhooshIndex, documents: int, limitmb: int) -> WhooshWriter:
    """A writer for ``documents`` new documents: multi-process when that pays off."""
    procs = usable_cores()
    if documents < MIN_PARALLEL_DOCS or procs < 2 \
            or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return ix.writer(limitmb=limitmb)
    return SafeMpWriter(ix, procs=procs, limitmb=limitmb)
