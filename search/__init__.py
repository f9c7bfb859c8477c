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
from search.engine import DEFAULT_LIMIT, MAX_LIMIT, NewsIndex
from search.entities import DEFAULT_TOP, EntitySummary, list_entities
from search.facets import DEFAULT_FACET_SIZE
from search.query import Filters
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult

__all__ = [
    "DEFAULT_FACET_SIZE",
    "DEFAULT_LIMIT",
    "DEFAULT_TOP",
    "Document",
    "DocumentNotFoundError",
    "EntitySummary",
    "FACETS",
    "Facet",
    "FacetCount",
    "Filters",
    "Hit",
    "IndexNotFoundError",
    "IndexStats",
    "InvalidValueError",
    "MAX_LIMIT",
    "NewsIndex",
    "NewsfacetError",
    "QuerySyntaxError",
    "SearchResult",
    "UnknownFacetError",
    "list_entities",
]
