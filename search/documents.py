"""Documents by id and in bulk: get, export, ids, and the index's statistics.

:class:`DocumentMethods` reads the stored documents of the snapshot being searched;
export streams them in batches and takes the lock per batch, so searches run between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np

from index import Facet, read_meta
from search.core import IndexCore
from search.counting.collapse import collapse as collapse_mask
from search.query.arguments import SortOrder, sort_order
from search.query.filters import Filters, coerce_filters
from search.results import Document, IndexStats

_EXPORT_BATCH = 256


class DocumentMethods(IndexCore):
    """Document lookup, export and statistics, for NewsIndex."""

    def get(self, doc_id: str) -> Document:
        """The document with id ``doc_id``, text included.

        Raises:
            DocumentNotFoundError: no document has that id.
        """
        with self._lock:
            snap = self._current()
            return self._read(snap, self._docnum(snap, doc_id))

    def export(self, text: str = "", *, sort: SortOrder | str | None = None,
               collapse: bool = False, filters: Filters | None = None,
               **filter_keywords: Any) -> Iterator[Document]:
        """Every matching document, text included; streams any number.

        Args:
            text: a text query; empty for every document.
            sort: ``None`` for index order, else as for :meth:`search` (``relevance`` ranks
                the whole match set first).
            collapse: one document per story.
            filters: keyword filters as for :meth:`search`.
        """
        flt = coerce_filters(filters, filter_keywords)
        order = None if sort is None else sort_order(sort, text)
        with self._lock:
            snap = self._current()
            selection = self._select(snap, text, flt)
            mask = selection.final()
            if collapse:
                mask, _ = collapse_mask(mask, snap.signatures())
            docnums = np.flatnonzero(mask)
            if order is SortOrder.RELEVANCE and text.strip():
                query = self._text_query(snap, text)
                results = snap.searcher.search(query, limit=None, filter=set(docnums.tolist()))
                docnums = np.array([hit.docnum for hit in results], dtype=np.int64)
            elif order is not None and order is not SortOrder.RELEVANCE:
                docnums = snap.dates.order(docnums, newest_first=order is SortOrder.NEWEST)
        for start in range(0, len(docnums), _EXPORT_BATCH):
            with self._lock:
                snap = self._current()
                batch = [self._read(snap, int(n)) for n in docnums[start:start + _EXPORT_BATCH]]
            yield from batch

    def ids(self, text: str = "", *, limit: int | None = None, filters: Filters | None = None,
            **filter_keywords: Any) -> tuple[str, ...]:
        """Ids of the documents matching ``text`` and ``filters``, newest first (ties in
        index order); the first ``limit`` of them, or all.

        Raises:
            QuerySyntaxError: the text does not parse.
            InvalidValueError: a filter value is malformed.
        """
        flt = coerce_filters(filters, filter_keywords)
        with self._lock:
            snap = self._current()
            docnums = np.flatnonzero(self._select(snap, text, flt).final())
            ordered = snap.dates.order(docnums, newest_first=True)
            if limit is not None:
                ordered = ordered[:limit]
            ids = snap.doc_ids()
            return tuple(ids[int(d)] for d in ordered)

    def stats(self) -> IndexStats:
        """Document count, date span, distinct entities per facet, size on disk."""
        with self._lock:
            snap = self._current()
            dated = snap.dates.ordinals[snap.live & snap.dates.has_date]
            entities = {facet.value: len(snap.tally(facet, snap.live, snap.live_count).ids)
                        for facet in Facet}
            segments = len(snap.searcher.reader().segments() or ())
            size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
            return IndexStats(str(self.path), snap.live_count, read_meta(self.path).model,
                              dt.date.fromordinal(int(dated.min())) if len(dated) else None,
                              dt.date.fromordinal(int(dated.max())) if len(dated) else None,
                              entities, segments, size)
