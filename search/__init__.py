"""newsfacet's search side: open an index and search it, with entity facets.

Typical use::

    from search import NewsIndex
    with NewsIndex("news-index") as news:
        result = news.search("air strikes", countries=["Syria"], people=["Shoigu"])
        print(result.total, [h.title for h in result.hits])
        print(result.facet("people"))

``create_app`` returns the HTTP API and search page as an ASGI app (see ``search.http.app``).
"""

import typing as _typing

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
from search.catalog import DEFAULT_TOP, EntitySummary, list_entities
from search.counting.dates import DateInterval
from search.counting.facets import DEFAULT_FACET_SIZE
from search.counting.related import DEFAULT_RELATED_SIZE, RELATED_FACETS, CoMention, RelatedResult
from search.engine import DEFAULT_LIMIT, MAX_LIMIT, NewsIndex
from search.query.arguments import SortOrder
from search.query.filters import (
    DATE_HELP,
    DATE_KEYWORDS,
    FILTER_FIELDS,
    FILTER_KEYWORDS,
    LANGUAGE_HELP,
    LANGUAGE_KEYWORD,
    FilterField,
    Filters,
    Mode,
)
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult, Suggestion

if _typing.TYPE_CHECKING:
    import os

    from fastapi import FastAPI


def create_app(index: "NewsIndex | str | os.PathLike[str]", **options: _typing.Any) -> "FastAPI":
    """The HTTP API and search page over ``index`` as an ASGI app, to run or to mount.

    Options and errors are those of :func:`search.http.app.create_app`. FastAPI takes about
    0.3 s to import (measured with ``python -X importtime``), so it is imported here, on the
    first call, and ``import search`` (and so ``newsfacet search``) stays fast.

    Example::

        from search import create_app
        app = create_app("news-index")  # uvicorn.run(app) or parent.mount("/news", app)
    """
    from search.http import app

    return app.create_app(index, **options)


def serve_app(app: "FastAPI", *, host: str, port: int) -> None:
    """Serve an app from :func:`create_app` on ``host:port`` with uvicorn until stopped;
    clients that trickle their request headers are disconnected (see
    :mod:`search.http.guard`)."""
    from search.http import guard

    guard.run(app, host=host, port=port)


__all__ = [
    "CoMention",
    "DATE_HELP",
    "DATE_KEYWORDS",
    "DEFAULT_FACET_SIZE",
    "DEFAULT_LIMIT",
    "DEFAULT_RELATED_SIZE",
    "DEFAULT_TOP",
    "DateInterval",
    "Document",
    "DocumentNotFoundError",
    "EntitySummary",
    "FACETS",
    "FILTER_FIELDS",
    "FILTER_KEYWORDS",
    "Facet",
    "FacetCount",
    "FilterField",
    "Filters",
    "Hit",
    "IndexNotFoundError",
    "IndexStats",
    "InvalidValueError",
    "LANGUAGE_HELP",
    "LANGUAGE_KEYWORD",
    "MAX_LIMIT",
    "Mode",
    "NewsIndex",
    "NewsfacetError",
    "QuerySyntaxError",
    "RELATED_FACETS",
    "RelatedResult",
    "SearchResult",
    "SortOrder",
    "Suggestion",
    "UnknownFacetError",
    "create_app",
    "list_entities",
    "serve_app",
]
