"""The enrichment run on Dask: NER per partition, the corpus rounds as bag folds, shards.

Imported only by :func:`index.enrichment.run.enrich` (Dask is the optional ``dask`` extra).
Each worker loads its pipelines once (:class:`NerPlugin`, a ``WorkerPlugin``) and keeps
the checkpoints it has read, so the four rounds do not read them four times. A round's
decisions are scattered to every worker once; the next round's counts are a
``Bag.fold`` of per-partition sums (an associative merge, see
:mod:`index.entities.rounds`). Every file is written by the workers under the output
folder, which must therefore be one folder all of them and this process can reach (a
shared or network file system on a cluster).
"""

from __future__ import annotations

import contextlib
import logging
import operator
import os
import shutil
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
from dask.delayed import delayed
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed import utils as dask_utils

from index.enrichment.plan import Partition
from index.enrichment.shards import SHARDS_DIR, EntityTally
from index.enrichment.tasks import (
    LoadedPartition,
    PartitionSummary,
    ShardSummary,
    load_partition,
    round_counts,
    run_ner,
    superseded,
    write_shard,
)
from index.entities.aliases import Aliases
from index.entities.counts import Mergeable
from index.entities.rounds import ROUNDS, CorpusStats, Decisions, decide, empty_counts
from index.ingest.records import ReadProblem
from index.ner.models import ModelChoice
from index.ner.pipeline import load_pipeline
from index.ner.pool import BLAS_THREAD_VARIABLES

PLUGIN_NAME = "newsfacet-ner"
#: Checkpoints a worker keeps read between rounds (about 100 articles each).
MAX_LOADED = 64
#: Partial sums merged per task of a fold's tree.
SPLIT_EVERY = 8

#: Called with a stage name ("ner", a round's name, "shards"), work done and work in all.
StageProgress = Callable[[str, int, int], None]


class NerPlugin(WorkerPlugin):
    """Holds each worker's pipelines, each loaded once, on first use (a re-run whose
    checkpoints are all written loads none), and the checkpoints read for the rounds."""

    name = PLUGIN_NAME

    def __init__(self) -> None:
        self.pipelines: dict[str, Any] = {}
        self.loaded: OrderedDict[tuple[str, frozenset[int]], LoadedPartition] = OrderedDict()

    def setup(self, worker: Any) -> None:
        # A pipeline's matrices are small: extra BLAS threads cost a single worker time and
        # take cores from the others. Effective for libraries not loaded yet.
        for variable in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")

    def pipeline(self, name: str) -> Any:
        """The pipeline called ``name``, loaded on first use."""
        if name not in self.pipelines:
            self.pipelines[name] = load_pipeline(name)
        return self.pipelines[name]

    def partition(self, path: str, skip: frozenset[int]) -> LoadedPartition:
        """A checkpoint read for the rounds, kept for the next round."""
        key = (path, skip)
        found = self.loaded.get(key)
        if found is None:
            found = self.loaded[key] = load_partition(path, skip)
            while len(self.loaded) > MAX_LOADED:
                self.loaded.popitem(last=False)
        else:
            self.loaded.move_to_end(key)
        return found


def _plugin() -> NerPlugin:
    plugin = get_worker().plugins[PLUGIN_NAME]
    assert isinstance(plugin, NerPlugin)
    return plugin


def _ner_task(partition: Partition, out: str, choice: ModelChoice, texts_per_batch: int,
              cache_dir: str | None, use_cache: bool) -> PartitionSummary:
    return run_ner(partition, out, choice, _plugin().pipeline, batch_size=texts_per_batch,
                   cache_dir=cache_dir, use_cache=use_cache)


def _counts_task(part: tuple[str, frozenset[int]], name: str, decisions: Decisions
                 ) -> Mergeable:
    return round_counts(name, _plugin().partition(*part), decisions)


def _shard_task(part: tuple[str, frozenset[int], int], decisions: Decisions, folder: str
                ) -> ShardSummary:
    path, skip, number = part
    return write_shard(_plugin().partition(path, skip), decisions, folder, number)


