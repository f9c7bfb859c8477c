"""The work on one partition, without Dask: NER into a checkpoint, round counts, a shard.

Each function takes what a cluster ships to a worker (a partition, the output folder,
the decisions so far) and returns small values (ids, problems, counts, an entity tally),
so the same functions run in a worker process, in a test, or in one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.build import content_hash
from index.enrichment.checkpoint import (
    NerRecord,
    checkpoint_path,
    read_checkpoint,
    write_checkpoint,
)
from index.enrichment.plan import Partition
from index.enrichment.shards import (
    JSONL,
    PARQUET,
    EnrichedRecord,
    EntityTally,
    parquet_rows,
    shard_name,
    write_jsonl,
    write_parquet,
)
from index.entities.counts import Mergeable
from index.entities.rounds import (
    ArticleInput,
    Decisions,
    article_counts,
    empty_counts,
    final_entities,
)
from index.ingest.language import detect_language
from index.ingest.records import Article, ProblemKind, ReadProblem, ner_text
from index.ner.cache import NerCache, ner_key
from index.ner.models import TEXT_ONLY, ModelChoice
from index.ner.pipeline import DEFAULT_BATCH_SIZE, Mention, mention_tuples
from index.store.schema import Facet

#: Loads (or returns the already loaded) spaCy pipeline of a name.
Loader = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class PartitionSummary:
    """A partition's checkpoint, read back: its article ids in order and its problems."""

    number: int
    path: str
    #: ``(place in the partition, id, path)`` of each article, in order.
    ids: tuple[tuple[int, str, str], ...]
    problems: tuple[ReadProblem, ...]
    #: Texts this run sent through NER for it (0 when the checkpoint was reused).
    ner_texts: int = 0
    #: Texts whose mentions came from the NER cache.
    cached: int = 0
    reused: bool = False


def run_ner(partition: Partition, out: str | os.PathLike[str], choice: ModelChoice,
            load: Loader, *, batch_size: int = DEFAULT_BATCH_SIZE,
            cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True
            ) -> PartitionSummary:
    """Run NER on a partition and write its checkpoint, unless one is there already.

    A text spaCy fails on, or a record that cannot be read, is a problem of that article
    alone; the others are written.
    """
    path = checkpoint_path(out, partition.key)
    if path.exists():
        return replace(summarize(partition.number, path), reused=True)
    cache = NerCache(cache_dir) if use_cache else None
    items: list[NerRecord | ReadProblem] = []
    waiting: dict[str, list[tuple[int, Article, str]]] = {}
    cached = seq = 0
    fingerprint = choice.fingerprint()
    for item in partition.articles():
        if isinstance(item, ReadProblem):
            items.append(item)
            continue
        digest = content_hash(item, fingerprint)
        article = _with_language(item)
        pipeline = choice.for_language(article.language)
        if pipeline is None:
            items.append(NerRecord(seq, article, TEXT_ONLY, "", (), digest))
        else:
            key = ner_key(ner_text(article), pipeline.key)
            found = cache.get(key) if cache is not None else None
            if found is not None:
                cached += 1
                items.append(NerRecord(seq, article, pipeline.key, key,
                                       tuple(Mention(*m) for m in found), digest))
            else:
                waiting.setdefault(pipeline.name, []).append((len(items), article, key))
                items.append(NerRecord(seq, article, pipeline.key, key, (), digest))
        seq += 1
    if cache is not None:
        cache.close()
    sent = 0
    for name, pending in waiting.items():
        nlp = load(name)
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            results = mention_tuples(nlp, [ner_text(a) for _, a, _ in batch], batch_size)
            sent += len(batch)
            for (place, article, _), result in zip(batch, results, strict=True):
                record = items[place]
                assert isinstance(record, NerRecord)
                if isinstance(result, str):
                    items[place] = ReadProblem(article.path, f"{article.id}: {result}")
                else:
                    items[place] = replace(record, mentions=tuple(Mention(*m) for m in result))
    write_checkpoint(path, {"partition": partition.number,
                            "slices": [s.to_dict() for s in partition.slices]}, items)
    return replace(summarize(partition.number, path), ner_texts=sent, cached=cached)


