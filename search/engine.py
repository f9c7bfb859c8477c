"""The embeddable search API: open an index once, search it from any thread.

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"])
        for hit in result.hits:
            print(hit.title)
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq

from index import (
    BODY,
    DATE,
    ID,
    LANGUAGE,
    POSTING_ERRORS,
    TITLE,
    DocumentNotFoundError,
    Facet,
    StoredRecord,
    default_index_dir,
    open_index,
    read_meta,
    read_stored,
    reading_index,
)
from search.counting.collapse import collapse as collapse_mask
from search.counting.dates import DateInterval
from search.counting.facets import DEFAULT_FACET_SIZE
from search.counting.related import DEFAULT_RELATED_SIZE, RELATED_FACETS, RelatedResult, co_mentions
from search.query.arguments import SortOrder, check_range, choice, sort_order
from search.query.cost import expand_terms, time_limit
from search.query.filters import Filters, coerce_filters
from search.query.near import EntityNear
from search.query.parser import (
    make_parser,
    parse_text,
    resolve_facets,
    resolve_ids,
    with_languages,
)
from search.query.suggest import entity_suggestion, text_suggestion
from search.ranking.passages import near_passage
from search.ranking.postings import near_pairs
from search.ranking.scoring import supports, top
from search.ranking.snippets import Snippets, query_terms
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult, Suggestion
from search.select import Selection, select
from search.snapshot import Snapshot
from search.workflows.network import (
    DEFAULT_MIN_WEIGHT,
    DEFAULT_TOP_NODES,
    MAX_TOP_NODES,
    NETWORK_FACETS,
    NetworkResult,
    build_network,
)
from search.workflows.watchlist import (
    DEFAULT_CO_MENTIONS,
    DEFAULT_TOP_ARTICLES,
    WatchlistResult,
    WatchName,
    build_watchlist,
    watch_names,
)

DEFAULT_LIMIT = 10
#: Largest page a single call may ask for; pages go as deep as the matches do, and export
#: streams any number of documents.
MAX_LIMIT = 1_000
#: Key terms of an article that ``similar`` looks for in others.
SIMILAR_TERMS = 25
#: Weight of one shared entity in ``similar``, against the key terms' weights (max 1.0).
SIMILAR_ENTITY_BOOST = 0.5
#: Searches with fewer matches than this look for "did you mean" suggestions.
SUGGEST_BELOW = 20
_EXPORT_BATCH = 256


class NewsIndex:
    """A newsfacet index opened for searching.

    Opening is cheap: nothing is read until the first search. One instance can be shared
    by many threads: searches take a short lock, and the searcher and facet columns are
    reused until the index changes on disk, then reloaded once.

    Args:
        path: the index directory; ``None`` means ``$NEWSFACET_INDEX`` or ``news-index``.

    Raises:
        IndexNotFoundError: there is no index at ``path``.
        CorruptIndexError: its table of contents or newsfacet.json is damaged.
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
    def __enter__(self) -> NewsIndex:
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
        return f"NewsIndex({str(self.path)!r})"

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
            return _document(fields, text=text)

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

    # -- searching -------------------------------------------------------------------
    def search(
        self,
        text: str = "",
        *,
        filters: Filters | None = None,
        limit: int = DEFAULT_LIMIT,
        page: int = 1,
        facet_size: int = DEFAULT_FACET_SIZE,
        facets: bool = True,
        disjunctive: bool = False,
        sort: SortOrder | str | None = None,
        date_interval: DateInterval | str = DateInterval.AUTO,
        collapse: bool = False,
        timeout: float | None = None,
        **filter_keywords: Any,
    ) -> SearchResult:
        """Search the index.

        Args:
            text: a query in Whoosh syntax; empty matches every document that passes the
                filters (newest first).
            filters: a :class:`Filters` value; or give its keywords instead:
            people, organizations, places, countries: values that must all match.
            any_people, any_organizations, any_places, any_countries: values of which at
                least one must match.
            not_people, not_organizations, not_places, not_countries: values that must not.
            since, until: inclusive date bounds (``date`` or ISO text).
            limit: hits per page (1 to ``MAX_LIMIT``).
            page: page number from 1, as deep as the matches go.
            facet_size: values per facet (0 for all).
            facets: count facets and the date histogram over every match.
            disjunctive: count each facet without its own filters.
            sort: ``relevance``, ``date`` (oldest first) or ``-date`` (newest first);
                ``None`` for relevance with text, newest first without.
            date_interval: ``auto`` (month, or year over long spans), ``month`` or ``year``.
            collapse: show near-duplicate copies of one story once, with their count.
            timeout: seconds the search may run (``None``: no limit); past it, the search
                stops its work and raises ``QueryTimeoutError``.

        Raises:
            QuerySyntaxError: the text does not parse.
            QueryTooCostlyError: wildcards and ranges match too many words.
            QueryTimeoutError: the search ran past ``timeout``.
            InvalidValueError: a limit, page, sort, interval or date is out of range.
        """
        check_range("limit", limit, 1, MAX_LIMIT)
        check_range("page", page, 1, None)
        check_range("facet_size", facet_size, 0, None)
        order = sort_order(sort, text)
        interval = choice("date_interval", date_interval, DateInterval)
        chosen = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            text_query = self._text_query(snap, text)
            return self._execute(snap, text, text_query, chosen, limit=limit, page=page,
                                 facet_size=facet_size, facets=facets, disjunctive=disjunctive,
                                 order=order, interval=interval, collapse=collapse)

    def facet(self, facet: Facet | str, text: str = "", *, size: int = DEFAULT_FACET_SIZE,
              match: str | None = None, disjunctive: bool = False,
              filters: Filters | None = None, timeout: float | None = None,
              **filter_keywords: Any) -> tuple[FacetCount, ...]:
        """Counts of one facet over the documents matching ``text`` and ``filters``.

        Args:
            facet: the facet to count.
            text: a text query; empty for every document.
            size: values to return (0 for all), by count then name.
            match: only values containing this text, ignoring case and accents.
            disjunctive: count without this facet's own filters.
            filters: keyword filters as for :meth:`search`.

        Raises:
            UnknownFacetError: ``facet`` is not a facet name.
        """
        chosen = Facet.parse(str(getattr(facet, "value", facet)))
        check_range("size", size, 0, None)
        flt = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            selection = self._select(snap, text, flt)
            within = selection.required
            if disjunctive:
                mask = selection.without(chosen)
                within = tuple(e for e in within if e[0] is not chosen)
            else:
                mask = selection.final()
            return snap.facet_table(chosen, mask, int(np.count_nonzero(mask)), size,
                                    within=within, match=match)

    def related(self, text: str = "", *, facets: Iterable[Facet | str] = RELATED_FACETS,
                size: int = DEFAULT_RELATED_SIZE, filters: Filters | None = None,
                timeout: float | None = None, **filter_keywords: Any) -> RelatedResult:
        """The entities most often named in the articles matching ``text`` and ``filters``.

        Each facet lists its values by count (then name) with their lift: how many times
        more often they appear in the matches than in the whole index. The entities the
        filters name are left out.

        Example: ``news.related(people=["Sergei Shoigu"])``.

        Raises:
            UnknownFacetError: a facet name is unknown.
        """
        chosen = [Facet.parse(str(getattr(f, "value", f))) for f in facets]
        check_range("size", size, 0, None)
        flt = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            selection = self._select(snap, text, flt)
            mask = selection.final()
            total = int(np.count_nonzero(mask))
            out = {}
            for facet in chosen:
                column = snap.columns[facet]
                asked = [i for v in (*flt.values(facet), *flt.any_values(facet))
                         for i in resolve_ids(facet, v, column, snap.aliases)]
                tally = snap.tally(facet, mask, total, selection.required, size=size,
                                   excluded=len(asked))
                out[facet.value] = co_mentions(column, tally, total, snap.live_count,
                                               exclude=asked, size=size)
            return RelatedResult(text, total, out, flt.to_dict())

    def watchlist(self, names: Iterable[str | WatchName | Mapping[str, Any]], text: str = "",
                  *, co_mentions: int = DEFAULT_CO_MENTIONS,
                  top_articles: int = DEFAULT_TOP_ARTICLES, filters: Filters | None = None,
                  timeout: float | None = None, **filter_keywords: Any) -> WatchlistResult:
        """Which of ``names`` the articles matching ``text`` and ``filters`` name, and where.

        Each name is resolved like a filter value (case, accents, surnames, aliases); see
        :mod:`search.workflows.watchlist`. Per name: articles, first and last date, the
        ``co_mentions`` entities most often named with it and the ids of the
        ``top_articles`` articles naming it most; a name found nowhere gets a suggestion.

        Example: ``news.watchlist(["Shoigu", "org:NATO", "Kremlin"], countries=["Syria"])``.

        Raises:
            InvalidValueError: an empty name, too many names, or a bad option.
            UnknownFacetError: a name's facet is unknown.
            QueryTimeoutError: the call ran past ``timeout`` seconds.
        """
        entries = watch_names(names)
        check_range("co_mentions", co_mentions, 0, MAX_LIMIT)
        check_range("top_articles", top_articles, 0, MAX_LIMIT)
        flt = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            mask = self._select(snap, text, flt).final()
            rows = build_watchlist(entries, mask, columns=snap.columns, aliases=snap.aliases,
                                   ordinals=snap.dates.ordinals, has_date=snap.dates.has_date,
                                   doc_ids=snap.doc_ids(), postings=snap.postings,
                                   co_mentions=co_mentions, top_articles=top_articles)
            return WatchlistResult(text, int(np.count_nonzero(mask)), rows, flt.to_dict())

    def network(self, text: str = "", *, facets: Iterable[Facet | str] = NETWORK_FACETS,
                min_weight: int = DEFAULT_MIN_WEIGHT, top: int = DEFAULT_TOP_NODES,
                filters: Filters | None = None, timeout: float | None = None,
                **filter_keywords: Any) -> NetworkResult:
        """The co-mention network of the articles matching ``text`` and ``filters``.

        Nodes are the ``top`` entities of ``facets`` most often named in the matches; edges
        join two named in at least ``min_weight`` of the same articles, weighted by those
        articles, with their lift against chance. See :mod:`search.workflows.network`.

        Example: ``news.network("election", facets=["people"], min_weight=3).to_graph()``.

        Raises:
            UnknownFacetError: a facet name is unknown.
            InvalidValueError: ``min_weight`` or ``top`` is out of range.
            QueryTimeoutError: the call ran past ``timeout`` seconds.
        """
        chosen = tuple(dict.fromkeys(Facet.parse(str(getattr(f, "value", f))) for f in facets))
        check_range("min_weight", min_weight, 1, None)
        check_range("top", top, 2, MAX_TOP_NODES)
        flt = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            mask = self._select(snap, text, flt).final()
            nodes, edges = build_network(mask, snap.columns, chosen or NETWORK_FACETS,
                                         min_weight=min_weight, top=top)
            return NetworkResult(text, int(np.count_nonzero(mask)),
                                 tuple(f.value for f in chosen or NETWORK_FACETS), nodes, edges,
                                 flt.to_dict())

    def similar(self, doc_id: str, *, limit: int = DEFAULT_LIMIT, page: int = 1,
                facet_size: int = DEFAULT_FACET_SIZE, facets: bool = False,
                collapse: bool = False, filters: Filters | None = None,
                timeout: float | None = None, **filter_keywords: Any) -> SearchResult:
        """Articles like ``doc_id``: sharing its key terms and its entities, best first.

        The article itself is left out; so are its copies when ``collapse`` is on, which
        also shows every other story once.

        Raises:
            DocumentNotFoundError: no document has that id.
        """
        check_range("limit", limit, 1, MAX_LIMIT)
        check_range("page", page, 1, None)
        flt = _filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            docnum = self._docnum(snap, doc_id)
            fields = self._stored(snap, docnum)
            like = _like_query(snap, fields)
            excluded: int | np.ndarray = docnum
            if collapse:
                # Collapsed, the article's own copies are one story with it: leave them out.
                sigs = snap.signatures()
                excluded = np.flatnonzero(sigs == sigs[docnum])
            result = self._execute(snap, "", like, flt, limit=limit, page=page,
                                   facet_size=facet_size, facets=facets, disjunctive=False,
                                   order=SortOrder.RELEVANCE, interval=DateInterval.AUTO,
                                   collapse=collapse, exclude=excluded, label=f"similar:{doc_id}")
        return result

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
        flt = _filters(filters, filter_keywords)
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
        flt = _filters(filters, filter_keywords)
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

    # -- internals -------------------------------------------------------------------
    def _docnum(self, snap: Snapshot, doc_id: str) -> int:
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
        text_query = self._text_query(snap, text)
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

    def _execute(self, snap: Snapshot, text: str, text_query: wq.Query, filters: Filters, *,
                 limit: int, page: int, facet_size: int, facets: bool, disjunctive: bool,
                 order: SortOrder, interval: DateInterval, collapse: bool,
                 exclude: int | np.ndarray | None = None, label: str | None = None,
                 ) -> SearchResult:
        selection = select(self._mask(snap, with_languages(text_query, filters)), filters,
                           snap.columns, snap.dates, snap.aliases)
        final = selection.final()
        if exclude is not None:
            final[exclude] = False
        copies = None
        if collapse:
            final, copies = collapse_mask(final, snap.signatures())
        total = int(np.count_nonzero(final))
        hits = self._rank(snap, text_query, final, order, page, limit, copies)
        counts: dict[str, tuple[FacetCount, ...]] = {}
        histogram: tuple[FacetCount, ...] = ()
        used_interval = None
        if facets:
            for facet in Facet:
                mask, count, within = final, total, selection.required
                if disjunctive and facet in selection.facet_masks:
                    within = tuple(e for e in within if e[0] is not facet)
                    mask = selection.without(facet)
                    if exclude is not None:
                        mask[exclude] = False
                    if collapse:
                        mask, _ = collapse_mask(mask, snap.signatures())
                    count = int(np.count_nonzero(mask))
                counts[facet.value] = snap.facet_table(facet, mask, count, facet_size,
                                                       within=within)
            chosen, histogram = snap.histogram(final, total, interval)
            used_interval = chosen.value
        suggestions = self._suggest(snap, text, selection) if total < SUGGEST_BELOW else ()
        return SearchResult(label or text, total, hits, counts, page, limit, filters.to_dict(),
                            dates=histogram, date_interval=used_interval,
                            suggestions=suggestions, sort=order.value, collapsed=collapse)

    def _rank(self, snap: Snapshot, text_query: wq.Query, final: np.ndarray, order: SortOrder,
              page: int, limit: int, copies: np.ndarray | None) -> tuple[Hit, ...]:
        start = (page - 1) * limit
        docs = np.flatnonzero(final)
        if start >= len(docs):
            return ()
        scores: dict[int, float] = {}
        if order is SortOrder.RELEVANCE and not isinstance(text_query, wq.Every):
            # Only documents of ``final`` are ranked, and they already passed any phrase:
            # scoring phrases as plain words spares the slow matching of positions.
            ranking = _words_for_phrases(text_query)
            if supports(ranking, snap.searcher):
                all_scores = snap.scorer.scores(ranking, snap.size)
                page_docs = top(all_scores, docs, start, start + limit).tolist()
                scores = {d: float(all_scores[d]) for d in page_docs}
            else:
                results = snap.searcher.search(ranking, limit=start + limit,
                                               filter=set(docs.tolist()))
                ranked = [(hit.docnum, float(hit.score)) for hit in results][start:]
                page_docs = [d for d, _ in ranked]
                scores = dict(ranked)
        elif order is SortOrder.RELEVANCE:
            page_docs = snap.dates.order(docs, newest_first=True)[start:start + limit].tolist()
        else:
            page_docs = snap.dates.order(docs, newest_first=order is SortOrder.NEWEST)[
                start:start + limit].tolist()
        terms = query_terms(text_query, snap.searcher.reader(), (BODY, TITLE)) \
            if not isinstance(text_query, wq.Every) else frozenset()
        passages = _near_positions(snap, text_query, page_docs)
        hits = []
        for rank, docnum in enumerate(page_docs, start=start + 1):
            fields = self._stored(snap, docnum)
            snippet = self._snippet(fields, terms, passages.get(docnum))
            with reading_index(self.path):
                document = _document(fields, text=False)
            hits.append(Hit(document, scores.get(docnum), snippet, rank,
                            int(copies[docnum]) if copies is not None else 1))
        return tuple(hits)

    def _snippet(self, fields: dict[str, Any], terms: frozenset[str],
                 near: tuple[int, int, int] | None) -> str:
        """The hit's snippet: centred on the passage a NEAR clause matched, if any."""
        body = fields.get(BODY, "")
        if near is not None:
            found = near_passage(fields, self._ix.schema[BODY].analyzer, *near)
            if found is not None:
                return self._snippets.around(body, found.focus, terms, found.entity)
        return self._snippets.make(body, terms)

    def _suggest(self, snap: Snapshot, text: str, selection: Selection) -> tuple[Suggestion, ...]:
        out = []
        for facet, value in selection.unmatched:
            found = _other_facet(snap, facet, value) or entity_suggestion(
                facet, value, snap.columns[facet])
            if found:
                out.append(found)
        if text.strip():
            found = text_suggestion(text, snap.searcher, snap.lexicon())
            if found:
                out.append(found)
        return tuple(out)


