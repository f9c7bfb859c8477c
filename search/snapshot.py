"""One generation of an index, opened for searching: the searcher and its columns.

A snapshot is built when an index is first searched and again only after a commit, so
every query reuses the same searcher, facet columns and date column. The columns are
memory-mapped from the files each commit writes beside the segments
(:mod:`index.store.columns`), so opening costs milliseconds; when they are missing or of
another generation, they are read from the postings and written for the next process.

Some facet counts are statistics of the generation, like document frequencies, and are
written with the columns: the counts over every document (the empty query), and the
co-mention counts of the most frequent values of each facet, the ones an unfiltered
search shows and a user picks first: filtering on one of them needs no counting.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh import query as wq

from index import (
    ID,
    Aliases,
    BodyTerms,
    Facet,
    SearchColumns,
    WhooshReader,
    WhooshSearcher,
    read_columns,
    write_columns,
)
from search.counting.collapse import signatures
from search.counting.dates import DateColumn, DateInterval
from search.counting.facets import FacetColumn, Tally
from search.query.suggest import Lexicon
from search.ranking.postings import Postings, query_mask
from search.ranking.scoring import Scorer
from search.results import FacetCount

#: Memory for the documents of recent text queries, so that refining a search (another
#: filter, page or sort over the same text) does not run the text query again.
MASK_CACHE_BYTES = 32 * 1024 * 1024
#: An entity (facet, entity id), or None for every document.
Subset = tuple[Facet, int] | None


class Snapshot:
    """A searcher with the facet, date and liveness columns of its generation."""

    def __init__(self, searcher: WhooshSearcher, aliases: Aliases | None = None,
                 folder: Path | None = None) -> None:
        reader = searcher.reader()
        self.searcher = searcher
        #: The index's alias table, read with this generation: filter values go through it.
        self.aliases = aliases if aliases is not None else Aliases()
        stored = self._stored = load_columns(folder, reader)
        self.size: int = stored.size
        self.columns = {facet: FacetColumn.of(facet, arrays, self.size)
                        for facet, arrays in stored.facets.items()}
        self.dates = DateColumn(stored.ordinals, stored.has_date)
        self.live = stored.live
        self.postings = Postings(reader)
        self.scorer = Scorer(searcher, self.live, self.postings)
        self.live_count = int(self.live.sum())
        self._tallies: dict[tuple[Facet, int] | None, tuple[int, dict[Facet, Tally]] | None] = {}
        self._all_histograms: dict[DateInterval, tuple[DateInterval, tuple[FacetCount, ...]]] = {}
        self._signatures: np.ndarray | None = None
        self._ids: tuple[str, ...] | None = None
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

    def precounted(self, facet: Facet, total: int, within: Iterable[tuple[Facet, int]] = (),
                   *, size: int = 0, match: str | None = None, excluded: int = 0,
                   ) -> Tally | None:
        """Precounted counts of ``facet`` over a query's ``total`` matches, if there are
        and they answer a table of ``size`` (see :meth:`Tally.answers`).

        Args:
            facet: the facet to count.
            total: how many documents matched.
            within: entities every match carries (:attr:`Selection.required`). Matches
                are a subset of the live documents carrying each, so when as many, the same.
            size, match, excluded: the table asked for.
        """
        for subset in (None, *within):
            found = self._tally(subset)
            if found is not None and found[0] == total:
                tally = found[1][facet]
                return tally if tally.answers(size, match=match, excluded=excluded) else None
        return None

    def _tally(self, subset: tuple[Facet, int] | None) -> tuple[int, dict[Facet, Tally]] | None:
        """The precounts of ``subset`` (all live documents when None), opened once."""
        if subset not in self._tallies:
            found = self._stored.precounts.get(subset)
            self._tallies[subset] = None if found is None else (
                found[0], {facet: Tally(p.ids, p.counts, p.complete)
                           for facet, p in found[1].items()})
        return self._tallies[subset]

    def facet_table(self, facet: Facet, mask: np.ndarray, total: int, size: int, *,
                    within: Iterable[tuple[Facet, int]] = (), match: str | None = None,
                    ) -> tuple[FacetCount, ...]:
        """The top ``size`` values of ``facet`` over ``mask`` (``total`` documents, each
        carrying the entities ``within``), precounted when it can be."""
        column = self.columns[facet]
        known = self.precounted(facet, total, within, size=size, match=match)
        if known is None:
            return column.count(mask, size=size, match=match)
        return column.table(known, size=size, match=match)

    def tally(self, facet: Facet, mask: np.ndarray, total: int,
              within: Iterable[tuple[Facet, int]] = (), *, size: int = 0,
              excluded: int = 0) -> Tally:
        """The counts of ``facet`` over ``mask``, as for :meth:`facet_table`: at least the
        first ``size`` values (0: all) besides ``excluded`` ones."""
        known = self.precounted(facet, total, within, size=size, excluded=excluded)
        if known is not None:
            return known
        column = self.columns[facet]
        return column.tally(column.counts(mask))

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

    def doc_ids(self) -> tuple[str, ...]:
        """The id of every document number (deleted ones too), read on first use."""
        if self._ids is None:
            ids = [""] * self.size
            # Segment by segment, as for dates: the multi-segment column reader fails on some
            # layouts.
            for leaf, offset in self.searcher.reader().leaf_readers():
                if leaf.has_column(ID):
                    column = leaf.column_reader(ID)
                    for docnum in range(leaf.doc_count_all()):
                        value = column[docnum]
                        ids[offset + docnum] = value.decode("utf-8") \
                            if isinstance(value, bytes) else str(value)
            self._ids = tuple(ids)
        return self._ids

    def lexicon(self) -> Lexicon:
        """The body terms for spelling suggestions, read on first use."""
        if self._lexicon is None:
            try:
                body = self._stored.body()
            except (OSError, ValueError):  # a damaged file: read the terms from the index
                body = BodyTerms.read(self.searcher.reader())
            self._lexicon = Lexicon(body)
        return self._lexicon

    def close(self) -> None:
        """Close the searcher."""
        self.searcher.close()


def load_columns(folder: Path | None, reader: WhooshReader) -> SearchColumns:
    """The search columns of ``reader``'s generation: memory-mapped from ``folder`` when
    written there, else read from the postings and written there if it can be (an index
    on a read-only disk is searched all the same, at the cost of reading them each time)."""
    if folder is not None:
        found = read_columns(folder, reader)
        if found is not None:
            return found
    computed = SearchColumns.compute(reader)
    if folder is not None:
        with contextlib.suppress(OSError):  # read-only or full: computed again next time
            write_columns(folder, computed)
    return computed
