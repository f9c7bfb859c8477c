"""Index a corpus: read, skip what is unchanged, run NER, normalise, write, remove the gone.

The run streams: files are read one at a time, NER runs in ``nlp.pipe`` batches, and
Whoosh commits every :data:`DEFAULT_COMMIT_EVERY` documents, so a run that is killed
keeps everything up to its last commit and the next run picks up from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import store
from index.articles import Article, ProblemKind, ReadProblem, iter_source_files, read_source
from index.entities import DEFAULT_BATCH_SIZE, EntityExtractor, Mention
from index.normalize import normalize_mentions
from index.renormalize import AliasSource, refresh_facets, resolve_aliases
from index.schema import BODY, DATE, HASH, ID, PATH, RECORD, SOURCE, TITLE, URL, Facet

#: Documents written between two commits: bounds the work a crash can lose.
DEFAULT_COMMIT_EVERY = 500
#: Memory Whoosh's writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128


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

    @property
    def ok(self) -> bool:
        """True when no document failed."""
        return self.failed == 0

    @property
    def docs_per_second(self) -> float:
        """Documents indexed (NER run) per second of the whole run."""
        return self.indexed / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index_dir, "indexed": self.indexed, "unchanged": self.unchanged,
            "removed": self.removed, "failed": self.failed, "skipped": self.skipped,
            "seconds": round(self.seconds, 3), "docs_per_second": round(self.docs_per_second, 1),
            "model": self.model,
            "problems": [{"path": p.path, "line": p.line, "kind": p.kind.value, "reason": p.reason}
                         for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress event: documents seen so far and what became of them."""

    seen: int
    indexed: int
    unchanged: int
    failed: int


ProgressCallback = Callable[[Progress], None]


@dataclass(slots=True)
class _Tally:
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list[ReadProblem] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    failed_paths: set[str] = field(default_factory=set)

    def note(self, problem: ReadProblem) -> None:
        self.problems.append(problem)
        if problem.kind is ProblemKind.FAILED:
            self.failed += 1
            self.failed_paths.add(problem.path)
        elif problem.kind is ProblemKind.SKIPPED:
            self.skipped += 1

    def progress(self) -> Progress:
        done = self.indexed + self.unchanged + self.failed
        return Progress(done, self.indexed, self.unchanged, self.failed)