def _near_positions(snap: Snapshot, query: wq.Query, docs: list[int]
                    ) -> dict[int, tuple[int, int, int]]:
    """Per document of ``docs`` matched by the first NEAR clause of ``query``: the entity's
    position, the words' position and how many words."""
    near = next((leaf for leaf in query.leaves() if isinstance(leaf, EntityNear)), None)
    if near is None or not docs:
        return {}
    found, entity_pos, word_pos = near_pairs(snap.postings, near)
    wanted = set(docs)
    return {int(d): (int(e), int(w), len(near.words))
            for d, e, w in zip(found.tolist(), entity_pos.tolist(), word_pos.tolist(),
                               strict=True) if d in wanted}


_KIND_NAMES = {Facet.PEOPLE: "person", Facet.ORGANIZATIONS: "organization",
               Facet.PLACES: "place", Facet.COUNTRIES: "country"}


def _other_facet(snap: Snapshot, facet: Facet, value: str) -> Suggestion | None:
    """The same value in another facet, when ``value`` names no entity of ``facet``
    (``--country Moscow``: Moscow is a place)."""
    for other in Facet:
        if other is facet:
            continue
        column = snap.columns[other]
        ids = column.lookup(value)
        if ids is not None:
            name = column.values[ids]
            kind = _KIND_NAMES[other]
            article = "an" if kind[0] in "aeiou" else "a"
            return Suggestion(other.value, value, name, f"no {_KIND_NAMES[facet]} named "
                              f"{value!r}; it is {article} {kind}")
    return None


