"""Index a corpus: read, skip what is unchanged, run NER, normalise, write, remove the gone.

The run streams. The parent process reads and hashes files, looks texts up in the NER
cache and sends the rest in batches to NER worker processes (:mod:`index.ner.pool`); while
they work it normalises and writes what came back. Whoosh commits every
:data:`DEFAULT_COMMIT_EVERY` documents, so a run that is killed keeps everything up to its
last commit and the next run picks up from there; documents are written by their unique
id, so none is ever there twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.corpus import state as saved
from index.corpus.update import Removed, update_limit
from index.corpus_pass import AliasSource, refresh_facets, resolve_aliases
from index.entities.mentions import Tagged, tag_mentions
from index.errors import IndexInterrupted, IndexWriteError, NewsfacetError
from index.ingest.files import DEFAULT_FOLLOW_LINKS, walk_sources
from index.ingest.language import detect_language
from index.ingest.reading import estimate_documents, read_source
from index.ingest.records import Article, ProblemKind, ReadProblem, SourceFile, ner_text
from index.ner.cache import NerCache, ner_key
from index.ner.models import TEXT_ONLY, ModelChoice, Pipeline, choose_models
from index.ner.pipeline import DEFAULT_BATCH_SIZE, Mention, MentionTuple
from index.ner.pool import InlineNer, Ner, NerPool
from index.store import folder as store
from index.store.columns import refresh_columns
from index.store.file_state import FileKey, FileState, file_key
from index.store.parallel import usable_cores
from index.store.schema import SCHEMA_VERSION
from index.store.segment_postings import SEGMENT_CACHE
from index.store.writer import DEFAULT_COMMIT_EVERY, BatchWriter, document_fields, uninterrupted

#: With ``workers=None``, runs expected to send at least this many documents through NER
#: use a process per core; smaller ones stay in this process (starting workers costs
#: about a second more than loading the model here; on two cores, 40 articles index
#: faster in this process and 100 in two workers).
AUTO_WORKERS_MIN_DOCS = 60
#: The tagged mentions of up to this many written articles are kept for the corpus pass
#: (about 5 KB each, so at most about 25 MB); it tags the others again.
MAX_KEPT_TAGGED = 5_000


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What an index run did."""

    index_dir: str
    indexed: int
    unchanged: int
    removed: int
    failed: int
    skipped: int
    seconds: float
    problems: tuple[ReadProblem, ...] = ()
    model: str = ""
    workers: int = 0
    cached: int = 0
    interrupted: bool = False
    #: Articles indexed for text only, by language: no pipeline reads their language.
    without_model: Mapping[str, int] = field(default_factory=dict)
    #: Ids of the documents this run added, in the order written: not those it replaced,
    #: nor, in a rebuild, those the index held before.
    added: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no document failed and the run was not interrupted."""
        return self.failed == 0 and not self.interrupted

    @property
    def docs_per_second(self) -> float:
        """Documents indexed per second of the whole run."""
        return self.indexed / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index_dir, "indexed": self.indexed, "unchanged": self.unchanged,
            "removed": self.removed, "failed": self.failed, "skipped": self.skipped,
            "seconds": round(self.seconds, 3), "docs_per_second": round(self.docs_per_second, 1),
            "model": self.model, "workers": self.workers, "ner_cached": self.cached,
            "interrupted": self.interrupted,
            "without_model": dict(sorted(self.without_model.items())),
            "problems": [{"path": p.path, "line": p.line, "kind": p.kind.value, "reason": p.reason}
                         for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress event: documents done so far out of an estimated total."""

    seen: int
    indexed: int
    unchanged: int
    failed: int
    total: int = 0
    seconds: float = 0.0
    #: "indexing" while documents are read, run through NER and written; "corpus" during
    #: the corpus-wide facet pass that ends a run.
    stage: str = "indexing"


ProgressCallback = Callable[[Progress], None]


@dataclass(slots=True)
class _Tally:
    total: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    started: float = field(default_factory=time.perf_counter)
    problems: list[ReadProblem] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    failed_paths: set[str] = field(default_factory=set)
    without_model: Counter[str] = field(default_factory=Counter)
    added: list[str] = field(default_factory=list)
    indexed_before: set[str] = field(default_factory=set)

    def note(self, problem: ReadProblem) -> None:
        self.problems.append(problem)
        if problem.kind is ProblemKind.FAILED:
            self.failed += 1
            self.failed_paths.add(problem.path)
        elif problem.kind is ProblemKind.SKIPPED:
            self.skipped += 1

    def progress(self) -> Progress:
        done = self.indexed + self.unchanged + self.failed
        self.total = max(self.total, done)
        return Progress(done, self.indexed, self.unchanged, self.failed, self.total,
                        time.perf_counter() - self.started)

    def report(self, folder: Path, model: str, workers: int, interrupted: bool = False
               ) -> IndexReport:
        return IndexReport(str(folder), self.indexed, self.unchanged, self.removed, self.failed,
                           self.skipped, time.perf_counter() - self.started,
                           tuple(self.problems), model, workers, self.cached, interrupted,
                           dict(self.without_model), tuple(dict.fromkeys(self.added)))


