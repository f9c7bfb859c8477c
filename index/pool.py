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
import queue
import signal
import threading
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from index.entities import DEFAULT_BATCH_SIZE, MentionTuple, load_pipeline, mention_tuples
from index.errors import NerWorkerError

#: Batches sent to one worker before its first answer comes back: one being worked on,
#: one waiting, so a worker never idles while the parent writes.
BATCHES_IN_FLIGHT = 2

#: What comes back for one text: its mentions, or why NER failed on it.
NerResult = list[MentionTuple] | str


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
        try:
            worker.conn.send((batch_id, texts))
        except OSError:
            raise self._died(worker) from None
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
            with contextlib.suppress(OSError):
                worker.conn.close()
            if kill:
                worker.process.kill()
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._workers = []


class _Worker:
    __slots__ = ("conn", "in_flight", "process")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.in_flight: list[int] = []


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

    A thread takes batches off the pipe as soon as they come, so the parent's send never
    waits for this process to finish a batch while this process waits to send its answer
    (a deadlock once a batch and an answer are both bigger than the pipe's buffer).
    """
    # Ctrl-C reaches the whole process group; the parent decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    inbox: queue.SimpleQueue[tuple[int, list[str]] | None] = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                inbox.put(conn.recv())
            except (EOFError, OSError):
                inbox.put(None)  # the parent is gone or done
                return

    threading.Thread(target=receive, daemon=True, name="newsfacet-ner-inbox").start()
    try:
        nlp = load_pipeline(model)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", str(exc)))
        return
    while (batch := inbox.get()) is not None:
        batch_id, texts = batch
        try:
            conn.send((batch_id, mention_tuples(nlp, texts, batch_size)))
        except OSError:
            return
