"""The investigation workflows as methods of NewsIndex: watchlist and network.

Each selects the matches of a text and filters like a search, then hands the snapshot's
columns to its workflow module (:mod:`search.workflows.watchlist`,
:mod:`search.workflows.network`), which does the counting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from index import Facet
from search.core import MAX_LIMIT, IndexCore
from search.query.arguments import check_range
from search.query.cost import time_limit
from search.query.filters import Filters, coerce_filters
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


class WorkflowMethods(IndexCore):
    """Watchlists and co-mention networks over a search's matches, for NewsIndex."""

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
        flt = coerce_filters(filters, filter_keywords)
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
        flt = coerce_filters(filters, filter_keywords)
        with time_limit(timeout), self._lock:
            snap = self._current()
            mask = self._select(snap, text, flt).final()
            nodes, edges = build_network(mask, snap.columns, chosen or NETWORK_FACETS,
                                         min_weight=min_weight, top=top)
            return NetworkResult(text, int(np.count_nonzero(mask)),
                                 tuple(f.value for f in chosen or NETWORK_FACETS), nodes, edges,
                                 flt.to_dict())
