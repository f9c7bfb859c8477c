"""The OpenSearch client: made on demand, its errors turned into :class:`BackendError`.

``opensearch-py`` is an optional dependency (``pip install 'newsfacet[opensearch]'``) and
takes a while to import, so it is imported on first use only: ``newsfacet search`` on a
Whoosh index never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from index import BackendError, InvalidValueError, QueryTimeoutError

#: Seconds a request may take before the client retries it.
REQUEST_TIMEOUT = 30
#: Times a failed or timed-out request is retried.
MAX_RETRIES = 3
T = TypeVar("T")


def split_url(url: str) -> tuple[str, str | None]:
    """``(cluster URL, alias or None)`` of ``http://host:9200/ALIAS`` or
    ``opensearch+http://host:9200/ALIAS``.

    Raises:
        InvalidValueError: the URL has no http(s) scheme or host.
    """
    raw = url.strip()
    scheme, _, rest = raw.partition("://")
    scheme = scheme.lower().removeprefix("opensearch+")
    parts = urlsplit(f"{scheme}://{rest}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidValueError(f"OpenSearch URL {url!r} must look like http://HOST:9200 or "
                                "opensearch+https://HOST:9200/ALIAS")
    alias = parts.path.strip("/") or None
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")), alias


def make_client(url: str) -> Any:
    """An ``OpenSearch`` client for ``url`` that retries timeouts and dropped connections.

    Raises:
        BackendError: opensearch-py is not installed.
    """
    try:
        from opensearchpy import OpenSearch  # optional and slow: the OpenSearch backend only
    except ImportError:
        raise BackendError("The OpenSearch backend needs opensearch-py: "
                           "pip install 'newsfacet[opensearch]'") from None
    return OpenSearch(hosts=[url], timeout=REQUEST_TIMEOUT, max_retries=MAX_RETRIES,
                      retry_on_timeout=True)


@contextmanager
def cluster_errors(url: str, alias: str) -> Iterator[None]:
    """Turn the client's errors into one-line :class:`BackendError` messages."""
    from opensearchpy import exceptions  # loaded with the client already

    try:
        yield
    except exceptions.NotFoundError:
        raise BackendError(f"Nothing published as {alias!r} at {url}. Publish an index "
                           f"first: newsfacet publish INDEX --opensearch {url} --alias "
                           f"{alias}") from None
    except exceptions.ConnectionTimeout:
        raise QueryTimeoutError(f"OpenSearch at {url} did not answer on {alias!r} within "
                                f"{REQUEST_TIMEOUT:g} s, {MAX_RETRIES} times; the cluster is "
                                "overloaded or the query too costly: narrow it or try "
                                "again") from None
    except exceptions.ConnectionError as exc:
        raise BackendError(f"Cannot reach OpenSearch at {url} ({type(exc).__name__}); check "
                           "the URL and that the cluster is up") from None
    except exceptions.TransportError as exc:
        raise BackendError(f"OpenSearch at {url} refused a request on {alias!r}: "
                           f"{exc.status_code} {_reason(exc)}") from None
    except exceptions.OpenSearchException as exc:
        raise BackendError(f"OpenSearch at {url} failed on {alias!r}: {exc}") from None


def call(url: str, alias: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` with the client's errors as :class:`BackendError`."""
    with cluster_errors(url, alias):
        return function(*args, **kwargs)


def _reason(exc: Any) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            return f"{error.get('type')}: {error.get('reason')}"
    return str(getattr(exc, "error", exc))
