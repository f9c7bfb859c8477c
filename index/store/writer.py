"""Write index documents in batches: commits, merges, replacing by id, atomic steps.

Whoosh writes each commit atomically, so a process that dies keeps the last commit. A
``KeyboardInterrupt`` is held while a document or a commit is being written, so neither
is ever half done.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh.reading import SegmentReader
from whoosh.writing import CLEAR, NO_MERGE

from index.ingest.records import Article
from index.ner.cache import NerCache
from index.ner.pipeline import Mention
from index.store import folder as store
from index.store.record import StoredRecord
from index.store.schema import (
    BODY,
    DATE,
    HASH,
    ID,
    LANGUAGE,
    PATH,
    RECORD,
    SOURCE,
    TITLE,
    URL,
)
from index.store.whoosh_types import WhooshIndex, WhooshWriter

#: Documents written between two commits: bounds the work a crash can lose.
DEFAULT_COMMIT_EVERY = 500
#: Memory Whoosh's writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128
#: Whoosh merges small segments at every commit. The last commit of a run also merges
#: everything into one segment when this run wrote at least this share of the index's
#: documents. A full merge costs about as much as writing the index again, so a run that
#: adds a few documents to a big index does not pay it; a fresh build does, and ends with
#: one segment. (Whoosh's MultiReader.column_reader also mis-reads a column that some
#: segments lack, such as dates in a segment of undated articles: one segment avoids that
#: too.)
FULL_MERGE_SHARE = 0.1
#: When more than this many segments are left, the last commit merges the small ones...
MAX_FINAL_SEGMENTS = 10
#: ... those holding less than this share of the documents, into one. The big segments
#: stay as they are: merging them made an update of 10 articles to a 20,000-article index
#: that happened to leave 11 segments take 127 s instead of 6.
SMALL_SEGMENT_SHARE = 0.05


def document_fields(article: Article, digest: str, mentions: Sequence[Mention], model: str
                    ) -> dict[str, Any]:
    """The index document of an article with its NER mentions.

    The document has no facets yet: the corpus pass that ends every run that writes one
    derives them from the whole corpus and writes the document again (a run stopped
    before it leaves the ``facets.stale`` marker, and the next run does the pass), so
    deriving them here from the article alone would be work thrown away.
    """
    doc: dict[str, Any] = {
        ID: article.id, TITLE: article.title, BODY: article.text, PATH: article.path,
        HASH: digest,
        RECORD: StoredRecord(tuple(mentions), model=model, truncated=article.truncated).to_dict(),
    }
    if article.date:
        doc[DATE] = dt.datetime.combine(article.date, dt.time())
    if article.source:
        doc[SOURCE] = article.source
    if article.url:
        doc[URL] = article.url
    if article.language:
        doc[LANGUAGE] = article.language
    return doc


class BatchWriter:
    """A Whoosh writer that commits every ``commit_every`` documents.

    Each commit lets Whoosh merge small segments; the last one merges everything into a
    single segment after a run that wrote much of the index (:data:`FULL_MERGE_SHARE`) or
    left more than :data:`MAX_FINAL_SEGMENTS`, so searches of a finished index read few
    segments. The NER cache is flushed with each commit. With
    ``clear_first`` (a rebuild), the first commit drops every older document, so until
    then searches, and a run killed before it, still have the old index.

    With ``text_later``, titles and bodies are stored but not indexed: for a run that ends
    with the full corpus pass, which writes every document again with its facets, indexing
    their words twice would be half of the run's own work thrown away. Until that pass (or,
    if the run is stopped, the next run's) the articles are listed but not found by text.
    """

    def __init__(self, ix: WhooshIndex, folder: Path, commit_every: int, cache: NerCache | None,
                 *, clear_first: bool = False, text_later: bool = False) -> None:
        self.ix, self.folder, self.commit_every = ix, folder, max(1, commit_every)
        self.cache = cache
        self.clear_first = clear_first
        self.text_later = text_later
        self.writer: WhooshWriter | None = None
        self.pending: set[str] = set()
        self.written: set[str] = set()
        self.marked = False  # whether the index is marked as awaiting its corpus pass

    def _open(self) -> WhooshWriter:
        if self.writer is None:
            try:
                self.writer = self.ix.writer(limitmb=WRITER_MEMORY_MB)
            except OSError as exc:
                raise store.write_error(self.folder, exc) from None
        return self.writer

    def _mark(self) -> None:
        """Before the first change: the corpus pass is owed until it has run."""
        if not self.marked:
            try:
                store.mark_facets_stale(self.folder)
            except OSError as exc:
                raise store.write_error(self.folder, exc) from None
            self.marked = True

    def add(self, doc: dict[str, Any], replaces: bool) -> None:
        doc_id = doc[ID]
        self._mark()
        if doc_id in self.pending:
            self.commit()  # Whoosh replaces committed documents only
        if self.text_later:
            doc = _stored_only(doc, (TITLE, BODY))
        try:
            if replaces or doc_id in self.written:
                self._open().update_document(**doc)
            else:
                self._open().add_document(**doc)
        except OSError as exc:
            self.cancel()
            raise store.write_error(self.folder, exc) from None
        self.pending.add(doc_id)
        self.written.add(doc_id)
        if len(self.pending) >= self.commit_every:
            self.commit()

    def delete(self, ids: list[str]) -> int:
        if ids:
            self._mark()
        for doc_id in ids:
            self._open().delete_by_term(ID, doc_id)
        return len(ids)

    def commit(self, optimize: bool = False, mergetype: Any = None) -> None:
        if self.writer is not None:
            try:
                with uninterrupted():
                    if self.clear_first:  # a rebuild: the old documents go with this commit
                        self.writer.commit(mergetype=CLEAR)
                    elif mergetype is not None:
                        self.writer.commit(mergetype=mergetype)
                    else:
                        self.writer.commit(optimize=optimize)
                self.clear_first = False
            except OSError as exc:
                self.cancel()
                raise store.write_error(self.folder, exc) from None
            self.writer = None
            self.pending.clear()
        if self.cache is not None:
            self.cache.flush()

    def cancel(self) -> None:
        """Drop what is not committed; best effort, as it runs after a write failed."""
        if self.writer is not None:
            try:
                self.writer.cancel()
            except OSError:
                pass  # the files it could not write are not in any commit either
            finally:
                self.writer = None

    def close(self, final: bool, *, merge: bool = True) -> None:
        """Commit what is written; at the ``final`` close, also :meth:`merge` unless told not
        to (the caller then merges after its own last writes, so this commit leaves the
        segments as they are: Whoosh's merge of small segments at every commit would be
        done again by the caller's)."""
        if final and self.clear_first:
            self._open()  # a rebuild that wrote nothing still empties the index
        self.commit(mergetype=NO_MERGE if final and not merge else None)
        if final and merge:
            self.merge()

    def merge(self) -> None:
        """Merge every segment into one when the run wrote much of the index; else merge
        the small segments into one when many are left."""
        with self.ix.reader() as reader:
            segments, total = len(reader.leaf_readers()), reader.doc_count()
        if segments > 1 and len(self.written) >= FULL_MERGE_SHARE * total:
            self._open()
            self.commit(optimize=True)
        elif segments > MAX_FINAL_SEGMENTS:
            self._open()
            self.commit(mergetype=merge_small_segments)


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh merge policy: the segments holding less than
    :data:`SMALL_SEGMENT_SHARE` of the documents become one; the others are kept."""
    total = sum(segment.doc_count_all() for segment in segments)
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_SHARE * total]
    if len(small) < 2:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [s for s in segments if s not in small]


def _stored_only(doc: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``doc`` with the fields ``names`` stored as they are but indexed empty (Whoosh's
    ``_stored_<name>`` values)."""
    out = dict(doc)
    for name in names:
        if out.get(name):
            out[f"_stored_{name}"] = out[name]
            out[name] = ""
    return out


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and a SIGTERM mapped to it) until the block is done.

    A ``KeyboardInterrupt`` in the middle of ``add_document`` would leave half a document
    in the writer's buffers, and the commit that follows would write it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = [s for s in (signal.SIGINT, signal.SIGTERM)
            if signal.getsignal(s) is signal.default_int_handler]
    previous = {s: signal.signal(s, lambda number, _: caught.append(number)) for s in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if caught:
        raise KeyboardInterrupt