#: Files that hold several records, so possibly several with one id.
MULTI_RECORD_SUFFIXES = (".jsonl", ".json", ".csv")


def content_hash(article: Article, model: str) -> str:
    """Fingerprint of everything that decides a document's indexed form."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (model, article.title, article.text, str(article.date or ""),
                 article.url or "", article.source or "", str(article.truncated),
                 article.language or ""):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def auto_workers(expected_docs: int) -> int:
    """Worker processes for a run expected to send ``expected_docs`` documents to NER."""
    return 1 if expected_docs < AUTO_WORKERS_MIN_DOCS else usable_cores()


def build_index(
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    model: str | None = None,
    models: Mapping[str, str] | None = None,
    workers: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rebuild: bool = False,
    commit_every: int = DEFAULT_COMMIT_EVERY,
    progress: ProgressCallback | None = None,
    aliases: AliasSource = None,
    wait: bool = False,
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    follow_links: bool = DEFAULT_FOLLOW_LINKS,
) -> IndexReport:
    """Index the articles under ``paths`` into ``index_dir``, incrementally.

    New and changed documents are (re)indexed; unchanged ones are skipped without running
    NER; documents whose file is gone from an indexed folder, or whose record is gone from
    a file read again, are removed. ``rebuild`` starts from an empty index. NER results
    are cached (see :mod:`index.ner.cache`), so a rebuild only runs NER on new text.

    Args:
        paths: files or folders to index.
        index_dir: the index directory (created when missing).
        model: spaCy pipeline name; ``None`` for the default English one. It reads
            articles in its language and those whose language is unknown.
        models: pipelines of other languages, by ISO 639-1 code (``{"fr":
            "fr_core_news_sm"}``). Articles in a language no pipeline reads are indexed
            for text only, without entities, and counted in the report.
        workers: NER processes; ``None`` for one per core when the run is big enough
            to gain from it (:data:`AUTO_WORKERS_MIN_DOCS`), else NER in this process.
        batch_size: texts per NER batch.
        rebuild: drop everything indexed and start over.
        commit_every: documents between commits.
        progress: called after every document.
        wait: when another process is writing the index, wait for it instead of failing.
        use_cache: look up and store NER results in the NER cache.
        cache_dir: the NER cache folder; ``None`` for :func:`index.ner.cache.default_cache_dir`.
        aliases: an alias table or alias file path; ``None`` keeps the one stored in the
            index (see :mod:`index.entities.aliases`).
        follow_links: read files and folders that symbolic links point to outside
            ``paths`` (by default they are skipped and reported, see
            :mod:`index.ingest.files`).

    Raises:
        InputError: a path does not exist.
        ModelNotFoundError: the spaCy pipeline is not installed.
        IndexLockedError: another process is writing to this index (and ``wait`` is off).
        IndexWriteError: the index directory is not writable or the disk is full.
        NerWorkerError: an NER worker process died.
        IndexInterrupted: Ctrl-C; what was done is committed and in its ``report``.
    """
    tally = _Tally()
    roots = [Path(p) for p in paths]
    sources = []
    for found in walk_sources(roots, follow_links=follow_links):  # fails fast on a bad path
        if isinstance(found, ReadProblem):
            tally.note(found)
        else:
            sources.append(found)
    folder = Path(index_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise store.write_error(folder, exc) from None
    table = resolve_aliases(folder, aliases)
    choice = choose_models(model, models, batch_size=batch_size)
    model_key = choice.default.key
    with store.write_lock(folder, wait=wait):
        clear_first = rebuild and _rebuildable_in_place(folder)
        ix = store.create_or_open(folder, rebuild=rebuild and not clear_first)
        known = {} if clear_first else store.indexed_fingerprints(ix, folder / SEGMENT_CACHE)
        # A rebuild writes every article again; only those the index lacked are new.
        tally.indexed_before = set(_indexed_ids(ix, folder) if clear_first else known)
        tally.total = estimate_documents(sources)
        expected = max(0, tally.total - len(known))
        chosen = workers if workers is not None else auto_workers(expected)
        cache = NerCache(cache_dir) if use_cache else None
        # What the corpus pass decided last time, when this run can start from it.
        state = None if clear_first or aliases is not None else \
            saved.load(folder, ix.latest_generation(), table)
        removed = Removed(ix, update_limit(len(known))) if state is not None else None
        files = FileState(choice.fingerprint()) if clear_first or rebuild else \
            FileState.load(folder, choice.fingerprint())
        # Without kept statistics the run ends with the full pass, which writes every
        # document again: until then their words need not be indexed.
        run = _Run(BatchWriter(ix, folder, commit_every, cache, clear_first=clear_first,
                               text_later=state is None),
                   choice, tally, progress, batch_size, cache,
                   in_process=chosen == 1 and (workers is None or expected <
                                               AUTO_WORKERS_MIN_DOCS),
                   workers=chosen, removed=removed, files=files)
        try:
            run.index(sources, known)
            gone = _gone(known, roots, tally)
            if removed is not None:
                removed.take(gone)
            tally.removed = run.writer.delete(gone)
            changed = bool(tally.indexed or tally.removed or clear_first or aliases is not None
                           or store.facets_stale(folder))
            # Corpus-wide decisions, display forms and the alias table: an update of the
            # statistics the index keeps, or the full pass, which writes every document
            # into new segments and so saves the merge.
            run.finish(corpus_pass=(lambda: refresh_facets(
                ix, folder, table, tagged=run.tagged, state=state, removed=removed,
                added=run.writer.written, merge=run.writer.merge)) if changed else None)
            _write_columns(ix, folder)
        except KeyboardInterrupt:
            run.stop()
            raise IndexInterrupted(tally.report(folder, model_key, run.started_workers,
                                                interrupted=True)) from None
        except IndexWriteError:
            run.abandon()
            raise
        except BaseException:
            run.stop()
            raise
        finally:
            if removed is not None:
                removed.close()
        store.write_meta(folder, store.IndexMeta(SCHEMA_VERSION, model_key,
                                                 _all_roots(folder, roots, rebuild)))
        _save_files(folder, files, run.read_files, tally.failed_paths)
    return tally.report(folder, model_key, run.started_workers)


#: A document waiting for NER: article, content hash, NER cache key, whether it replaces
#: an indexed one, and its place in reading order.
_Pending = tuple[Article, str, str, bool, int]


@dataclass(slots=True)
class _Lane:
    """One pipeline's NER runner and the documents waiting for it."""

    pipeline: Pipeline
    ner: Ner | None = None
    buffer: list[_Pending] = field(default_factory=list)


