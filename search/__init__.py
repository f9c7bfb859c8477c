"""newsfacet's search side: open an index and search it, with entity facets.

Typical use::

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"], people=["Shoigu"])
        print(result.total, [h.title for h in result.hits])
        print(result.facet("people"))

``create_app`` returns the HTTP API and search page as an ASGI app (see ``search.http``).
"""

from typing import TYPE_CHECKING, Any

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
from search.facets import DEFAULT_FACET_SIZE
from search.query import Filters
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult

if TYPE_CHECKING:
    from search.http import create_app


def __getattr__(name: str) -> Any:
    # FastAPI takes about 0.3 s to import (measured with -X importtime): load it only when
    # the HTTP app is asked for, so `newsfacet search` stays fast.
    if name == "create_app":
        from search.http import create_app

        return create_app
    raise AttributeError(f"module 'search' has no attribute {name!r}")


__all__ = [
    "DEFAULT_FACET_SIZE",
    "DEFAULT_LIMIT",
    "FACETS",
    "MAX_LIMIT",
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
    "SearchResult",
    "UnknownFacetError",
    "create_app",
]
