"""One generation of an index, opened for searching: the searcher and its columns.

A snapshot is built when an index is first searched and again only after a commit, so
every query reuses the same searcher, facet columns and date column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from index import Facet
from index.schema import DATE
from search.collapse import signatures
from search.dates import DateColumn
from search.facets import FacetColumn


class Snapshot:
    """A searcher with the facet, date and liveness columns of its generation."""

    def __init__(self, searcher: Any) -> None:
        reader = searcher.reader()
        self.searcher = searcher
        self.size: int = reader.doc_count_all()
        self.columns = {facet: FacetColumn.load(reader, facet) for facet in Facet}
        self.dates = DateColumn.load(reader, DATE)
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live_count = int(self.live.sum())
        self._signatures: np.ndarray | None = None

    def mask(self, query: wq.Query) -> np.ndarray:
        """The live documents matching ``query``."""
        if isinstance(query, wq.Every):
            return self.live.copy()
        mask = np.zeros(self.size, dtype=bool)
        if query is not wq.NullQuery:
            docs = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
            mask[docs] = True
        return mask

    def signatures(self) -> np.ndarray:
        """Story signatures of every document, computed on first use."""
        if self._signatures is None:
            self._signatures = signatures(self.searcher.reader())
        return self._signatures

    def close(self) -> None:
        """Close the searcher."""
        self.searcher.close()
