"""Co-mentions: the entities most often named in the same articles as a query's matches.

``lift`` compares how often a value appears among the matches with how often it appears in
the whole index: 1.0 means "as often as anywhere", 5.0 "five times as often".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from index import Facet
from search.counting.facets import FacetColumn, Tally
from search.results import FrozenMap

#: Facets whose co-mentions ``related`` lists unless told otherwise.
RELATED_FACETS: tuple[Facet, ...] = (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.COUNTRIES)
#: Values per facet ``related`` lists unless told otherwise.
DEFAULT_RELATED_SIZE = 10


@dataclass(frozen=True, slots=True)
class CoMention:
    """A value of ``facet`` named in ``count`` matching articles, ``lift`` times its base rate."""

    facet: str
    value: str
    count: int
    lift: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"facet", "value", "count", "lift"}``."""
        return {"facet": self.facet, "value": self.value, "count": self.count,
                "lift": round(self.lift, 3)}


@dataclass(frozen=True, slots=True)
class RelatedResult:
    """Co-mentions per facet over the ``total`` articles matching ``query`` and ``filters``."""

    query: str
    total: int
    related: Mapping[str, tuple[CoMention, ...]] = field(
        default_factory=FrozenMap)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        object.__setattr__(self, "related", FrozenMap(self.related))
        object.__setattr__(self, "filters", FrozenMap(self.filters))

    def rows(self) -> list[CoMention]:
        """Every co-mention, facet by facet."""
        return [item for items in self.related.values() for item in items]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"query": self.query, "total": self.total,
                "filters": {k: list(v) for k, v in self.filters.items()},
                "related": {name: [c.to_dict() for c in items]
                            for name, items in self.related.items()}}


def co_mentions(column: FacetColumn, tally: Tally, total: int, live_docs: int, *,
                exclude: Iterable[int] = (), size: int = DEFAULT_RELATED_SIZE,
                ) -> tuple[CoMention, ...]:
    """The values of ``column`` most often found in a query's matching documents.

    Args:
        column: the facet column.
        tally: the facet's counts over the matches.
        total: how many documents matched.
        live_docs: documents in the index, for the base rate.
        exclude: entity ids not to list (the ones the query asked for).
        size: values to return; 0 for all.
    """
    if not total:
        return ()
    ids, counts = column.select(tally, size=size, exclude=exclude)
    return tuple(
        CoMention(column.facet.value, column.values[i], n,
                  float((n / total) / (column.doc_freq[i] / max(1, live_docs))))
        for i, n in zip(ids, counts, strict=True))