class _Run:
    """One index run's moving parts: the reader loop, the NER runners and the writer."""

    def __init__(self, writer: BatchWriter, choice: ModelChoice, tally: _Tally,
                 progress: ProgressCallback | None, batch_size: int,
                 cache: NerCache | None, *, in_process: bool, workers: int,
                 removed: Removed | None = None, files: FileState | None = None) -> None:
        self.choice, self.fingerprint, self.tally = choice, choice.fingerprint(), tally
        self.progress, self.batch_size = progress, max(1, batch_size)
        self.cache = cache
        self.writer = writer
        #: The old versions of the articles this run replaces, for the corpus update.
        self.removed = removed
        #: Size and time of the files read before, and of those this run read cleanly.
        self.files = files or FileState(self.fingerprint)
        self.read_files: dict[str, FileKey] = {}
        self.lanes: dict[str, _Lane] = {}
        default = self._lane(choice.default)
        if choice.loaded is not None:
            if in_process:
                default.ner = choice.loaded
            else:
                choice.loaded.close()
        self.in_process, self.workers = in_process, workers
        self.started_workers = 0
        self.batches: dict[int, tuple[_Lane, list[_Pending]]] = {}
        self.seq = 0
        self.latest: dict[str, int] = {}
        self.next_batch = 0
        #: The tagged mentions of the articles written, for the corpus pass to reuse.
        self.tagged: dict[str, tuple[str, list[Tagged]]] = {}

    def _lane(self, pipeline: Pipeline) -> _Lane:
        lane = self.lanes.get(pipeline.name)
        if lane is None:
            lane = self.lanes[pipeline.name] = _Lane(pipeline)
        return lane

    def index(self, sources: list[SourceFile], known: dict[str, tuple[str, str]]) -> None:
        tally = self.tally
        self._tick()  # the total, before the first document
        by_path: dict[str, list[str]] = {}
        for doc_id, (_, path) in known.items():
            by_path.setdefault(path, []).append(doc_id)
        for source in sources:
            # Taken before reading (by the walk, else now): a later change is seen next run.
            key = source.key or file_key(source.path)
            ids = by_path.get(source.shown)
            if ids and self.files.unchanged(source.shown, key):
                tally.unchanged += len(ids)
                tally.seen_ids.update(ids)
                self.read_files[source.shown] = self.files.files[source.shown]
                self._tick()
                continue
            problems = len(tally.problems)
            self._read(source, known)
            if key is not None and len(tally.problems) == problems:
                self.read_files[source.shown] = key
        for lane in list(self.lanes.values()):
            self._send(lane)
        while any(lane.ner is not None and lane.ner.pending() for lane in self.lanes.values()):
            self._drain(block=True)

    def _read(self, source: SourceFile, known: dict[str, tuple[str, str]]) -> None:
        """Read one file and queue its new and changed articles."""
        tally = self.tally
        last = _last_records(source)
        for position, item in enumerate(read_source(source)):
            if isinstance(item, ReadProblem):
                tally.note(item)
                if item.kind is ProblemKind.FAILED:
                    self._tick()
                continue
            if last.get(item.id, position) != position:
                # Of records sharing an id in one file, the last one is the article: the
                # earlier ones are never indexed, so re-runs find it unchanged.
                tally.problems.append(ReadProblem(
                    item.path, f"duplicate id {item.id!r}; a later record in this file "
                    "replaces this one", ProblemKind.WARNING))
                continue
            digest = content_hash(item, self.fingerprint)
            self.seq += 1
            if item.id in tally.seen_ids:
                tally.problems.append(ReadProblem(
                    item.path, f"duplicate id {item.id!r}; this later copy replaces the "
                    "earlier one", ProblemKind.WARNING))
                self.latest[item.id] = self.seq  # earlier copies still in NER are dropped
            tally.seen_ids.add(item.id)
            if known.get(item.id, ("", ""))[0] == digest:
                tally.unchanged += 1
                self._tick()
                continue
            self._queue(item, digest, item.id in known, self.seq)
        self._drain(block=False)

    def _queue(self, article: Article, digest: str, replaces: bool, seq: int) -> None:
        if replaces and self.removed is not None:
            self.removed.take([article.id])
        if article.language is None:  # detected only for what is indexed: it costs ~2 ms
            found = detect_language(f"{article.title}\n{article.text}")
            article = replace(article, language=found) if found else article
        pipeline = self.choice.for_language(article.language)
        if pipeline is None:
            self.tally.without_model[article.language or ""] += 1
            self._write(article, digest, [], replaces, seq, TEXT_ONLY)
            return
        text = ner_text(article)
        key = ner_key(text, pipeline.key)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            self.tally.cached += 1
            self._write(article, digest, cached, replaces, seq, pipeline.key)
            return
        lane = self._lane(pipeline)
        lane.buffer.append((article, digest, key, replaces, seq))
        if len(lane.buffer) >= self.batch_size:
            self._send(lane)

    def _send(self, lane: _Lane) -> None:
        if not lane.buffer:
            return
        if lane.ner is None:
            name = lane.pipeline.name
            lane.ner = InlineNer(name, self.batch_size) if self.in_process else \
                NerPool(name, self.workers, self.batch_size)
            self.started_workers += 0 if self.in_process else self.workers
        batch_id, self.next_batch = self.next_batch, self.next_batch + 1
        self.batches[batch_id] = (lane, lane.buffer)
        texts = [ner_text(item[0]) for item in lane.buffer]
        lane.buffer = []
        if not lane.ner.ready():
            self._drain(block=True, only=lane)
        lane.ner.submit(batch_id, texts)
        self._drain(block=False)

    def _drain(self, block: bool, only: _Lane | None = None) -> None:
        for lane in [only] if only is not None else list(self.lanes.values()):
            if lane.ner is None or not lane.ner.pending():
                continue
            for batch_id, results in lane.ner.results(block):
                done_lane, items = self.batches.pop(batch_id)
                for (article, digest, key, replaces, seq), result in zip(items, results,
                                                                        strict=True):
                    if isinstance(result, str):
                        self.tally.note(ReadProblem(article.path, result))
                        self._tick()
                        continue
                    if self.cache is not None:
                        self.cache.put(key, result)
                    self._write(article, digest, result, replaces, seq,
                                done_lane.pipeline.key)
            if block:
                return  # one lane's batch came back: the caller checks again

    def _write(self, article: Article, digest: str, mentions: list[MentionTuple],
               replaces: bool, seq: int, model_key: str) -> None:
        if self.latest.get(article.id, seq) != seq:
            return  # a later copy with the same id was read since this one went to NER
        found = [Mention(*m) for m in mentions]
        doc = document_fields(article, digest, found, model_key)
        if len(self.tagged) < MAX_KEPT_TAGGED or article.id in self.tagged:
            # Tagged only when kept: the corpus pass tags the others itself.
            self.tagged[article.id] = (digest, tag_mentions(found, ner_text(article)))
        with uninterrupted():  # the document and its count go in together
            self.writer.add(doc, replaces)
            self.tally.indexed += 1
            if article.id not in self.tally.indexed_before:
                self.tally.added.append(article.id)
        self._tick()

    def _tick(self) -> None:
        if self.progress:
            self.progress(self.tally.progress())

    def finish(self, corpus_pass: Callable[[], object] | None = None) -> None:
        self._close_ner()
        self.writer.close(final=True, merge=corpus_pass is None)
        if corpus_pass is not None:
            if self.progress:
                self.progress(replace(self.tally.progress(), stage="corpus"))
            corpus_pass()  # it merges what an update leaves; the full pass needs no merge
        if self.cache is not None:
            self.cache.close()
            if self.cache.problem:
                self.tally.problems.append(ReadProblem(str(self.cache.folder),
                                                       self.cache.problem, ProblemKind.WARNING))

    def stop(self) -> None:
        """Commit what is written, after an interruption or an error that is not the writer's."""
        self._close_ner(kill=True)
        self.writer.close(final=False)
        if self.cache is not None:
            self.cache.close()

    def abandon(self) -> None:
        self._close_ner(kill=True)
        if self.cache is not None:
            self.cache.close()

    def _close_ner(self, kill: bool = False) -> None:
        for lane in self.lanes.values():
            if lane.ner is not None:
                lane.ner.close(kill=kill)
                lane.ner = None