@dataclass(frozen=True, slots=True)
class ClusterRun:
    """What the cluster did: the partitions' summaries, the shards', the entity tally, the
    number of workers, the corpus statistics and decisions."""

    partitions: tuple[PartitionSummary, ...]
    shards: tuple[ShardSummary, ...]
    tally: EntityTally
    workers: int
    seconds_by_stage: dict[str, float]
    #: The summed counts of every round, and what the corpus decided from them.
    stats: CorpusStats
    decisions: Decisions
    #: Earlier copies of repeated ids, left out.
    duplicates: tuple[ReadProblem, ...] = ()


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, else of a new local cluster of
    ``workers`` processes of one thread each (closed on leaving)."""
    try:
        if scheduler:
            with Client(scheduler, set_as_default=False) as client:
                yield client
            return
        environ = {variable: "1" for variable in BLAS_THREAD_VARIABLES}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        _end_offload_thread()


def _end_offload_thread() -> None:
    """Stop the thread Dask keeps for (de)serialising big messages, and give Dask a new,
    idle pool in its place.

    The thread outlives the client. A process forked while it exists (Whoosh's
    multi-process writer forks its sub-writers) hangs on exit, joining a thread it does
    not have: measured, an index build after an enrichment in the same process never
    returned.
    """
    idle = dask_utils._offload_executor
    idle.shutdown(wait=True)
    dask_utils._offload_executor = ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="Dask-Offload")


def drive(client: Client, partitions: Sequence[Partition], out: Path, choice: ModelChoice,
          *, aliases: Aliases, batch_size: int, cache_dir: str | None, use_cache: bool,
          progress: StageProgress | None = None) -> ClusterRun:
    """Run the whole enrichment of ``partitions`` on the cluster behind ``client``."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    client.register_plugin(NerPlugin())
    shipped = replace(choice, loaded=None)
    futures = client.map(_ner_task, list(partitions), out=str(out), choice=shipped,
                         texts_per_batch=batch_size, cache_dir=cache_dir,
                         use_cache=use_cache, pure=False)
    summaries: dict[int, PartitionSummary] = {}
    for future in as_completed(futures, loop=client.loop):
        summary: PartitionSummary = future.result()
        summaries[summary.number] = summary
        if progress:
            progress("ner", len(summaries), len(partitions))
    ordered = tuple(summaries[p.number] for p in partitions)
    timings["ner"] = time.perf_counter() - started
    skips, duplicates = superseded(ordered)
    parts = [(s.path, skips.get(s.number, frozenset())) for s in ordered]
    with dask.config.set(scheduler=client):
        decisions = Decisions(aliases=aliases)
        stats = CorpusStats()
        for name in ROUNDS:
            begun = time.perf_counter()
            shared = delayed(client.scatter(decisions, broadcast=True))
            bag = db.from_sequence(parts, npartitions=max(1, len(parts)))
            total = bag.map(_counts_task, name=name, decisions=shared) \
                .fold(operator.add, initial=empty_counts(name), split_every=SPLIT_EVERY) \
                .compute()
            setattr(stats, name, total)
            decisions = decide(name, total, decisions)
            timings[name] = time.perf_counter() - begun
            if progress:
                progress(name, 1, 1)
        begun = time.perf_counter()
        folder = out / f"{SHARDS_DIR}.{uuid.uuid4().hex[:8]}.partial"
        shared = delayed(client.scatter(decisions, broadcast=True))
        numbered = [(path, skip, n) for n, (path, skip) in enumerate(parts)]
        bag = db.from_sequence(numbered, npartitions=max(1, len(numbered)))
        shards: list[ShardSummary] = bag.map(_shard_task, decisions=shared,
                                             folder=str(folder)).compute()
    _swap(folder, out / SHARDS_DIR)
    tally = EntityTally()
    for shard in shards:
        tally = tally + shard.tally
    timings["shards"] = time.perf_counter() - begun
    workers = len(client.scheduler_info().get("workers", {}))
    return ClusterRun(ordered, tuple(shards), tally, workers, timings, stats, decisions,
                      tuple(duplicates))


def _swap(new: Path, final: Path) -> None:
    """Put the new shards folder in the place of the old one."""
    new.mkdir(parents=True, exist_ok=True)  # a corpus of no articles has no shards
    old = final.with_name(f"{final.name}.old")
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