def content_hash(article: Article, model: str) -> str:
    """Fingerprint of everything that decides a document's indexed form."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (model, article.title, article.text, str(article.date or ""),
                 article.url or "", article.source or "", str(article.truncated)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def ner_text(article: Article) -> str:
    """The text NER reads: title and body, separated so the title is a sentence of its own."""
    return f"{article.title}\n\n{article.text}" if article.text else article.title


def build_index(
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rebuild: bool = False,
    commit_every: int = DEFAULT_COMMIT_EVERY,
    progress: ProgressCallback | None = None,
    aliases: AliasSource = None,
) -> IndexReport:
    """Index the articles under ``paths`` into ``index_dir``, incrementally.

    New and changed documents are (re)indexed; unchanged ones are skipped without running
    NER; documents whose file is gone from an indexed folder, or whose record is gone from
    a file read again, are removed. ``rebuild`` starts from an empty index.

    Args:
        paths: files or folders to index.
        index_dir: the index directory (created when missing).
        model: spaCy pipeline name; ``None`` for the default English one.
        workers: NER processes.
        batch_size: texts per NER batch.
        rebuild: drop everything indexed and start over.
        commit_every: documents between commits.
        progress: called after every document.
        aliases: an alias table or alias file path; ``None`` keeps the one stored in the
            index (see :mod:`index.aliases`).

    Raises:
        InputError: a path does not exist.
        ModelNotFoundError: the spaCy pipeline is not installed.
        IndexLockedError: another process is writing to this index.
        IndexWriteError: the index directory is not writable.
    """
    started = time.perf_counter()
    roots = [Path(p) for p in paths]
    sources = list(iter_source_files(roots))  # fails fast on a missing path
    folder = Path(index_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise store.write_error(folder, exc) from None
    table = resolve_aliases(folder, aliases)
    extractor = EntityExtractor(model, batch_size=batch_size, workers=workers)
    tally = _Tally()
    with store.write_lock(folder):
        ix = store.create_or_open(folder, rebuild=rebuild)
        known = _indexed_fingerprints(ix)
        writer = _Writer(ix, folder, commit_every)
        try:
            pending = _changed_articles(sources, known, extractor.model_id, tally, progress)
            for mentions, (article, digest) in extractor.extract(pending):
                tally.seen_ids.add(article.id)
                writer.add(_document(article, digest, mentions, extractor.model_id))
                tally.indexed += 1
                if progress:
                    progress(tally.progress())
            tally.removed = writer.delete(_gone(known, roots, tally))
            writer.close()
            if tally.indexed or tally.removed or aliases is not None:
                refresh_facets(ix, folder, table)  # corpus-wide votes, display forms, aliases
        except BaseException:
            writer.close()  # commit what is done: Ctrl-C keeps the work so far
            raise
        store.write_meta(folder, store.IndexMeta(store.SCHEMA_VERSION, extractor.model_id))
    return IndexReport(str(folder), tally.indexed, tally.unchanged, tally.removed, tally.failed,
                       tally.skipped, time.perf_counter() - started, tuple(tally.problems),
                       extractor.model_id)


def _changed_articles(sources: list[Any], known: dict[str, tuple[str, str]], model: str,
                      tally: _Tally, progress: ProgressCallback | None,
                      ) -> Iterator[tuple[str, tuple[Article, str]]]:
    for source in sources:
        for item in read_source(source):
            if isinstance(item, ReadProblem):
                tally.note(item)
                if progress and item.kind is ProblemKind.FAILED:
                    progress(tally.progress())
                continue
            digest = content_hash(item, model)
            if item.id in tally.seen_ids:
                tally.problems.append(ReadProblem(item.path, f"duplicate id {item.id!r}; "
                                                  "this later copy replaces the earlier one",
                                                  ProblemKind.WARNING))
            if known.get(item.id, ("", ""))[0] == digest:
                tally.seen_ids.add(item.id)
                tally.unchanged += 1
                if progress:
                    progress(tally.progress())
                continue
            tally.seen_ids.add(item.id)
            yield ner_text(item), (item, digest)


def _indexed_fingerprints(ix: Any) -> dict[str, tuple[str, str]]:
    """``{id: (hash, path)}`` of every live document, read from columns (no stored fields)."""
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader(ID)
        hashes = reader.column_reader(HASH)
        paths = reader.column_reader(PATH)
        return {_text(ids[n]): (_text(hashes[n]), _text(paths[n])) for n in reader.all_doc_ids()}


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


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


def _document(article: Article, digest: str, mentions: list[Mention], model: str
              ) -> dict[str, Any]:
    entities = normalize_mentions(mentions, ner_text(article))
    doc: dict[str, Any] = {
        ID: article.id, TITLE: article.title, BODY: article.text, PATH: article.path,
        HASH: digest,
        RECORD: {"mentions": [m.to_list() for m in mentions], "entities": entities.to_dict(),
                 "model": model, "truncated": article.truncated},
    }
    if article.date:
        doc[DATE] = dt.datetime.combine(article.date, dt.time())
    if article.source:
        doc[SOURCE] = article.source
    if article.url:
        doc[URL] = article.url
    for facet in Facet:
        values = entities.get(facet)
        if values:
            doc[facet.value] = ",".join(values)
    return doc


class _Writer:
    """A Whoosh writer that commits every ``commit_every`` documents."""

    def __init__(self, ix: Any, folder: Path, commit_every: int) -> None:
        self.ix, self.folder, self.commit_every = ix, folder, max(1, commit_every)
        self.writer: Any = None
        self.pending = 0

    def _open(self) -> Any:
        if self.writer is None:
            self.writer = self.ix.writer(limitmb=WRITER_MEMORY_MB)
        return self.writer

    def add(self, doc: dict[str, Any]) -> None:
        try:
            self._open().update_document(**doc)
        except OSError as exc:
            self.cancel()
            raise store.write_error(self.folder, exc) from None
        self.pending += 1
        if self.pending >= self.commit_every:
            self.commit()

    def delete(self, ids: list[str]) -> int:
        for doc_id in ids:
            self._open().delete_by_term(ID, doc_id)
        return len(ids)

    def commit(self) -> None:
        if self.writer is not None:
            try:
                self.writer.commit()
            except OSError as exc:
                self.cancel()
                raise store.write_error(self.folder, exc) from None
            self.writer, self.pending = None, 0

    def cancel(self) -> None:
        if self.writer is not None:
            try:
                self.writer.cancel()
            finally:
                self.writer = None

    def close(self) -> None:
        self.commit()
