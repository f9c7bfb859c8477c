"""The embeddable search API: open an index once, search it from any thread.

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"])
        for hit in result.hits:
            print(hit.title)
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import highlight
from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from index import DocumentNotFoundError, Facet, InvalidValueError, store
from index.aliases import Aliases, read_stored
from index.schema import BODY, DATE, ID, RECORD
from search.facets import DEFAULT_FACET_SIZE, FacetColumn
from search.query import Filters, combine, filter_queries, make_parser, parse_text, resolve_facets
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult

DEFAULT_LIMIT = 10
#: Largest page a single call may ask for; export streams any number of documents.
MAX_LIMIT = 1_000
SNIPPET_CHARS = 240
_SNIPPET_FRAGMENTS = 2


class NewsIndex:
    """A newsfacet index opened for searching.

    One instance can be shared by many threads: searches take a short lock, and the
    searcher and facet columns are reused until the index changes on disk.

    Args:
        path: the index directory; ``None`` means ``$NEWSFACET_INDEX`` or ``news-index``.

    Raises:
        IndexNotFoundError: there is no index at ``path``.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else store.default_index_dir()
        self._ix = store.open_index(self.path)
        self._lock = threading.RLock()
        self._searcher: Any = None
        self._columns: dict[Facet, FacetColumn] = {}
        self._aliases = Aliases()
        self._parser = make_parser(self._ix.schema)
        self._formatter = _BoldFormatter()
        self._fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the searcher and its open files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __repr__(self) -> str:
        return f"NewsIndex({str(self.path)!r})"

    def _current(self) -> Any:
        """The searcher of the latest commit, and the facet columns that go with it."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
            self._columns = {}
        elif not self._searcher.up_to_date():
            fresh = self._searcher.refresh()
            if fresh is not self._searcher:
                self._searcher = fresh
                self._columns = {}
        if not self._columns:
            reader = self._searcher.reader()
            self._columns = {facet: FacetColumn.load(reader, facet) for facet in Facet}
            self._aliases = read_stored(self.path)
        return self._searcher

    # -- searching -------------------------------------------------------------------
    def search(
        self,
        text: str = "",
        *,
        people: Iterable[str] = (),
        organizations: Iterable[str] = (),
        places: Iterable[str] = (),
        countries: Iterable[str] = (),
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int = DEFAULT_LIMIT,
        page: int = 1,
        facet_size: int = DEFAULT_FACET_SIZE,
        facets: bool = True,
    ) -> SearchResult:
        """Search the index.

        Args:
            text: a query in Whoosh syntax; empty matches every document that passes the
                filters (newest first).
            people, organizations, places, countries: filter values; each must match.
            since, until: inclusive date bounds (``date`` or ISO text).
            limit: hits per page (1 to ``MAX_LIMIT``).
            page: page number from 1.
            facet_size: values per facet (0 for all).
            facets: count facets over every match.

        Raises:
            QuerySyntaxError: the text does not parse.
            InvalidValueError: a limit, page or date is out of range.
        """
        _check_range("limit", limit, 1, MAX_LIMIT)
        _check_range("page", page, 1, None)
        _check_range("facet_size", facet_size, 0, None)
        filters = make_filters(people, organizations, places, countries, since, until)
        with self._lock:
            searcher = self._current()
            final = self._query(text, filters)
            mask = self._mask(searcher, final)
            total = int(mask.sum())
            hits = self._rank(searcher, final, text, page, limit, total)
            counts = {facet.value: self._columns[facet].count(mask, size=facet_size)
                      for facet in Facet} if facets else {}
        return SearchResult(text, total, hits, counts, page, limit, filters.to_dict())

    def facet(self, facet: Facet | str, text: str = "", *, size: int = DEFAULT_FACET_SIZE,
              **filters: Any) -> tuple[FacetCount, ...]:
        """Counts of one facet over the documents matching ``text`` and ``filters``.

        Raises:
            UnknownFacetError: ``facet`` is not a facet name.
        """
        chosen = Facet.parse(str(getattr(facet, "value", facet)))
        _check_range("size", size, 0, None)
        flt = make_filters(**filters)
        with self._lock:
            searcher = self._current()
            mask = self._mask(searcher, self._query(text, flt))
            return self._columns[chosen].count(mask, size=size)

    def get(self, doc_id: str) -> Document:
        """The document with id ``doc_id``, text included.

        Raises:
            DocumentNotFoundError: no document has that id.
        """
        with self._lock:
            searcher = self._current()
            docnum = searcher.document_number(**{ID: doc_id})
            if docnum is None:
                raise DocumentNotFoundError(
                    f"No document with id {doc_id!r} in '{self.path}'. Find ids with: "
                    f"newsfacet search TEXT --index {self.path}")
            return _document(searcher.stored_fields(docnum))

    def export(self, text: str = "", **filters: Any) -> Iterator[Document]:
        """Every matching document, text included, in index order; streams any number."""
        flt = make_filters(**filters)
        with self._lock:
            searcher = self._current()
            docnums = np.flatnonzero(self._mask(searcher, self._query(text, flt)))
        for start in range(0, len(docnums), 256):
            with self._lock:
                searcher = self._current()
                batch = [searcher.stored_fields(int(n)) for n in docnums[start:start + 256]]
            yield from (_document(fields) for fields in batch)

    def stats(self) -> IndexStats:
        """Document count, date span, distinct entities per facet, size on disk."""
        with self._lock:
            searcher = self._current()
            reader = searcher.reader()
            raw = reader.column_reader(DATE, translate=False)
            stamps = [raw[n] for n in reader.all_doc_ids()]
            dated = [s for s in stamps if isinstance(s, int) and s > 0]  # 0: undated
            dates = [long_to_datetime(min(dated)), long_to_datetime(max(dated))] if dated else []
            entities = {}
            for facet in Facet:
                live = self._columns[facet].count(np.ones(reader.doc_count_all(), bool), size=0)
                entities[facet.value] = len(live)
            segments = len(self._ix._segments())  # noqa: SLF001 - no public accessor
            size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
            model = store.read_meta(self.path).model
            return IndexStats(str(self.path), searcher.doc_count(), model,
                              min(dates).date() if dates else None,
                              max(dates).date() if dates else None, entities, segments, size)

    # -- internals -------------------------------------------------------------------
    def _query(self, text: str, filters: Filters) -> wq.Query:
        text_query = resolve_facets(parse_text(text, self._parser), self._columns, self._aliases)
        return combine(text_query, filter_queries(filters, self._columns, self._aliases))

    def _mask(self, searcher: Any, final: wq.Query) -> np.ndarray:
        mask = np.zeros(searcher.reader().doc_count_all(), dtype=bool)
        if final is not wq.NullQuery:
            docs = np.fromiter(searcher.docs_for_query(final), dtype=np.int64)
            mask[docs] = True
        return mask

    def _rank(self, searcher: Any, final: wq.Query, text: str, page: int, limit: int,
              total: int) -> tuple[Hit, ...]:
        if final is wq.NullQuery or (page - 1) * limit >= total:
            return ()
        if text.strip():
            results = searcher.search_page(final, page, pagelen=limit)
        else:
            results = searcher.search_page(final, page, pagelen=limit, sortedby=DATE, reverse=True)
        results.results.fragmenter = self._fragmenter
        results.results.formatter = self._formatter
        hits = []
        for rank, hit in enumerate(results, start=(page - 1) * limit + 1):
            fields = hit.fields()
            snippet = hit.highlights(BODY, top=_SNIPPET_FRAGMENTS) if text.strip() else ""
            if not snippet:
                snippet = html.escape(_lead(fields.get(BODY, "")))
            score = float(hit.score) if text.strip() and hit.score is not None else None
            hits.append(Hit(_document(fields, text=False), score, snippet, rank))
        return tuple(hits)


class _BoldFormatter(highlight.Formatter):
    """HTML-escaped fragments with matched terms in plain ``<b>…</b>``."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<b>{html.escape(highlight.get_text(text, token, replace))}</b>"

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)


