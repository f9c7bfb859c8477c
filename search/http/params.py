"""The query parameters of the HTTP API: their limits, their checks and the error they raise.

Every endpoint of :mod:`search.http.app` takes its filters from :func:`entity_filters`, so the
same names work everywhere: ``people=`` (every value must match), ``any_people=`` (one of
them), ``not_people=`` (none of them), the same for the other facets, and ``since``/``until``.
"""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from index import Facet, NewsfacetError
from search.counting.dates import DateInterval
from search.query.filters import (
    DATE_HELP,
    DATE_KEYWORDS,
    FILTER_FIELDS,
    FILTER_KEYWORDS,
    LANGUAGE_HELP,
    LANGUAGE_KEYWORD,
)
from search.query.filters import Filters as LibraryFilters
from search.query.parser import MAX_QUERY_CHARS

#: Largest page of hits one request may ask for.
MAX_PAGE_SIZE = 100
#: Deepest page one request may ask for: ranking cost grows with page x limit.
MAX_PAGE = 500
#: Most terms with a wildcard (``*`` or ``?``) in one query; each one expands to many terms.
MAX_WILDCARD_TERMS = 3
#: Most values of one filter parameter, and the longest value.
MAX_FILTER_VALUES = 20
MAX_VALUE_CHARS = 200
#: Most values per facet in one answer.
MAX_FACET_SIZE = 200
DEFAULT_FACET_VALUES = 20
_WILDCARD_TERM = re.compile(r"[^\s\"()]*[*?][^\s\"()]*")


class ApiError(Exception):
    """A 4xx answer: an error code, the parameter at fault and a one-line message."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter

    def response(self) -> JSONResponse:
        """The JSON body ``{"error": {"status", "code", "parameter", "message"}}``."""
        body = {"status": self.status, "code": self.code, "parameter": self.parameter,
                "message": self.message}
        return JSONResponse({"error": body}, status_code=self.status)


def check_query(q: str) -> str:
    """Reject a query whose wildcards would expand to too many terms.

    Raises:
        ApiError: more than ``MAX_WILDCARD_TERMS`` terms hold a wildcard.
    """
    wild = _WILDCARD_TERM.findall(q)
    if len(wild) > MAX_WILDCARD_TERMS:
        raise ApiError(400, "query_too_costly",
                       f"Query has {len(wild)} wildcard terms ({', '.join(wild)}); the limit is "
                       f"{MAX_WILDCARD_TERMS}. Spell some words out", "q")
    return q


def parse_facets(names: list[str], parameter: str) -> list[Facet]:
    """Facets from their names (plural or singular), in the order given, without repeats.

    Raises:
        ApiError: a name is not a facet; the error names ``parameter``.
    """
    chosen: list[Facet] = []
    for name in names:
        try:
            facet = Facet.parse(name)
        except NewsfacetError as exc:
            raise ApiError(400, "unknown_facet", str(exc), parameter) from None
        if facet not in chosen:
            chosen.append(facet)
    return chosen


# -- parameters ------------------------------------------------------------------------
TextParam = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description=(
    "Query in Whoosh syntax: words, \"phrases\", AND/OR/NOT, +/-, wildcards, "
    "person:/org:/place:/country: fields. Empty matches every document."))]
DisjunctiveParam = Annotated[bool, Query(description=(
    "Count each facet without its own filters, so its other values stay visible as "
    "alternatives to the chosen ones."))]
CollapseParam = Annotated[bool, Query(description=(
    "Show near-duplicate copies of one story once; each hit's `copies` says how many."))]
IntervalParam = Annotated[DateInterval | None, Query(description=(
    "Date histogram buckets: auto (month, or year over more than three years), month or "
    "year."))]

#: Every entity filter parameter, e.g. ``people``, ``any_people``, ``not_people``.
FILTER_NAMES: tuple[str, ...] = tuple(f.keyword for f in FILTER_FIELDS)


def _filters(**given: Any) -> LibraryFilters:
    for name in FILTER_NAMES:
        for value in given[name] or ():
            if len(value) > MAX_VALUE_CHARS:
                raise ApiError(422, "invalid_value", f"{name} values are at most "
                               f"{MAX_VALUE_CHARS} characters, got {len(value)}", name)
    try:
        return LibraryFilters.build(**given)
    except NewsfacetError as exc:
        about = next((k for k in FILTER_KEYWORDS if str(exc).startswith(k)), None)
        raise ApiError(422, "invalid_value", str(exc), about) from None


def _parameter(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                             annotation=annotation)


# FastAPI reads a dependency's parameters from its signature; this one's comes from the
# filter table, so every filter of the library is a parameter, with the same help.
_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_parameter(f.keyword, Annotated[list[str] | None, Query(
        max_length=MAX_FILTER_VALUES,
        description=f"{f.help.rstrip('.').replace('; repeatable', '')}. Repeat the parameter "
                    "for several values.")]) for f in FILTER_FIELDS]
    + [_parameter(name, Annotated[str | None, Query(max_length=MAX_VALUE_CHARS,
                                                     description=DATE_HELP[name])])
       for name in DATE_KEYWORDS]
    + [_parameter(LANGUAGE_KEYWORD, Annotated[list[str] | None, Query(
        max_length=MAX_FILTER_VALUES, description=f"{LANGUAGE_HELP.split(';')[0]}. Repeat the "
        "parameter for several languages.")])],
    return_annotation=LibraryFilters)
entity_filters = _filters

Filters = Annotated[LibraryFilters, Depends(entity_filters)]


def date_interval(
    date_interval: IntervalParam = None,
    interval: Annotated[DateInterval | None, Query(description="Same as `date_interval`.")] =
        None,
) -> DateInterval:
    """The histogram interval, from ``date_interval`` or its short form ``interval``.

    Raises:
        ApiError: both are given with different values.
    """
    if date_interval and interval and date_interval is not interval:
        raise ApiError(422, "invalid_value", f"interval ({interval.value}) contradicts "
                       f"date_interval ({date_interval.value}); give one of them", "interval")
    return date_interval or interval or DateInterval.AUTO


Interval = Annotated[DateInterval, Depends(date_interval)]


def _query_names(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def reject_unknown_parameters(request: Request) -> None:
    """A misspelt parameter is an error, not a silently ignored filter."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not str(getattr(route, "path", "")).startswith("/api/"):
        return  # the page and the docs take any query string: the page keeps its state there
    known = _query_names(dependant)
    for name in request.query_params:
        if name not in known:
            raise ApiError(400, "unknown_parameter", f"Unknown parameter {name!r}; this "
                           f"endpoint takes: {', '.join(sorted(known)) or 'none'}", name)
