"""The HTTP endpoints of the investigation workflows: watchlists, networks, saved searches.

``POST /api/watchlist`` (the API's only POST: a list of names does not fit a URL) takes
its names as a JSON body of at most :data:`MAX_BODY_BYTES` and its query and filters as
query parameters, like every other endpoint. ``/api/network`` answers JSON or a graph file;
``/api/saved`` lists the saved searches and ``/api/saved/{name}`` runs one without
marking anything as seen (the API stays read-only).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search.engine import NewsIndex
from search.http.params import (
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    ApiError,
    Filters,
    TextParam,
    check_query,
    parse_facets,
)
from search.workflows.network import DEFAULT_MIN_WEIGHT, DEFAULT_TOP_NODES, NETWORK_FACETS
from search.workflows.saved import DEFAULT_SHOW_LIMIT, SavedSearches
from search.workflows.watchlist import DEFAULT_CO_MENTIONS, DEFAULT_TOP_ARTICLES

#: Largest request body, in bytes (about 3,000 names with aliases).
MAX_BODY_BYTES = 256 * 1024
#: Most names one watchlist request may hold.
MAX_WATCH_NAMES = 2_000
#: Most nodes one network request may ask for.
MAX_HTTP_NODES = 500
_GRAPH_TYPES = {"gexf": "application/gexf+xml", "graphml": "application/graphml+xml",
                "csv": "text/csv; charset=utf-8"}

Call = Callable[..., Awaitable[Any]]


class WatchEntry(BaseModel):
    """A name with its facet and other spellings."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_VALUE_CHARS)
    facet: str | None = Field(default=None, max_length=20)
    aliases: list[Annotated[str, Field(max_length=MAX_VALUE_CHARS)]] = Field(
        default=[], max_length=MAX_FILTER_VALUES)


class WatchlistBody(BaseModel):
    """The names to look for: text (``"Shoigu"``, ``"org:NATO"``) or entries."""

    model_config = ConfigDict(extra="forbid")
    names: list[Annotated[str, Field(min_length=1, max_length=MAX_VALUE_CHARS)] | WatchEntry] \
        = Field(min_length=1, max_length=MAX_WATCH_NAMES)


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes gets a 413 error, unread."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = ApiError(413, "body_too_large", f"The request body is over {self.limit:,} "
                         f"bytes; send at most {MAX_WATCH_NAMES:,} names per request",
                         "body")
        await error.response()(scope, receive, send)


class _TooLarge(Exception):
    """A body grew past the limit while it was read."""


def install_workflows(app: FastAPI, news: NewsIndex, call: Call,
                      responses: dict[int | str, dict[str, Any]],
                      index_for: Callable[[str], NewsIndex]) -> None:
    """Add the workflow endpoints to ``app``: ``call`` runs a library call in its lane
    (passing it a ``timeout`` unless ``timed=False``), ``index_for(q)`` picks the index a
    query text runs on."""

    @app.post("/api/watchlist", tags=["workflows"], responses=responses)
    async def watchlist(
        body: WatchlistBody,
        filters: Filters,
        q: TextParam = "",
        co_mentions: Annotated[int, Query(ge=0, le=20, description=(
            "Co-mentioned entities per name."))] = DEFAULT_CO_MENTIONS,
        top_articles: Annotated[int, Query(ge=0, le=100, description=(
            "Article ids per name, those naming it most first."))] = DEFAULT_TOP_ARTICLES,
    ) -> dict[str, Any]:
        """Which of a list of names the articles matching `q` and the filters name.

        Body: `{"names": ["Shoigu", "org:NATO", {"name": "...", "facet": "person",
        "aliases": ["..."]}]}` (at most 256 KB). The JSON of `newsfacet watchlist --format
        json`: `{query, total, filters, names, found, rows: [{name, facet, found, matched,
        articles, first_date, last_date, co_mentioned, top_ids, suggestion}]}`.
        """
        names = [n if isinstance(n, str) else n.model_dump() for n in body.names]
        result = await call(index_for(q).watchlist, names, check_query(q), co_mentions=co_mentions,
                            top_articles=top_articles, filters=filters)
        return result.to_dict()  # type: ignore[no-any-return]

    @app.get("/api/network", tags=["workflows"], responses=responses, response_model=None)
    async def network(
        filters: Filters,
        q: TextParam = "",
        facets: Annotated[list[str], Query(max_length=4, description=(
            "Facets whose values are nodes; repeat for several. Default: people, "
            "organizations."))] = [],  # noqa: B006 - a fresh list per request
        min_weight: Annotated[int, Query(ge=1, description="Fewest shared articles for an "
                                                           "edge.")] = DEFAULT_MIN_WEIGHT,
        top: Annotated[int, Query(ge=2, le=MAX_HTTP_NODES, description="Most nodes.")] =
            DEFAULT_TOP_NODES,
        format: Annotated[str, Query(pattern="^(json|gexf|graphml|csv)$", description=(
            "json, or a file: gexf, graphml (Gephi) or csv (edges)."))] = "json",
    ) -> dict[str, Any] | Response:
        """The co-mention network of the matching articles (`newsfacet network`).

        JSON: `{query, total, facets, filters, nodes: [{id, facet, value, articles}],
        edges: [{source, target, weight, lift}]}`; `weight` is the articles naming both,
        `lift` how many times more often than chance.
        """
        chosen = parse_facets(facets, "facets") or list(NETWORK_FACETS)
        result = await call(index_for(q).network, check_query(q), facets=chosen,
                            min_weight=min_weight, top=top, filters=filters)
        if format == "json":
            return result.to_dict()  # type: ignore[no-any-return]
        return Response(result.write(format), media_type=_GRAPH_TYPES[format],
                        headers={"Content-Disposition":
                                 f'attachment; filename="network.{format}"'})

    @app.get("/api/saved", tags=["workflows"], responses=responses)
    async def saved_list() -> dict[str, Any]:
        """The saved searches of the index (`newsfacet saved list --format json`)."""
        found = await call(SavedSearches(news).list, timed=False)
        return {"saved": [s.to_dict() for s in found]}

    @app.get("/api/saved/{name}", tags=["workflows"], responses=responses)
    async def saved_show(
        name: str,
        new: Annotated[bool, Query(description="Only the matches not seen when it was last "
                                               "shown from the command line.")] = False,
        limit: Annotated[int, Query(ge=0, le=100, description="Articles to list.")] =
            DEFAULT_SHOW_LIMIT,
    ) -> dict[str, Any]:
        """One saved search run now: `{name, query, filters, created, shown, total, new,
        documents}`. Read-only: nothing is marked as seen."""
        result = await call(SavedSearches(news).show, name, new=new, limit=limit, mark=False,
                            timed=False)
        return result.to_dict()  # type: ignore[no-any-return]
