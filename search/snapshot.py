"""One generation of an index, opened for searching: the searcher and its columns.

A snapshot is built when an index is first searched and again only after a commit, so
every query reuses the same searcher, facet columns and date column.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh import query as wq

from index import Facet
from index.aliases import Aliases
from index.schema import DATE
from search.collapse import signatures
from search.dates import DateColumn, DateInterval
from search.facets import FacetColumn
from search.postings import Postings, query_mask
from search.results import FacetCount
from search.scoring import Scorer
from search.suggest import Lexicon

#: Memory for the documents of recent text queries, so that refining a search (another
#: filter, page or sort over the same text) does not run the text query again.
MASK_CACHE_BYTES = 32 * 1024 * 1024
#: Facet tables over every document kept per generation (one per facet and size asked).
_MAX_ALL_TABLES = 64


class Snapshot:
    """A searcher with the facet, date and liveness columns of its generation."""

    def __init__(self, searcher: Any, aliases: Aliases | None = None) -> None:
        reader = searcher.reader()
        self.searcher = searcher
        #: The index's alias table, read with this generation: filter values go through it.
        self.aliases = aliases if aliases is not None else Aliases()
        self.size: int = reader.doc_count_all()
        self.columns = {facet: FacetColumn.load(reader, facet) for facet in Facet}
        self.dates = DateColumn.load(reader, DATE)
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live.flags.writeable = False
        # Counts over every document are a statistic of the generation, like document
        # frequencies: the empty query and its pages use them as they are.
        self._all_counts = {facet: column.counts(self.live)
                            for facet, column in self.columns.items()}
        self.postings = Postings(reader)
        self.scorer = Scorer(searcher, self.live, self.postings)
        self.live_count = int(self.live.sum())
        self._all_tables: dict[tuple[Facet, int], tuple[FacetCount, ...]] = {}
        self._all_histograms: dict[DateInterval, tuple[DateInterval, tuple[FacetCount, ...]]] = {}
        self._signatures: np.ndarray | None = None
        self._lexicon: Lexicon | None = None
        self._masks: OrderedDict[str, np.ndarray] = OrderedDict()
        self._max_masks = max(4, MASK_CACHE_BYTES // max(1, self.size))

    def mask(self, query: wq.Query) -> np.ndarray:
        """The live documents matching ``query``; read-only, shared by later calls."""
        if isinstance(query, wq.Every):
            return self.live
        key = repr(query)
        cached = self._masks.get(key)
        if cached is not None:
            self._masks.move_to_end(key)
            return cached
        mask = query_mask(query, self.searcher, self.live, self.postings)
        mask.flags.writeable = False
        self._masks[key] = mask
        if len(self._masks) > self._max_masks:
            self._masks.popitem(last=False)
        return mask

    def facet_table(self, facet: Facet, mask: np.ndarray, total: int, size: int
                    ) -> tuple[FacetCount, ...]:
        """The top ``size`` values of ``facet`` over ``mask`` (``total`` documents).

        Over every document the table is, like the counts, a statistic of the generation:
        it is computed once per size.
        """
        column = self.columns[facet]
        if total != self.live_count:
            return column.count(mask, size=size, counts=column.counts(mask))
        key = (facet, size)
        table = self._all_tables.get(key)
        if table is None:
            table = column.count(self.live, size=size, counts=self._all_counts[facet])
            if len(self._all_tables) >= _MAX_ALL_TABLES:
                self._all_tables.clear()
            self._all_tables[key] = table
        return table

    def histogram(self, mask: np.ndarray, total: int, interval: DateInterval
                  ) -> tuple[DateInterval, tuple[FacetCount, ...]]:
        """The date histogram of ``mask``; over every document, computed once per interval."""
        if total != self.live_count:
            return self.dates.histogram(mask, interval)
        found = self._all_histograms.get(interval)
        if found is None:
            found = self._all_histograms[interval] = self.dates.histogram(self.live, interval)
        return found

    def forget_queries(self) -> None:
        """Drop the cached query results (benchmarks measure cold queries with this)."""
        self._masks.clear()
        self.postings.clear()

    def signatures(self) -> np.ndarray:
        """Story signatures of every document, computed on first use."""
        if self._signatures is None:
            self._signatures = signatures(self.searcher.reader())
        return self._signatures

    def lexicon(self) -> Lexicon:
        """The body terms for spelling suggestions, read on first use."""
        if self._lexicon is None:
            self._lexicon = Lexicon(self.searcher.reader())
        return self._lexicon

    def close(self) -> None:
        """Close the searcher."""
        self.searcher.close()
