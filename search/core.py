"""An index opened for searching: its snapshot, its stored documents, what a query selects.

:class:`IndexCore` is what every part of :class:`search.NewsIndex` shares: the open Whoosh
index, the lock, the :class:`~search.snapshot.Snapshot` of the latest commit (reopened once
after each commit), reading stored documents and turning a text and filters into the
documents they select. The methods users call are added by the modules that build on it:
:mod:`search.engine` (search, facets, related, similar), :mod:`search.pages` (a page of
hits), :mod:`search.documents` (get, export, ids, stats) and
:mod:`search.workflows.methods` (watchlist, network).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any, Self

import numpy as np
from whoosh import query as wq

from index import (
    BODY,
    DATE,
    ID,
    LANGUAGE,
    POSTING_ERRORS,
    DocumentNotFoundError,
    StoredRecord,
    default_index_dir,
    open_index,
    read_meta,
    read_stored,
    reading_index,
)
from search.query.cost import expand_terms
from search.query.filters import Filters
from search.query.parser import make_parser, parse_text, resolve_facets, with_languages
from search.ranking.snippets import Snippets
from search.results import Document
from search.select import Selection, select
from search.snapshot import Snapshot

DEFAULT_LIMIT = 10
#: Largest page a single call may ask for; pages go as deep as the matches do, and export
#: streams any number of documents.
MAX_LIMIT = 1_000


class IndexCore:
    """An index opened for searching, shared by the methods of :class:`search.NewsIndex`.

    Opening is cheap: nothing is read until the first search. Calls take a short lock; the
    searcher and facet columns are reused until the index changes on disk, then reloaded
    once.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_index_dir()
        self._ix = open_index(self.path)
        #: The folders and files the index was built from (see ``IndexMeta.roots``).
        self.roots: tuple[str, ...] = read_meta(self.path).roots
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._parser = make_parser(self._ix.schema)
        self._snippets = Snippets(self._ix.schema[BODY].analyzer)

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the searcher and its open files."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def _current(self) -> Snapshot:
        """The snapshot of the latest commit (call with the lock held)."""
        with reading_index(self.path):
            if self._snapshot is None:
                self._snapshot = Snapshot(self._ix.searcher(), read_stored(self.path), self.path)
            elif not self._snapshot.searcher.up_to_date():
                # A new searcher, not ``refresh()``: refresh reuses the reader of a segment
                # that only had deletions, and so keeps showing the deleted documents.
                self._snapshot.close()
                self._snapshot = None
                self._snapshot = Snapshot(self._ix.searcher(), read_stored(self.path), self.path)
                self.roots = read_meta(self.path).roots
        return self._snapshot

    def warm(self) -> None:
        """Open the latest generation and everything its searches read on first use (facet
        and date columns, spelling lexicon, story signatures), so that no request pays it.
        ``serve`` calls this before it accepts connections."""
        with self._lock:
            snap = self._current()
            with reading_index(self.path):
                snap.lexicon()
                snap.signatures()

    def _stored(self, snap: Snapshot, docnum: int) -> dict[str, Any]:
        """The stored fields of one document, checked to be what newsfacet stores."""
        with reading_index(self.path):
            fields = snap.searcher.stored_fields(docnum)
            if not isinstance(fields, dict) or not isinstance(fields.get(ID), str):
                raise ValueError(f"document {docnum} has no stored id")
            return fields

    def _read(self, snap: Snapshot, docnum: int, *, text: bool = True) -> Document:
        """One stored document as a :class:`Document`."""
        fields = self._stored(snap, docnum)
        with reading_index(self.path):
            return stored_document(fields, text=text)

    def check(self) -> None:
        """Read the whole index once: its table of contents, every segment and column,
        every stored document and the term dictionary.

        ``newsfacet serve`` runs it before listening, so a damaged index is an error at
        start, not a server answering errors forever. Reads every document, so it takes
        about as long as an export without text.

        Raises:
            CorruptIndexError: a file is truncated, damaged or holds what an index never does.
        """
        with self._lock:
            snap = self._current()
            for docnum in np.flatnonzero(snap.live).tolist():
                self._read(snap, docnum)
            with reading_index(self.path):
                for _ in snap.searcher.reader().all_terms():
                    pass

    # -- documents and selections ----------------------------------------------------
    def _docnum(self, snap: Snapshot, doc_id: str) -> int:
        """The document number of ``doc_id``; a path given for an id gets a hint."""
        docnum = snap.searcher.document_number(**{ID: doc_id})
        if docnum is None:
            # A path given for an id: ids are paths relative to the folder that was indexed.
            parts = doc_id.replace("\\", "/").strip("/").split("/")
            for start in range(1, len(parts)):
                tail = "/".join(parts[start:])
                if snap.searcher.document_number(**{ID: tail}) is not None:
                    raise DocumentNotFoundError(
                        f"No document with id {doc_id!r} in '{self.path}'; ids are paths "
                        f"relative to the indexed folder: use {tail!r}")
            raise DocumentNotFoundError(
                f"No document with id {doc_id!r} in '{self.path}'. Find ids with: "
                f"newsfacet search TEXT --index {self.path}")
        return int(docnum)

    def _select(self, snap: Snapshot, text: str, filters: Filters) -> Selection:
        """The documents ``text`` and ``filters`` select."""
        return self._select_query(snap, self._text_query(snap, text), filters)

    def _select_query(self, snap: Snapshot, text_query: wq.Query, filters: Filters
                      ) -> Selection:
        """The documents a parsed text query and ``filters`` select."""
        return select(self._mask(snap, with_languages(text_query, filters)), filters,
                      snap.columns, snap.dates, snap.aliases)

    def _text_query(self, snap: Snapshot, text: str) -> wq.Query:
        """The text parsed, facet values resolved, wildcards and ranges expanded to words."""
        query = resolve_facets(parse_text(text, self._parser), snap.columns, snap.aliases)
        return expand_terms(query, snap.searcher.reader())

    def _mask(self, snap: Snapshot, text_query: wq.Query) -> np.ndarray:
        """The documents the text query matches; a damaged posting list is an error."""
        with reading_index(self.path, POSTING_ERRORS):
            return snap.mask(text_query)


def stored_document(fields: dict[str, Any], *, text: bool = True) -> Document:
    """A stored document's fields as a :class:`Document`; without its text, mentions and
    spellings unless ``text``."""
    record = StoredRecord.of(fields, mentions=text, spellings=text)
    entities = record.entities
    date = fields.get(DATE)
    return Document(
        id=fields["id"], title=fields.get("title", ""), path=fields.get("path", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        source=fields.get("source"), url=fields.get("url"), language=fields.get(LANGUAGE),
        people=entities.people, organizations=entities.organizations,
        places=entities.places, countries=entities.countries,
        text=fields.get(BODY, "") if text else "",
        mentions=tuple((m.text, m.label, m.start) for m in record.mentions) if text else (),
        spellings=entities.spellings,
    )

