"""newsfacet's search side: open an index and search it, with entity facets.

Typical use::

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"], people=["Shoigu"])
        print(result.total, [h.title for h in result.hits])
        print(result.facet("people"))
"""

from index import (
    FACETS,
    DocumentNotFoundError,
    Facet,
    IndexNotFoundError,
    InvalidValueError,
    NewsfacetError,
    QuerySyntaxError,
    UnknownFacetError,
)
from search.dates import DateInterval
from search.engine import DEFAULT_LIMIT, MAX_LIMIT, NewsIndex, SortOrder
from search.facets import DEFAULT_FACET_SIZE
from search.query import Filters
from search.related import DEFAULT_RELATED_SIZE, RELATED_FACETS, CoMention, RelatedResult
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult, Suggestion

__all__ = [
    "DEFAULT_FACET_SIZE",
    "DEFAULT_LIMIT",
    "DEFAULT_RELATED_SIZE",
    "FACETS",
    "MAX_LIMIT",
    "RELATED_FACETS",
    "CoMention",
    "DateInterval",
    "Document",
    "DocumentNotFoundError",
    "Facet",
    "FacetCount",
    "Filters",
    "Hit",
    "IndexNotFoundError",
    "IndexStats",
    "InvalidValueError",
    "NewsIndex",
    "NewsfacetError",
    "QuerySyntaxError",
    "RelatedResult",
    "SearchResult",
    "SortOrder",
    "Suggestion",
    "UnknownFacetError",
]
