"""The HTTP JSON API and the search page: a thin FastAPI layer over :class:`NewsIndex`.

Each endpoint parses and checks its parameters, makes one library call and returns the
result's ``to_dict()``, the same JSON as the CLI's ``--format json``::

    from search import create_app
    app = create_app("news-index")          # an ASGI app: run it or mount it
    # uvicorn.run(app, host="127.0.0.1", port=8765)

Endpoints: ``/api/search``, ``/api/facets/{facet}``, ``/api/related`` (co-mentions),
``/api/similar/{id}``, ``/api/documents/{id}``, ``/api/stats`` and ``/api/health``; their
parameters and limits live in :mod:`search.http.params`.

The API is read-only (GET only), answers every user mistake with a 4xx JSON error that
names the parameter, serves its OpenAPI schema at ``/openapi.json`` and interactive docs at
``/docs`` (from locally installed assets), and the search page at ``/``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from index import (
    CorruptIndexError,
    DocumentNotFoundError,
    Facet,
    InvalidValueError,
    NewsfacetError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooCostlyError,
    UnknownFacetError,
    relative_path,
)
from search.counting.facets import DEFAULT_FACET_SIZE
from search.counting.related import DEFAULT_RELATED_SIZE, RELATED_FACETS
from search.engine import DEFAULT_LIMIT, NewsIndex
from search.http.guard import Guard
from search.http.lanes import Lanes
from search.http.params import (
    DEFAULT_FACET_VALUES,
    MAX_FACET_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_VALUE_CHARS,
    ApiError,
    CollapseParam,
    DisjunctiveParam,
    Filters,
    Interval,
    TextParam,
    check_query,
    parse_facets,
    reject_unknown_parameters,
)
from search.query.arguments import SortOrder

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Seconds a search may take before the request gets a ``query_timeout`` error.
DEFAULT_QUERY_TIMEOUT = 5.0

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The page and its assets load nothing from other hosts; the browser enforces it.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_T = TypeVar("_T")


class ErrorDetail(BaseModel):
    """What went wrong: HTTP status, a stable code, the parameter at fault, one line of text."""

    status: int
    code: str
    parameter: str | None
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


#: Error answers documented in the OpenAPI schema of every endpoint.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad query or parameter (code says which)"},
    404: {"model": ErrorBody, "description": "No such document or endpoint"},
    422: {"model": ErrorBody, "description": "A parameter value is malformed or out of range"},
    503: {"model": ErrorBody, "description": "The query took too long, or the index is damaged"},
}
#: The Swagger UI files the docs page loads; nothing else of the vendor folder is served.
DOCS_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


#: Library errors -> (HTTP status, error code, parameter they are about).
_LIBRARY_ERRORS: tuple[tuple[type[NewsfacetError], int, str, str | None], ...] = (
    (QuerySyntaxError, 400, "query_syntax", "q"),
    (QueryTooCostlyError, 400, "query_too_costly", "q"),
    (QueryTimeoutError, 503, "query_timeout", None),
    (UnknownFacetError, 400, "unknown_facet", "facet"),
    (DocumentNotFoundError, 404, "not_found", "id"),
    (InvalidValueError, 422, "invalid_value", None),
    (CorruptIndexError, 503, "index_damaged", None),
    (NewsfacetError, 400, "bad_request", None),
)
_PARAMETER_LEAD = re.compile(r"^([a-z_]+)\b")


def library_error(exc: NewsfacetError, *, hidden: Sequence[tuple[str, str]] = ()) -> ApiError:
    """The HTTP error for a library error; its message already names the value and the fix.

    Args:
        exc: the library error.
        hidden: ``(text, replacement)`` pairs applied to the message, so that it names the
            index by its folder name and never by its path on the server.
    """
    message = str(exc)
    for text, replacement in hidden:
        message = message.replace(text, replacement)
    for kind, status, code, parameter in _LIBRARY_ERRORS:
        if isinstance(exc, kind):
            if parameter is None and status == 422:
                # InvalidValueError messages start with the option name ("since must be ...").
                lead = _PARAMETER_LEAD.match(message)
                parameter = lead.group(1) if lead else None
            return ApiError(status, code, message, parameter)
    raise AssertionError("unreachable: NewsfacetError is the last entry")  # pragma: no cover


# -- the app ---------------------------------------------------------------------------
def create_app(
    index: NewsIndex | str | os.PathLike[str],
    *,
    cors_origins: Sequence[str] = (),
    query_timeout: float = DEFAULT_QUERY_TIMEOUT,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The ASGI app serving ``index``: JSON API under ``/api``, page at ``/``, docs at ``/docs``.

    Args:
        index: an open :class:`NewsIndex` (the caller keeps ownership) or an index directory
            (opened now, closed when the app shuts down).
        cors_origins: origins allowed to call the API from a browser; none by default.
        query_timeout: seconds a search may take from the moment its request arrives
            (0 fails every call at once); past it the search stops its own work and the
            request gets a 503 ``query_timeout``. Searches with wildcards, ranges or fuzzy
            terms run in a lane of their own (see :mod:`search.http.lanes`).
        allowed_hosts: host names the app answers to (``Host`` header, port ignored);
            ``None`` for any. ``newsfacet serve`` on a loopback address passes
            ``LOOPBACK_HOSTS`` plus ``--allowed-host`` names, against DNS rebinding.

    Raises:
        IndexNotFoundError: ``index`` is a path with no index.

    Example::

        parent.mount("/news", create_app("news-index"))
    """
    news = index if isinstance(index, NewsIndex) else NewsIndex(index)
    owned = news is not index
    lanes = Lanes(news, timeout=query_timeout)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Before the server accepts connections (nothing else runs yet, so blocking here
        # is fine): the first request costs what later ones do.
        news.warm()
        yield
        lanes.close()
        if owned:
            news.close()

    app = FastAPI(
        title="newsfacet",
        summary="Search news articles by text and by the people, organizations, places and "
                "countries they mention.",
        version="1",
        docs_url=None, redoc_url=None, lifespan=lifespan,
        dependencies=[Depends(reject_unknown_parameters)],
    )
    app.state.news = news
    name = news.path.name or str(news.path)
    hidden = sorted({(str(news.path.resolve()), name), (str(news.path), name)},
                    key=lambda pair: -len(pair[0]))

    def shown(path: str) -> str:
        return relative_path(path, news.roots) if path else path

    def relative_hits(result: dict[str, Any]) -> dict[str, Any]:
        for hit in result.get("hits", ()):
            hit["path"] = shown(hit["path"])
        return result

    async def call(fn: Callable[..., _T], *args: Any, timed: bool = True, **kwargs: Any) -> _T:
        """Run one library call in its lane, within the time limit."""
        try:
            return await lanes.call(fn, *args, timed=timed, **kwargs)
        except TimeoutError:
            raise ApiError(503, "query_timeout", f"The query took longer than {query_timeout:g} "
                           "s; use fewer wildcards, longer prefixes or more filters") from None
        except NewsfacetError as exc:
            raise library_error(exc, hidden=hidden) from None

    _install_error_handlers(app)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins),
                           allow_methods=["GET"], allow_headers=[])

    @app.get("/api/search", tags=["search"], responses=ERROR_RESPONSES)
    async def search(
        filters: Filters,
        interval: Interval,
        q: TextParam = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Hits per page.")] =
            DEFAULT_LIMIT,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
        facet_size: Annotated[int, Query(ge=1, le=MAX_FACET_SIZE,
                                         description="Values per facet.")] = DEFAULT_FACET_SIZE,
        facets: Annotated[bool, Query(description="Count the four facets over every match.")]
            = True,
        disjunctive: DisjunctiveParam = False,
        sort: Annotated[SortOrder | None, Query(description=(
            "relevance, date (oldest first) or -date (newest first); default relevance with "
            "text, newest first without."))] = None,
        collapse: CollapseParam = False,
    ) -> dict[str, Any]:
        """Ranked hits with highlighted snippets, facet counts and a date histogram.

        The JSON of `newsfacet search --format json`: `query`, `total`, `page`, `limit`,
        `filters`, `hits` (id, title, path, date, source, url, score, snippet, copies and the
        four facets; `snippet` is HTML-escaped text with matches in `<b>`), `facets`
        (`{facet: [{value, count}]}`), `dates` (`{interval, buckets: [{value, count}]}`),
        `did_you_mean` (`[{field, given, suggestion}]`), `sort` and `collapsed`.
        """
        result = await call(lanes.index_for(q).search, check_query(q), filters=filters,
                            limit=limit, page=page, facet_size=facet_size, facets=facets,
                            disjunctive=disjunctive, sort=sort, date_interval=interval,
                            collapse=collapse)
        return relative_hits(result.to_dict())

    @app.get("/api/facets/{facet}", tags=["search"], responses=ERROR_RESPONSES)
    async def facet_values(
        facet: str,
        filters: Filters,
        q: TextParam = "",
        size: Annotated[int, Query(ge=1, le=MAX_FACET_SIZE, description="How many values.")] =
            DEFAULT_FACET_VALUES,
        match: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description=(
            "Only values containing this text, ignoring case and accents."))] = None,
        disjunctive: DisjunctiveParam = False,
    ) -> dict[str, Any]:
        """Counts of one facet (people, organizations, places, countries) over every match.

        The JSON of `newsfacet facets --format json`: `{facet, query, values: [{value, count}]}`,
        by count then name. Filtering by one entity and counting another facet lists what is
        mentioned together with it; `match` finds values to filter by.
        """
        try:
            chosen = Facet.parse(facet)
        except NewsfacetError as exc:
            raise library_error(exc, hidden=hidden) from None
        counts = await call(lanes.index_for(q).facet, chosen, check_query(q), size=size,
                            match=match, disjunctive=disjunctive, filters=filters)
        return {"facet": chosen.value, "query": q, "values": [c.to_dict() for c in counts]}

    @app.get("/api/related", tags=["search"], responses=ERROR_RESPONSES)
    async def related(
        filters: Filters,
        q: TextParam = "",
        facets: Annotated[list[str], Query(max_length=len(Facet), description=(
            "Facets to list; repeat for several. Default: people, organizations, "
            "countries."))] = [],  # noqa: B006 - a fresh list per request
        size: Annotated[int, Query(ge=1, le=MAX_FACET_SIZE, description="Values per facet.")] =
            DEFAULT_RELATED_SIZE,
    ) -> dict[str, Any]:
        """Co-mentions: the entities most often named in the articles that match.

        The JSON of `newsfacet related --format json`: `{query, total, filters, related:
        {facet: [{facet, value, count, lift}]}}`. `lift` is how many times more often the
        value appears in the matches than in the whole index. The filtered entities
        themselves are left out.
        """
        chosen = parse_facets(facets, "facets") or list(RELATED_FACETS)
        result = await call(lanes.index_for(q).related, check_query(q), facets=chosen,
                            size=size, filters=filters)
        return result.to_dict()

    @app.get("/api/documents/{doc_id:path}", tags=["documents"], responses=ERROR_RESPONSES)
    async def document(doc_id: str) -> dict[str, Any]:
        """One article by id, with its text and raw NER mentions (`newsfacet show --format json`).

        Only indexed documents are served; the id is looked up in the index, never on disk.
        """
        found = (await call(news.get, doc_id, timed=False)).to_dict(text=True, mentions=True)
        found["path"] = shown(found["path"])
        return found

    @app.get("/api/similar/{doc_id:path}", tags=["documents"], responses=ERROR_RESPONSES)
    async def similar(
        doc_id: str,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Hits per page.")] =
            DEFAULT_LIMIT,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
        collapse: CollapseParam = False,
    ) -> dict[str, Any]:
        """Articles like one article, by its key terms and shared entities, best first.

        The JSON of `newsfacet similar --format json` (a search result whose `query` is
        `similar:ID`). The article itself is left out, and so are its copies with `collapse`.
        """
        result = await call(news.similar, doc_id, limit=limit, page=page, collapse=collapse,
                            filters=filters)
        return relative_hits(result.to_dict())

    @app.get("/api/stats", tags=["index"], responses=ERROR_RESPONSES)
    async def stats() -> dict[str, Any]:
        """Document count, date span, distinct entities per facet, size on disk; `path` is
        the index folder's name."""
        found = (await call(news.stats, timed=False)).to_dict()
        found["path"] = name
        return found

    @app.get("/api/health", tags=["index"])
    async def health() -> dict[str, str]:
        """`{"status": "ok"}` while the server answers."""
        return {"status": "ok"}

    _install_page(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        parameter = location[0] if location else None
        given = first.get("input")
        message = f"{parameter}: {first.get('msg', 'invalid value')}"
        if given is not None and not isinstance(given, dict):
            message += f", got {given!r}"
        return ApiError(422, "invalid_value", message, parameter).response()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not a user mistake: answer in the API's error shape; the server logs it.
        return ApiError(500, "internal_error", f"Internal error ({type(exc).__name__}); the "
                        "server log has the details").response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        response = ApiError(exc.status_code, code, str(exc.detail)).response()
        if exc.headers:
            response.headers.update(exc.headers)
        return response


def _install_page(app: FastAPI) -> None:
    """The search page, its assets and the docs, all served from installed files."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": PAGE_CSP})

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the docs assets are a declared dependency
        return
    assets = Path(swagger_ui_path)

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> Response:
        # Only the files the page loads: not the vendor's sample page, templates or maps.
        if name not in DOCS_ASSETS:
            raise StarletteHTTPException(404, f"No docs asset {name!r}")
        return FileResponse(assets / name)

    # Relative URLs, so the docs also work when the app is mounted under a prefix.
    html = get_swagger_ui_html(openapi_url="openapi.json", title="newsfacet API",
                               swagger_js_url="docs/assets/swagger-ui-bundle.js",
                               swagger_css_url="docs/assets/swagger-ui.css",
                               swagger_favicon_url="docs/assets/favicon-32x32.png").body
    policy = docs_csp(bytes(html).decode("utf-8"))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def docs_csp(html: str) -> str:
    """The policy of the docs page: its own files, its one inline script by hash, the inline
    styles Swagger UI sets, and no framing."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")