def _lead(body: str) -> str:
    if len(body) <= SNIPPET_CHARS:
        return body
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS] + " …"


def _document(fields: dict[str, Any], *, text: bool = True) -> Document:
    record = fields.get(RECORD) or {}
    entities = record.get("entities", {})
    date = fields.get(DATE)
    return Document(
        id=fields["id"], title=fields.get("title", ""), path=fields.get("path", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        source=fields.get("source"), url=fields.get("url"),
        **{f.value: tuple(entities.get(f.value, ())) for f in Facet},
        text=fields.get(BODY, "") if text else "",
        mentions=tuple(tuple(m) for m in record.get("mentions", ())) if text else (),
    )


def _check_range(name: str, value: int, low: int, high: int | None) -> None:
    if not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InvalidValueError(f"{name} must be a whole number {bound}, got {value!r}")


def _date(name: str, value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidValueError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


def make_filters(people: Iterable[str] = (), organizations: Iterable[str] = (),
                 places: Iterable[str] = (), countries: Iterable[str] = (),
                 since: dt.date | str | None = None, until: dt.date | str | None = None,
                 ) -> Filters:
    """Validated :class:`Filters` from keyword values.

    Raises:
        InvalidValueError: a value is not text, or a date is malformed.
    """
    def clean(name: str, values: Iterable[str]) -> tuple[str, ...]:
        if isinstance(values, str):
            values = (values,)
        out = tuple(str(v).strip() for v in values if str(v).strip())
        return out

    start, end = _date("since", since), _date("until", until)
    if start and end and start > end:
        raise InvalidValueError(f"since ({start}) is after until ({end}); swap them")
    return Filters(clean("people", people), clean("organizations", organizations),
                   clean("places", places), clean("countries", countries), start, end)
