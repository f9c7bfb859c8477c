"""Relevance scores with numpy: Whoosh's BM25F, computed for every match at once.

Whoosh scores matches one at a time in Python (about 8 ms for 5,000 matches, 60 ms for a
phrase's). For queries built of terms, AND, OR and NOT, the same BM25F sums are array
arithmetic over posting lists read in blocks. Other queries (wildcards, ranges) are
ranked by Whoosh: :func:`supports` says which is which.
"""

from __future__ import annotations

from typing import TypeGuard

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from index import WhooshBM25F, WhooshSearcher, field_lengths
from search.query import cost
from search.ranking.postings import Postings, query_mask

_BOOLEAN = (wq.And, wq.Or, wq.Not, wq.AndNot, wq.AndMaybe, wq.Require)


def supports(query: wq.Query, searcher: WhooshSearcher) -> bool:
    """Whether :class:`Scorer` ranks ``query`` as Whoosh's default weighting would."""
    weighting = searcher.weighting
    if not _plain_bm25f(weighting) or weighting._field_B:  # noqa: SLF001
        return False
    return _supported(query)


def _plain_bm25f(weighting: object) -> TypeGuard[WhooshBM25F]:
    """Whether ``weighting`` is Whoosh's BM25F itself (a subclass may score otherwise)."""
    return type(weighting) is BM25F


def _supported(query: wq.Query) -> bool:
    kind = type(query)
    if kind in (wq.Term, wq.Every) or query is wq.NullQuery:
        return True
    if kind is wq.Or and getattr(query, "minmatch", None):
        return False
    if kind in _BOOLEAN:
        return all(_supported(sub) for sub in query.children())
    return False


class Scorer:
    """BM25F scores of one searcher's documents; field lengths are read once."""

    def __init__(self, searcher: WhooshSearcher, live: np.ndarray,
                 postings: Postings | None = None) -> None:
        self._searcher = searcher
        self._live = live
        self._postings = postings or Postings(searcher.reader())
        self._lengths: dict[str, np.ndarray] = {}

    def scores(self, query: wq.Query, size: int) -> np.ndarray:
        """A score per document number (0 where ``query`` adds nothing); the query must be
        one that :func:`supports` accepts."""
        cost.check()
        kind = type(query)
        if kind is wq.Term:
            return self._term(query, size)
        if kind is wq.Every:
            # Whoosh scores "every document" with its boost alone.
            return self._live[:size] * float(query.boost)
        if query is wq.NullQuery:
            return np.zeros(size)
        if kind in (wq.And, wq.Or):
            total = np.zeros(size)
            for sub in query.subqueries:
                total += self.scores(sub, size)
            return total * query.boost if query.boost != 1 else total
        if kind is wq.Not:
            # Whoosh scores a NOT 1.0 (times its boost) where it matches.
            inside = query_mask(query.query, self._searcher, self._live, self._postings)
            return (~inside) * float(query.boost)
        if kind in (wq.AndNot, wq.Require):
            return self.scores(query.a, size)
        if kind is wq.AndMaybe:
            summed: np.ndarray = self.scores(query.a, size) + self.scores(query.b, size)
            return summed
        raise TypeError(f"cannot score {query!r}")

    def _term(self, term: wq.Term, size: int) -> np.ndarray:
        searcher, field = self._searcher, term.fieldname
        out = np.zeros(size)
        docs, weights = self._postings.get(field, term.text)
        if not len(docs):
            return out
        weighting = searcher.weighting
        if not searcher.schema[field].scorable:
            out[docs] = weights
        elif not _plain_bm25f(weighting):
            raise TypeError(f"cannot score with {weighting!r}; check supports() first")
        else:
            idf = searcher.idf(field, term.text)
            avgfl = searcher.avg_field_length(field) or 1
            lengths = self._field_lengths(field)[docs]
            b, k1 = weighting.B, weighting.K1
            out[docs] = idf * ((weights * (k1 + 1)) /
                               (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        return out * term.boost if term.boost != 1 else out

    def _field_lengths(self, field: str) -> np.ndarray:
        if field not in self._lengths:
            self._lengths[field] = field_lengths(self._searcher.reader(), field)
        return self._lengths[field]


def top(scores: np.ndarray, docs: np.ndarray, start: int, stop: int) -> np.ndarray:
    """``docs`` ranked by descending score, ties in index order, from ``start`` to ``stop``."""
    if stop < len(docs):
        # Keep every document scoring at least the stop-th best, so ties stay ordered.
        cutoff = np.partition(scores[docs], len(docs) - stop)[len(docs) - stop]
        docs = docs[scores[docs] >= cutoff]
    ranked = docs[np.lexsort((docs, -scores[docs]))]
    return ranked[start:stop]