def _words_for_phrases(query: wq.Query) -> wq.Query:
    """``query`` with each phrase, and each NEAR clause, replaced by the AND of its words."""
    if isinstance(query, EntityNear):
        return query.words_query()
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, word) for word in query.words],
                      boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(_words_for_phrases)


def _like_query(snap: Snapshot, fields: dict[str, Any]) -> wq.Query:
    """Key terms of an article's text, plus its entities, as one OR query."""
    body = f"{fields.get(TITLE, '')}\n\n{fields.get(BODY, '')}"
    key_terms = snap.searcher.key_terms_from_text(BODY, body, numterms=SIMILAR_TERMS)
    top = max((weight for _, weight in key_terms), default=1.0) or 1.0
    parts: list[wq.Query] = [wq.Term(BODY, term, boost=weight / top) for term, weight in key_terms]
    entities = StoredRecord.of(fields, mentions=False).entities
    for facet in Facet:
        for value in entities.get(facet):
            parts.append(wq.Term(facet.value, value, boost=SIMILAR_ENTITY_BOOST))
    return wq.Or(parts) if parts else wq.NullQuery


def _document(fields: dict[str, Any], *, text: bool = True) -> Document:
    record = StoredRecord.of(fields, mentions=text)
    date = fields.get(DATE)
    return Document(
        id=fields["id"], title=fields.get("title", ""), path=fields.get("path", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        source=fields.get("source"), url=fields.get("url"), language=fields.get(LANGUAGE),
        **{f.value: record.entities.get(f) for f in Facet},
        text=fields.get(BODY, "") if text else "",
        mentions=tuple((m.text, m.label, m.start) for m in record.mentions) if text else (),
    )


def _filters(filters: Filters | None, keywords: dict[str, Any]) -> Filters:
    """The filters of a call: a :class:`Filters` value or its keywords, not both."""
    return coerce_filters(filters, keywords)