def _save_files(folder: Path, before: FileState, read: dict[str, FileKey],
                failed: set[str]) -> None:
    """Record the files this run read cleanly, keeping what earlier runs read elsewhere; a
    state that cannot be written only costs the next run its reading."""
    files = {**before.files, **read}
    for path in failed:
        files.pop(path, None)
    with contextlib.suppress(OSError):
        FileState(before.fingerprint, files).save(folder)


def _indexed_ids(ix: Any, folder: Path) -> set[str]:
    """The ids a rebuild finds in the index; none when the index is too damaged to tell
    (the rebuild repairs it, and every article it writes counts as new)."""
    try:
        with store.reading_index(folder):
            return set(store.indexed_fingerprints(ix))
    except NewsfacetError:
        return set()


def _last_records(source: SourceFile) -> dict[str, int]:
    """Where the last record of each id is in a file of several records (a first read;
    ids alone are kept). Empty for a file of one article."""
    name = source.name.lower()
    if not name.removesuffix(".gz").endswith(MULTI_RECORD_SUFFIXES):
        return {}
    last: dict[str, int] = {}
    for position, item in enumerate(read_source(source)):
        if not isinstance(item, ReadProblem):
            last[item.id] = position
    return last


def _write_columns(ix: Any, folder: Path) -> None:
    """The search columns of the last commit, so that the next search opens them at once."""
    try:
        refresh_columns(ix, folder)
    except OSError as exc:
        raise store.write_error(folder, exc) from None


def _rebuildable_in_place(folder: Path) -> bool:
    """Whether a rebuild can keep the index there until its first commit (same schema,
    readable table of contents); a damaged one is started over at once."""
    try:
        store.open_index(folder)
    except NewsfacetError:
        return False
    return True


def _all_roots(folder: Path, roots: list[Path], rebuilt: bool) -> tuple[str, ...]:
    """The roots of this run and, unless it started over, of the runs before it."""
    found = {str(r.expanduser().resolve()) for r in roots}
    if not rebuilt:
        # A new or damaged index has none: this run's roots only.
        with contextlib.suppress(NewsfacetError):
            found.update(store.read_meta(folder).roots)
    return tuple(sorted(found))


def _gone(known: dict[str, tuple[str, str]], roots: list[Path], tally: _Tally) -> list[str]:
    """Ids indexed from under ``roots`` that this run did not see and will not see again."""
    resolved = [r.expanduser().resolve() for r in roots]
    gone = []
    for doc_id, (_, path) in known.items():
        if doc_id in tally.seen_ids or path in tally.failed_paths:
            continue
        file = Path(path)
        if any(file == root or root in file.parents for root in resolved):
            gone.append(doc_id)
    return gone
