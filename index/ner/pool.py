"""Run NER in worker processes that send back mention tuples, not spaCy documents.

spaCy's own ``nlp.pipe(n_process=...)`` pickles every ``Doc`` back to the parent, which
costs about as much as a worker's NER. Here each worker loads the pipeline once, runs
``nlp.pipe`` over the batches it is sent and answers with compact ``(text, label, start)``
tuples, while the parent process reads, hashes, normalises and writes the index in the
meantime. Each worker talks over its own pipe (no shared queues or semaphores), and leaves
as soon as its pipe closes, so workers never outlive a killed parent by more than a batch.

:class:`InlineNer` does the same work in the calling process, for small runs where
starting a process costs more than it saves.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from index.errors import NerWorkerError
from index.ner.pipeline import DEFAULT_BATCH_SIZE, MentionTuple, load_pipeline, mention_tuples

#: Batches sent to one worker before its first answer comes back: one being worked on,
#: one waiting, so a worker never idles while the parent writes.
BATCHES_IN_FLIGHT = 2

#: What comes back for one text: its mentions, or why NER failed on it.
NerResult = list[MentionTuple] | str


#: Thread counts of the BLAS libraries numpy may use, set to 1 in NER workers.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class Ner(Protocol):
    """What the index run needs from an NER runner."""

    def submit(self, batch_id: int, texts: list[str]) -> None:
        """Queue a batch (may wait for a worker to be free)."""

    def ready(self) -> bool:
        """Whether another batch can be submitted without waiting."""

    def results(self, block: bool) -> Iterator[tuple[int, list[NerResult]]]:
        """Finished batches; with ``block``, wait until at least one is done."""

    def pending(self) -> int:
        """Batches submitted and not yet returned."""

    def close(self, kill: bool = False) -> None:
        """Stop the workers; ``kill`` does not wait for the batches they are on."""


class InlineNer:
    """NER in this process."""

    def __init__(self, model: str | None, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.nlp = load_pipeline(model)
        self.batch_size = batch_size
        self._done: deque[tuple[int, list[NerResult]]] = deque()

    def submit(self, batch_id: int, texts: list[str]) -> None:
        self._done.append((batch_id, mention_tuples(self.nlp, texts, self.batch_size)))

    def ready(self) -> bool:
        return True

    def results(self, block: bool) -> Iterator[tuple[int, list[NerResult]]]:
        while self._done:
            yield self._done.popleft()

    def pending(self) -> int:
        return len(self._done)

    def close(self, kill: bool = False) -> None:
        self._done.clear()


class NerPool:
    """``workers`` processes running NER, fed batch by batch.

    Raises:
        NerWorkerError: a worker died (out of memory, killed) or could not load the model.
    """

    def __init__(self, model: str | None, workers: int,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: our locks stay ours
        self._workers: list[_Worker] = []
        self._finished: deque[tuple[int, list[NerResult]]] = deque()
        with _worker_environment():
            for _ in range(max(1, workers)):
                parent_end, child_end = context.Pipe()
                process = context.Process(target=_serve, args=(child_end, model, batch_size),
                                          daemon=True, name="newsfacet-ner")
                process.start()
                child_end.close()
                self._workers.append(_Worker(process, parent_end))

    def submit(self, batch_id: int, texts: list[str]) -> None:
        worker = min(self._workers, key=lambda w: len(w.in_flight))
        while len(worker.in_flight) >= BATCHES_IN_FLIGHT:
            self._collect(block=True)
            worker = min(self._workers, key=lambda w: len(w.in_flight))
        if not worker.sender.is_alive():  # its last send failed: the worker is gone
            raise self._died(worker)
        worker.outbox.put((batch_id, texts))
        worker.in_flight.append(batch_id)

    def ready(self) -> bool:
        return any(len(w.in_flight) < BATCHES_IN_FLIGHT for w in self._workers)

    def results(self, block: bool) -> Iterator[tuple[int, list[NerResult]]]:
        if not self._finished:
            self._collect(block)
        while self._finished:
            yield self._finished.popleft()

    def pending(self) -> int:
        return sum(len(w.in_flight) for w in self._workers) + len(self._finished)

    def _collect(self, block: bool) -> None:
        busy = {w.conn: w for w in self._workers if w.in_flight}
        if not busy:
            return
        for conn in wait(list(busy), timeout=None if block else 0):
            worker = busy[conn]  # type: ignore[index]
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                raise self._died(worker) from None
            if message[0] == "error":
                self.close()
                raise NerWorkerError(message[1])
            batch_id, results = message
            worker.in_flight.remove(batch_id)
            self._finished.append((batch_id, results))

    def _died(self, worker: _Worker) -> NerWorkerError:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        self.close()
        how = f"was killed by signal {-code}" if code is not None and code < 0 else \
            f"exited with status {code}"
        return NerWorkerError(f"An NER worker process {how}, perhaps out of memory. What was "
                              "committed is kept; run again, with fewer --workers if this "
                              "repeats")

    def close(self, kill: bool = False) -> None:
        for worker in self._workers:
            worker.outbox.put(None)
            if kill:
                worker.process.kill()  # a send blocked on a live worker fails now
            worker.sender.join(timeout=1)
            with contextlib.suppress(OSError):
                worker.conn.close()
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._workers = []


@contextlib.contextmanager
def _worker_environment() -> Iterator[None]:
    """The environment workers start with: BLAS on one thread, unless the user said otherwise.

    A spaCy pipeline's matrices are small: OpenBLAS's extra threads cost a single NER
    process about 20% of its speed on two cores (measured with ``en_core_web_sm``), and
    the other cores go to other workers. OpenBLAS reads the setting only when it loads,
    hence the environment of the new process rather than a call in it.
    """
    added = {name: "1" for name in BLAS_THREAD_VARIABLES if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


class _Worker:
    """A worker process, its pipe, the batches it owes and the thread that feeds it.

    Batches go through a thread of this process, so that a send waiting for a busy worker
    to read never stops the index writer, and the worker needs no thread of its own (see
    :func:`_serve`).
    """

    __slots__ = ("conn", "in_flight", "outbox", "process", "sender")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.in_flight: list[int] = []
        self.outbox: queue.SimpleQueue[tuple[int, list[str]] | None] = queue.SimpleQueue()
        self.sender = threading.Thread(target=_feed, args=(conn, self.outbox), daemon=True,
                                       name="newsfacet-ner-feed")
        self.sender.start()


def _feed(conn: Connection, outbox: queue.SimpleQueue[tuple[int, list[str]] | None]) -> None:
    """Send a worker its batches until told to stop or the worker is gone."""
    while (batch := outbox.get()) is not None:
        try:
            conn.send(batch)
        except (OSError, ValueError):
            return  # the worker died: reading its pipe tells the writer


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the parent dies (even by SIGKILL).

    Without it a worker notices only when it next reads its pipe, after its batch.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection, model: str | None, batch_size: int) -> None:
    """A worker's life: load the model, then answer batches until the pipe closes.

    The worker has no thread besides its main one: with a second thread alive, glibc's
    malloc takes its locks on every call, and spaCy, which allocates a lot, runs about
    20% slower (measured). The parent feeds it from a thread of its own, so a batch and an
    answer in flight at once cannot deadlock.
    """
    # Ctrl-C reaches the whole process group; the parent decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    try:
        nlp = load_pipeline(model)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", str(exc)))
        return
    while True:
        try:
            batch_id, texts = conn.recv()
            conn.send((batch_id, mention_tuples(nlp, texts, batch_size)))
        except (EOFError, OSError):
            return  # the parent is gone or done
