"""Frozen result values: what a search hands out. Nothing here holds a Whoosh object."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from index import Facet, Spellings

K = TypeVar("K")
V = TypeVar("V")

class FrozenMap(Mapping[K, V]):
    """A read-only mapping that compares equal to a dict with the same items, hashes, and
    pickles: result values keep no live or unpicklable object inside."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._items: dict[K, V] = dict(items or {})

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._items,))



@dataclass(frozen=True, slots=True)
class FacetCount:
    """One facet value and the number of matching documents that carry it."""

    value: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"value", "count"}``."""
        return {"value": self.value, "count": self.count}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A "did you mean" correction: ``field`` is ``text`` for the query text, else a facet."""

    field: str
    given: str
    suggestion: str
    #: Why, when the suggestion moves a value to another facet ("no country named
    #: 'Moscow'; it is a place").
    reason: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON form ``{"field", "given", "suggestion"}``, plus ``reason`` when there is one."""
        out = {"field": self.field, "given": self.given, "suggestion": self.suggestion}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Document:
    """An indexed article with its canonical entities."""

    id: str
    title: str
    path: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    text: str = ""
    mentions: tuple[tuple[str, str, int], ...] = ()
    #: The raw spellings each facet value was written as (what ``newsfacet entities``
    #: lists as variants); read with the text, so empty on the documents of search hits.
    spellings: Spellings = field(default_factory=Spellings, compare=False, repr=False)

    def entities(self, facet: Facet) -> tuple[str, ...]:
        """The values of one facet."""
        return getattr(self, Facet(facet).value)  # type: ignore[no-any-return]

    def to_dict(self, *, text: bool = False, mentions: bool = False) -> dict[str, Any]:
        """JSON form with the keys of a search hit (less score and snippet).

        Args:
            text: also include the body text under ``text``.
            mentions: also include the raw NER mentions as ``[text, label, offset]``.
        """
        out: dict[str, Any] = {
            "id": self.id, "title": self.title, "path": self.path,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source, "url": self.url, "language": self.language,
        }
        for facet in Facet:
            out[facet.value] = list(self.entities(facet))
        if text:
            out["text"] = self.text
        if mentions:
            out["mentions"] = [list(m) for m in self.mentions]
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search hit: a document, its score and a highlighted snippet.

    ``snippet`` is HTML-escaped text with the matched terms wrapped in ``<b>…</b>``.
    ``copies`` is how many matching copies of the story a collapsed search folded into
    this hit (1 when there are none or the search was not collapsed).
    """

    document: Document
    score: float | None
    snippet: str
    rank: int
    copies: int = 1

    @property
    def id(self) -> str:
        """The document id."""
        return self.document.id

    @property
    def title(self) -> str:
        """The document title."""
        return self.document.title

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the document's keys plus ``score`` and ``snippet``."""
        out = self.document.to_dict()
        facet_values = {f.value: out.pop(f.value) for f in Facet}
        out["score"] = None if self.score is None else round(self.score, 4)
        out["snippet"] = self.snippet
        out["copies"] = self.copies
        out.update(facet_values)
        return out


FacetCounts = Mapping[str, tuple[FacetCount, ...]]


def _frozen_facets(value: FacetCounts) -> FacetCounts:
    return FrozenMap(value)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of ranked hits, the total number of matches and facet counts over all of them.

    ``dates`` is the date histogram of the matches (buckets of ``date_interval``: month or
    year, oldest first); ``suggestions`` are "did you mean" corrections, given when a word
    or a filter value matches nothing. A collapsed search counts each story once.
    ``count_errors`` is, per facet, how far a count may be under the truth when a cluster
    counts across shards (OpenSearch's ``doc_count_error_upper_bound``); empty when the
    counts are exact (a Whoosh index).
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: FacetCounts = field(default_factory=FrozenMap)
    page: int = 1
    limit: int = 10
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    dates: tuple[FacetCount, ...] = ()
    date_interval: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    sort: str = "relevance"
    collapsed: bool = False
    count_errors: Mapping[str, int] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facets", _frozen_facets(self.facets))
        object.__setattr__(self, "filters", FrozenMap(self.filters))
        object.__setattr__(self, "count_errors", FrozenMap(self.count_errors))

    @property
    def pages(self) -> int:
        """How many pages of ``limit`` hits the matches fill."""
        return max(1, math.ceil(self.total / self.limit)) if self.limit else 1

    def facet(self, facet: Facet | str) -> tuple[FacetCount, ...]:
        """The counts of one facet (empty when facets were not asked for)."""
        return self.facets.get(Facet.parse(str(getattr(facet, "value", facet))).value, ())

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI and the HTTP API."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [c.to_dict() for c in counts] for name, counts in self.facets.items()},
            "dates": {"interval": self.date_interval, "buckets": [c.to_dict() for c in self.dates]},
            "did_you_mean": [s.to_dict() for s in self.suggestions],
            "sort": self.sort,
            "collapsed": self.collapsed,
            **({"count_errors": dict(self.count_errors)} if self.count_errors else {}),
        }


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Size and content figures of an index."""

    path: str
    documents: int
    model: str | None
    earliest: dt.date | None
    latest: dt.date | None
    entities: Mapping[str, int]
    segments: int
    size_bytes: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "entities", FrozenMap(self.entities))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "path": self.path, "documents": self.documents, "model": self.model,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "distinct_entities": dict(self.entities), "segments": self.segments,
            "size_bytes": self.size_bytes,
        }
