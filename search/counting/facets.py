"""Fast facet counts over every matching document.

Whoosh's ``groupedby`` with overlapping facets costs a second or more per query on a
20k-article index. Instead, each facet's postings are read once per index generation into
two aligned numpy arrays, (document number, entity id), and a query's counts are one
``bincount`` over the pairs whose document matched.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from index import Facet, FacetArrays, WhooshReader, name_key, sorted_unique, table_order
from search.results import FacetCount

#: Facet values returned per facet when not asked otherwise.
DEFAULT_FACET_SIZE = 10
#: Below one match in this many documents, counts gather the matches' pairs directly
#: (measured faster up to about half the documents on the 22,250-article benchmark).
_SPARSE_RATIO = 2


@dataclass(frozen=True, slots=True)
class Tally:
    """One facet's counts over one set of documents: the values counted at least once,
    in table order (count descending, then name), and their counts; ``complete`` is False
    when only the first of them are kept."""

    ids: np.ndarray
    counts: np.ndarray
    complete: bool = True

    def answers(self, size: int, *, match: str | None = None, excluded: int = 0) -> bool:
        """Whether the kept values suffice for a table of ``size`` (0: all), filtered by
        ``match`` or leaving out ``excluded`` values."""
        if self.complete:
            return True
        return match is None and size > 0 and size + excluded <= len(self.ids)


@dataclass(frozen=True, slots=True)
class FacetColumn:
    """One facet of one index generation: its vocabulary and document -> entity pairs.

    Spelling variants that share a :func:`name_key` (case, accents) are one entity, shown
    in their most frequent spelling. The arrays come from :mod:`index.store.columns`,
    memory-mapped from the files written with the index's last commit.
    """

    facet: Facet
    values: tuple[str, ...]  # display name per entity id
    terms: tuple[tuple[str, ...], ...]  # indexed terms per entity id
    keys: tuple[str, ...]  # name_key per entity id, sorted
    pair_docs: np.ndarray
    pair_ids: np.ndarray
    doc_freq: np.ndarray  # documents per entity id
    _by_id: np.ndarray  # pair_docs grouped by entity id (offsets in _starts)
    _starts: np.ndarray
    _doc_starts: np.ndarray  # offset of each document's first pair (pairs are by document)
    name_rank: np.ndarray  # position of each entity id in case-folded name order
    _groups: dict[Callable[[str], str | None], dict[str, tuple[int, ...]]] = \
        field(default_factory=dict)  # made by grouped() on first use
    _words: dict[str, tuple[int, ...]] = field(default_factory=dict)  # see word_ids

    @classmethod
    def load(cls, reader: WhooshReader, facet: Facet) -> FacetColumn:
        """Read ``facet``'s postings from a Whoosh reader."""
        return cls.of(facet, FacetArrays.read(reader, facet), reader.doc_count_all())

    @classmethod
    def of(cls, facet: Facet, arrays: FacetArrays, size: int) -> FacetColumn:
        """The column of ``arrays`` in an index of ``size`` document numbers."""
        doc_starts = np.searchsorted(arrays.docs, np.arange(size + 1)).astype(np.int64)
        return cls(facet, arrays.values, arrays.terms, arrays.keys, arrays.docs, arrays.ids,
                   arrays.doc_freq, arrays.by_id, arrays.starts, doc_starts, arrays.name_rank)

    @property
    def word_ids(self) -> dict[str, tuple[int, ...]]:
        """Each word of a key -> the entity ids using it; made on first use."""
        if not self._words and self.keys:
            words: dict[str, list[int]] = {}
            for entity, key in enumerate(self.keys):
                for word in set(key.split()):
                    words.setdefault(word, []).append(entity)
            self._words.update({word: tuple(found) for word, found in words.items()})
        return self._words

    def docs_of(self, entity_ids: Iterable[int]) -> np.ndarray:
        """Document numbers carrying any of the given entities."""
        parts = [self._by_id[self._starts[e]:self._starts[e + 1]] for e in entity_ids]
        if not parts:
            return np.zeros(0, dtype=np.int32)
        return parts[0] if len(parts) == 1 else sorted_unique(np.concatenate(parts))

    def ids_in(self, docs: np.ndarray) -> np.ndarray:
        """The entity id of every (document, entity) pair of ``docs`` (document numbers)."""
        starts = self._doc_starts[docs]
        lengths = self._doc_starts[docs + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return self.pair_ids[offsets + np.arange(int(lengths.sum()))]

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Documents where ``mask`` per entity id."""
        if not len(self.pair_docs):
            return np.zeros(len(self.values), dtype=np.int64)
        docs = np.flatnonzero(mask)
        if len(docs) * _SPARSE_RATIO < len(mask):
            # Few matches: gather just their pairs instead of testing every pair.
            return np.bincount(self.ids_in(docs), minlength=len(self.values))
        return np.bincount(self.pair_ids[mask[self.pair_docs]], minlength=len(self.values))

    def matching(self, text: str) -> np.ndarray:
        """Entity ids whose name contains ``text``, ignoring case and accents."""
        needle = name_key(text)
        return np.array([i for i, key in enumerate(self.keys) if needle in key], dtype=np.int64)

    def count(self, mask: np.ndarray, *, size: int = DEFAULT_FACET_SIZE,
              match: str | None = None) -> tuple[FacetCount, ...]:
        """Top ``size`` values by document count then name, over documents where ``mask``.

        Args:
            mask: one boolean per document number.
            size: values to return; 0 for all.
            match: keep only values containing this text (case- and accent-insensitive).
        """
        counts = self.counts(mask)
        if match is not None:
            matching = self.matching(match)
            kept = np.zeros_like(counts)
            kept[matching] = counts[matching]
            counts = kept
        return self.table(self.tally(counts, size), size=size)

    def tally(self, counts: np.ndarray, limit: int = 0) -> Tally:
        """The values counted in ``counts`` (as from :meth:`counts`), in table order: all,
        or the first ``limit``."""
        ids, complete = table_order(counts, self.name_rank, limit)
        return Tally(ids, counts[ids].astype(np.int32), complete)

    def table(self, tally: Tally, *, size: int = DEFAULT_FACET_SIZE, match: str | None = None,
              exclude: Iterable[int] = ()) -> tuple[FacetCount, ...]:
        """The first ``size`` values of ``tally`` (0 for all); ``match`` and ``exclude``
        as for :meth:`count` and :meth:`select`."""
        ids, counts = self.select(tally, size=size, match=match, exclude=exclude)
        return tuple(FacetCount(self.values[i], n) for i, n in zip(ids, counts, strict=True))

    def select(self, tally: Tally, *, size: int = DEFAULT_FACET_SIZE, match: str | None = None,
               exclude: Iterable[int] = ()) -> tuple[list[int], list[int]]:
        """Entity ids and counts of the first ``size`` values of ``tally`` (0 for all).

        Args:
            tally: the counts, in table order.
            size: values to return; 0 for all.
            match: keep only values containing this text (case- and accent-insensitive).
            exclude: entity ids to leave out.
        """
        ids, counts = tally.ids, tally.counts
        drop = list(exclude)
        if match is not None or drop:
            keep = np.ones(len(ids), dtype=bool)
            if match is not None:
                keep &= np.isin(ids, self.matching(match))
            if drop:
                keep &= ~np.isin(ids, drop)
            ids, counts = ids[keep], counts[keep]
        if size:
            ids, counts = ids[:size], counts[:size]
        return ids.tolist(), counts.tolist()

    def lookup(self, value: str) -> int | None:
        """The entity id whose key equals ``value``'s key."""
        key = name_key(value)
        at = bisect.bisect_left(self.keys, key)
        return at if at < len(self.keys) and self.keys[at] == key else None

    def find_runs(self, value: str) -> list[int]:
        """Entity ids whose words contain ``value``'s words as a run (a surname, a first name)."""
        words = tuple(name_key(value).split())
        if not words:
            return []
        n = len(words)
        # Only the entities using the value's rarest word can hold the run.
        rarest = min(words, key=lambda word: len(self.word_ids.get(word, ())))
        found = []
        for entity in self.word_ids.get(rarest, ()):
            parts = tuple(name_key(self.values[entity]).split())
            if len(parts) > n and any(parts[i:i + n] == words for i in range(len(parts) - n + 1)):
                found.append(entity)
        return sorted(found)

    def grouped(self, key: Callable[[str], str | None]) -> dict[str, tuple[int, ...]]:
        """Entity ids by ``key`` of their name (None leaves a value out); made once per
        key function, on first use."""
        found = self._groups.get(key)
        if found is None:
            groups: dict[str, list[int]] = {}
            for entity, name in enumerate(self.values):
                group = key(name)
                if group is not None:
                    groups.setdefault(group, []).append(entity)
            found = self._groups[key] = {group: tuple(ids) for group, ids in groups.items()}
        return found

    def terms_of(self, entity_ids: Iterable[int]) -> list[str]:
        """Every indexed spelling of the given entities."""
        return [term for entity in entity_ids for term in self.terms[entity]]
