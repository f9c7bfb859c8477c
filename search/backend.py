"""What the CLI, the HTTP API and the page need from a search engine, and how to open one.

Two engines answer :class:`SearchBackend`: :class:`search.NewsIndex` (a Whoosh index on
this machine) and :class:`search.opensearch.backend.OpenSearchBackend` (an index published
to an OpenSearch cluster with ``newsfacet publish``). :func:`connect` opens either from
one address::

    from search import connect
    with connect("news-index") as news: ...                              # Whoosh
    with connect("opensearch+https://search.example.org:9200/news") as news: ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from index import InvalidValueError
from search.counting.related import RelatedResult
from search.engine import NewsIndex
from search.query.filters import Filters
from search.results import Document, FacetCount, IndexStats, SearchResult

if TYPE_CHECKING:
    from search.opensearch.backend import OpenSearchBackend

#: Environment variable choosing the backend of the CLI: ``whoosh`` or ``opensearch``.
BACKEND_ENV = "NEWSFACET_BACKEND"
#: Environment variable holding the OpenSearch URL of the CLI.
URL_ENV = "NEWSFACET_URL"
#: The backends by name.
BACKENDS = ("whoosh", "opensearch")
#: Schemes of an OpenSearch address: ``opensearch+http://host:9200/ALIAS``.
SCHEMES = ("opensearch+http", "opensearch+https")


@runtime_checkable
class SearchBackend(Protocol):
    """A searchable newsfacet index, wherever it lives. Arguments, results and errors are
    those of :class:`search.NewsIndex`, whose docstrings describe them."""

    path: Any

    def search(self, text: str = "", *, filters: Filters | None = None,
               **options: Any) -> SearchResult:
        """Ranked hits, facet counts and the date histogram of a query."""
        ...

    def facet(self, facet: Any, text: str = "", *, filters: Filters | None = None,
              **options: Any) -> tuple[FacetCount, ...]:
        """Counts of one facet over a query's matches."""
        ...

    def related(self, text: str = "", *, filters: Filters | None = None,
                **options: Any) -> RelatedResult:
        """The entities most often named in a query's matches, with their lift."""
        ...

    def similar(self, doc_id: str, *, filters: Filters | None = None,
                **options: Any) -> SearchResult:
        """Articles like one article."""
        ...

    def get(self, doc_id: str) -> Document:
        """One document, text included."""
        ...

    def export(self, text: str = "", *, filters: Filters | None = None,
               **options: Any) -> Iterator[Document]:
        """Every matching document, streamed."""
        ...

    def stats(self) -> IndexStats:
        """Size and content figures."""
        ...

    def warm(self) -> None:
        """Load what the first search would, before serving."""
        ...

    def close(self) -> None:
        """Release files or connections."""
        ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: object) -> None: ...


def connect(target: str | os.PathLike[str] | None = None, *, backend: str | None = None,
            url: str | None = None) -> SearchBackend:
    """Open an index for searching: a Whoosh index directory or a published OpenSearch one.

    Args:
        target: an index directory, or ``opensearch+http(s)://HOST:PORT/ALIAS``;
            ``None`` for ``$NEWSFACET_INDEX`` (or ``news-index``) or ``url``.
        backend: ``whoosh`` or ``opensearch``; ``None`` guesses from ``target`` and ``url``.
        url: the OpenSearch URL (``http(s)://HOST:PORT/ALIAS``) of the opensearch backend.

    Raises:
        IndexNotFoundError: no Whoosh index at ``target``.
        InvalidValueError: an unknown backend, or the opensearch backend without a URL.
        BackendError: opensearch-py is not installed.
    """
    if backend is not None and backend not in BACKENDS:
        raise InvalidValueError(f"Unknown backend {backend!r}; choose one of "
                                f"{', '.join(BACKENDS)}")
    if is_opensearch(target):
        return _opensearch(str(target))
    if backend == "opensearch" or (backend is None and url):
        if not url:
            raise InvalidValueError(f"The opensearch backend needs a URL: --url "
                                    f"http://HOST:9200/ALIAS or ${URL_ENV}")
        return _opensearch(url)
    return NewsIndex(target)


def is_opensearch(target: object) -> bool:
    """Whether ``target`` is an OpenSearch address (``opensearch+http(s)://...``)."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in SCHEMES


def _opensearch(url: str) -> OpenSearchBackend:
    # Deferred: a search of a Whoosh index (the CLI's every call) never loads the
    # OpenSearch backend's modules.
    from search.opensearch.backend import OpenSearchBackend

    return OpenSearchBackend(url)

