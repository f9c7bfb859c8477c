"""``enrich``: NER and the corpus pass over a corpus in partitions, on a Dask cluster.

The output folder holds:

* ``mentions/<key>.jsonl``: each partition's NER checkpoint (a re-run skips partitions
  that have one; ``newsfacet cache import`` fills the NER cache from them);
* ``shards/part-NNNNN.jsonl`` and ``.parquet``: the enriched records;
* ``entities.jsonl`` and ``entities.parquet``: the entity table;
* ``corpus.state``: the corpus statistics and decisions, for the index built from it;
* ``manifest.json``: the pipelines, the roots read, the alias table and the counts.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.corpus import state as corpus_state
from index.enrichment import DEFAULT_PARTITION_DOCS, DEFAULT_WORKERS
from index.enrichment.checkpoint import MENTIONS_DIR
from index.enrichment.plan import plan_partitions
from index.enrichment.shards import (
    ENTITIES_FILE,
    JSONL,
    PARQUET,
    SHARDS_DIR,
    EntityRow,
    entity_parquet_rows,
    write_jsonl,
    write_parquet,
)
from index.entities.aliases import Aliases, load_aliases
from index.entities.names import name_key
from index.errors import ClusterError, InputError, NewsfacetError
from index.ingest.files import DEFAULT_FOLLOW_LINKS
from index.ingest.records import ProblemKind, ReadProblem
from index.ner.models import choose_models
from index.ner.pipeline import DEFAULT_BATCH_SIZE

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = "newsfacet-enriched"
#: Bumped when the shards change shape; an older enrichment is refused. Version 2: each
#: record's ``spellings``.
MANIFEST_VERSION = 2
#: The generation the corpus state of an output folder is saved under (it has no index).
STATE_GENERATION = 0


@dataclass(frozen=True, slots=True)
class EnrichReport:
    """What an enrichment run did."""

    out: str
    documents: int
    partitions: int
    #: Partitions whose NER checkpoint an earlier run had written.
    reused: int
    failed: int
    skipped: int
    workers: int
    seconds: float
    entities: int
    #: Texts sent through NER by this run, and texts found in the NER cache.
    ner_texts: int = 0
    cached: int = 0
    problems: tuple[ReadProblem, ...] = ()
    #: Seconds per stage: "ner", each corpus round, "shards".
    stages: Mapping[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no article failed."""
        return self.failed == 0

    @property
    def docs_per_second(self) -> float:
        """Documents enriched per second of the whole run."""
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"out": self.out, "documents": self.documents, "partitions": self.partitions,
                "reused": self.reused, "failed": self.failed, "skipped": self.skipped,
                "workers": self.workers, "seconds": round(self.seconds, 3),
                "docs_per_second": round(self.docs_per_second, 1), "entities": self.entities,
                "ner_texts": self.ner_texts, "ner_cached": self.cached,
                "stages": {k: round(v, 3) for k, v in self.stages.items()},
                "problems": [{"path": p.path, "line": p.line, "kind": p.kind.value,
                              "reason": p.reason} for p in self.problems]}


