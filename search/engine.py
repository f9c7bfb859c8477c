"""The embeddable search API: open an index once, search it from any thread.

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"])
        for hit in result.hits:
            print(hit.title)

:class:`NewsIndex` is assembled from one module per job: :mod:`search.core` opens the
index and keeps its snapshot, :mod:`search.pages` makes pages of ranked hits,
:mod:`search.documents` reads documents (get, export, ids, stats) and
:mod:`search.workflows.methods` runs the workflows (watchlist, network); the searches
themselves (search, facet, related, similar) are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh import query as wq

from index import BODY, TITLE, Facet, StoredRecord

# DEFAULT_LIMIT, MAX_LIMIT and SUGGEST_BELOW are re-exported (the "as" names): callers
# import them from here.
from search.core import DEFAULT_LIMIT as DEFAULT_LIMIT
from search.core import MAX_LIMIT as MAX_LIMIT
from search.counting.dates import DateInterval
from search.counting.facets import DEFAULT_FACET_SIZE
from search.counting.related import DEFAULT_RELATED_SIZE, RELATED_FACETS, RelatedResult, co_mentions
from search.documents import DocumentMethods
from search.pages import SUGGEST_BELOW as SUGGEST_BELOW
from search.pages import ResultPages
from search.query.arguments import SortOrder, check_range, choice, sort_order
from search.query.cost import time_limit
from search.query.filters import Filters, coerce_filters
from search.query.parser import resolve_ids
from search.results import FacetCount, SearchResult
from search.snapshot import Snapshot
from search.workflows.methods import WorkflowMethods

#: Key terms of an article that ``similar`` looks for in others.
SIMILAR_TERMS = 25
#: Weight of one shared entity in ``similar``, against the key terms' weights (max 1.0).
SIMILAR_ENTITY_BOOST = 0.5


class NewsIndex(ResultPages, DocumentMethods, WorkflowMethods):
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
        chosen = coerce_filters(filters, filter_keywords)
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
        flt = coerce_filters(filters, filter_keywords)
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
        flt = coerce_filters(filters, filter_keywords)
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
        flt = coerce_filters(filters, filter_keywords)
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