def summarize(number: int, path: Path) -> PartitionSummary:
    """The ids and problems of a written checkpoint."""
    ids: list[tuple[int, str, str]] = []
    problems: list[ReadProblem] = []
    for item in read_checkpoint(path):
        if isinstance(item, ReadProblem):
            problems.append(item)
        else:
            ids.append((item.seq, item.article.id, item.article.path))
    return PartitionSummary(number, str(path), tuple(ids), tuple(problems))


def _with_language(article: Article) -> Article:
    """The article with its detected language, as an index run detects it."""
    if article.language is not None:
        return article
    found = detect_language(f"{article.title}\n{article.text}")
    return replace(article, language=found) if found else article


@dataclass(slots=True)
class LoadedPartition:
    """A checkpoint's articles (less those a later copy replaces) as the rounds take them."""

    records: list[NerRecord] = field(default_factory=list)
    inputs: list[ArticleInput] = field(default_factory=list)


def load_partition(path: str | os.PathLike[str], skip: frozenset[int] = frozenset()
                   ) -> LoadedPartition:
    """Read a checkpoint for the corpus pass; articles whose place is in ``skip`` (an
    earlier copy of an id read again later) are left out."""
    loaded = LoadedPartition()
    for item in read_checkpoint(Path(path)):
        if isinstance(item, ReadProblem) or item.seq in skip:
            continue
        loaded.records.append(item)
        loaded.inputs.append(ArticleInput.of(item.article.id, item.mentions,
                                             ner_text(item.article),
                                             alone=item.model == TEXT_ONLY))
    return loaded


def round_counts(name: str, loaded: LoadedPartition, decisions: Decisions) -> Mergeable:
    """The summed counts of round ``name`` over one partition's articles."""
    total = empty_counts(name)
    for article in loaded.inputs:
        total.add(article_counts(name, article, decisions))
    return total


@dataclass(frozen=True, slots=True)
class ShardSummary:
    """What writing one shard gave: documents, problems, and its part of the entity table."""

    documents: int
    problems: tuple[ReadProblem, ...]
    tally: EntityTally


def write_shard(loaded: LoadedPartition, decisions: Decisions,
                folder: str | os.PathLike[str], number: int) -> ShardSummary:
    """Give each article its facets under the corpus's decisions and write the partition's
    shard as JSONL and Parquet into ``folder``. An article whose facets cannot be derived
    is a problem of its own; the others are written."""
    records: list[EnrichedRecord] = []
    problems: list[ReadProblem] = []
    tally = EntityTally()
    for record, article in zip(loaded.records, loaded.inputs, strict=True):
        try:
            entities, lookups = final_entities(article, decisions)
        except Exception as exc:  # noqa: BLE001 - one bad record must not fail its shard
            problems.append(ReadProblem(record.article.path, f"{record.article.id}: cannot "
                                        f"derive entities: {type(exc).__name__}: {exc}",
                                        ProblemKind.FAILED))
            continue
        records.append(EnrichedRecord.of(record.article, entities, record.mentions,
                                         model=record.model,
                                         digest=record.digest, lookups=lookups))
        _tally(tally, records[-1])
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    write_jsonl(target / f"{shard_name(number)}{JSONL}", (r.to_dict() for r in records))
    write_parquet(target / f"{shard_name(number)}{PARQUET}", parquet_rows(records))
    return ShardSummary(len(records), tuple(problems), tally)


def _tally(tally: EntityTally, record: EnrichedRecord) -> None:
    """Count a document's facet values and the spellings normalisation recorded for them."""
    spellings = record.entities.spellings
    for facet in Facet:
        for value in record.entities.get(facet):
            tally.note(facet, value, spellings.counts(facet, value))


def superseded(summaries: Sequence[PartitionSummary]
               ) -> tuple[dict[int, frozenset[int]], list[ReadProblem]]:
    """Per partition number, the places of articles a later copy of their id replaces
    (the last copy read is the article, as in an index run), and a warning for each."""
    last: dict[str, tuple[int, int]] = {}
    for summary in summaries:
        for seq, doc_id, _ in summary.ids:
            last[doc_id] = (summary.number, seq)
    out: dict[int, set[int]] = {}
    warnings = []
    for summary in summaries:
        for seq, doc_id, path in summary.ids:
            if last[doc_id] != (summary.number, seq):
                out.setdefault(summary.number, set()).add(seq)
                warnings.append(ReadProblem(path, f"duplicate id {doc_id!r}; a later copy "
                                            "replaces this one", ProblemKind.WARNING))
    return {number: frozenset(places) for number, places in out.items()}, warnings