def enrich(inputs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
           scheduler: str | None = None, workers: int = DEFAULT_WORKERS,
           model: str | None = None, models: Mapping[str, str] | None = None,
           aliases: Aliases | str | os.PathLike[str] | None = None,
           partition_docs: int = DEFAULT_PARTITION_DOCS, batch_size: int = DEFAULT_BATCH_SIZE,
           use_cache: bool = True, cache_dir: str | os.PathLike[str] | None = None,
           follow_links: bool = DEFAULT_FOLLOW_LINKS) -> EnrichReport:
    """Enrich the articles under ``inputs`` into ``out`` on a Dask cluster.

    Runs NER per partition (checkpointed: a re-run skips finished partitions), the corpus
    pass as rounds reduced across the cluster, and writes enriched shards and the entity
    table. Facets are those ``newsfacet index`` gives the same articles.

    Args:
        inputs: files, folders or glob patterns (``data/**/*.jsonl``; ``file://`` URLs).
        out: the output folder (created); on a cluster, one every worker can write.
        scheduler: a Dask scheduler's address (``tcp://host:8786``); ``None`` starts a
            local cluster of ``workers`` processes of one thread each.
        workers: processes of the local cluster.
        model: the default spaCy pipeline; ``models``: pipelines by language code.
        aliases: an alias table or alias file path.
        partition_docs: articles per partition.
        batch_size: texts per NER batch.
        use_cache: look texts up in the NER cache (``cache_dir``, else each worker's
            default) before running NER.
        follow_links: read what symbolic links point to outside ``inputs``.

    Raises:
        InputError: a path does not exist, a glob matches nothing or a URL is not a file.
        ModelNotFoundError: a pipeline is not installed.
        ClusterError: the ``dask`` extra is missing, the scheduler cannot be reached, or a
            worker died on the same partition again and again.
    """
    started = time.perf_counter()
    if importlib.util.find_spec("distributed") is None:
        raise ClusterError("newsfacet enrich needs Dask. Install the extra: pip install "
                           "'newsfacet[dask]'")
    table = aliases if isinstance(aliases, Aliases) else (
        load_aliases(aliases) if aliases is not None else Aliases())
    choice = choose_models(model, models, batch_size=batch_size)
    if choice.loaded is not None:
        choice.loaded.close()
    plan = plan_partitions(inputs, choice.fingerprint(), partition_docs=partition_docs,
                           follow_links=follow_links)
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the output folder '{folder}': {exc.strerror}; "
                         "choose another with --out") from None
    _clear_leftovers(folder)
    from index.enrichment.cluster import connect, drive  # Dask: an optional extra, slow

    try:
        with connect(scheduler, workers) as client:
            ran = drive(client, plan.partitions, folder.resolve(), choice,
                                aliases=table, batch_size=batch_size,
                                cache_dir=None if cache_dir is None else str(cache_dir),
                                use_cache=use_cache)
    except NewsfacetError:
        raise
    except (OSError, TimeoutError) as exc:
        where = scheduler or "the local cluster"
        raise ClusterError(f"Cannot run on {where}: {exc}; check the address (tcp://HOST:8786)"
                           " and that the scheduler and its workers are up") from None
    except Exception as exc:
        if type(exc).__name__ == "KilledWorker":
            raise ClusterError(f"Workers died again and again on one task ({exc}); the "
                               "finished partitions are kept: give the workers more memory "
                               "and run the same command again") from None
        raise
    rows = ran.tally.rows(name_key)
    write_jsonl(folder / f"{ENTITIES_FILE}{JSONL}", (r.to_dict() for r in rows))
    write_parquet(folder / f"{ENTITIES_FILE}{PARQUET}", entity_parquet_rows(rows),
                  entities=True)
    problems = list(plan.problems)
    for summary in ran.partitions:
        problems.extend(summary.problems)
    for shard in ran.shards:
        problems.extend(shard.problems)
    problems.extend(ran.duplicates)
    documents = sum(s.documents for s in ran.shards)
    # The statistics an index keeps to update its facets: index --enriched stores them.
    corpus_state.save(folder, STATE_GENERATION, ran.stats, ran.decisions)
    _write_manifest(folder, choice.default.key, choice.fingerprint(), plan.roots, table,
                    documents, len(ran.shards), rows)
    return EnrichReport(
        str(folder), documents, len(plan.partitions),
        sum(s.reused for s in ran.partitions),
        sum(p.kind is ProblemKind.FAILED for p in problems),
        sum(p.kind is ProblemKind.SKIPPED for p in problems),
        ran.workers, time.perf_counter() - started, len(rows),
        sum(s.ner_texts for s in ran.partitions), sum(s.cached for s in ran.partitions),
        tuple(problems), dict(ran.seconds_by_stage))


def _clear_leftovers(folder: Path) -> None:
    """Remove what a killed run was writing (half-written checkpoints and shard folders):
    one run at a time writes an output folder, so nothing else is writing them."""
    for partial in (folder / MENTIONS_DIR).glob("*.partial"):
        partial.unlink(missing_ok=True)
    for partial in folder.glob(f"{SHARDS_DIR}.*.partial"):
        shutil.rmtree(partial, ignore_errors=True)


def _write_manifest(folder: Path, model: str, fingerprint: str, roots: tuple[str, ...],
                    aliases: Aliases, documents: int, shards: int, rows: list[EntityRow]
                    ) -> None:
    manifest = {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "model": model,
                "fingerprint": fingerprint, "roots": list(roots),
                "aliases": aliases.to_dict(), "documents": documents, "shards": shards,
                "entities": len(rows)}
    partial = folder / f".{MANIFEST_FILE}.partial"
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    os.replace(partial, folder / MANIFEST_FILE)


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of an enrichment's output folder.

    Raises:
        InputError: there is none, or it is not one.
    """
    path = Path(folder) / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"No enrichment at '{folder}' (no readable {MANIFEST_FILE}). Write "
                         f"one first: newsfacet enrich ARTICLES... --out {folder}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise InputError(f"'{path}' is not a newsfacet enrichment manifest")
    if data.get("version") != MANIFEST_VERSION:
        raise InputError(f"The enrichment at '{folder}' has version {data.get('version')!r}; "
                         f"this newsfacet reads version {MANIFEST_VERSION}: run newsfacet "
                         "enrich again")
    return data
