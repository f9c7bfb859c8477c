"""The query parameters of the HTTP API: their limits, their checks and the error they raise.

Every endpoint of :mod:`search.http.app` takes its filters from :func:`entity_filters`, so the
same names work everywhere: ``people=`` (every value must match), ``any_people=`` (one of
them), ``not_people=`` (none of them), the same for the other facets, and ``since``/``until``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from index import FACETS, Facet, NewsfacetError
from search.counting.dates import DateInterval

#: Largest page of hits one request may ask for.
MAX_PAGE_SIZE = 100
#: Deepest page one request may ask for: ranking cost grows with page x limit.
MAX_PAGE = 500
#: Longest query text, in characters.
MAX_QUERY_CHARS = 500
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

_WHAT = {"people": "person", "organizations": "organization", "places": "place",
         "countries": "country (name, alias or ISO code)"}
_HOW = {"": ("Only articles naming this {what}.", "every value must match"),
        "any_": ("Only articles naming at least one of these: {what}.", "one must match"),
        "not_": ("No articles naming this {what}.", "none may match")}
#: Every filter parameter, e.g. ``people``, ``any_people``, ``not_people``.
FILTER_NAMES: tuple[str, ...] = tuple(prefix + f.value for prefix in _HOW for f in FACETS)


def _values(name: str) -> Any:
    head, sep, facet = name.rpartition("_")
    lead, how = _HOW[head + sep]
    return Query(max_length=MAX_FILTER_VALUES, description=lead.format(what=_WHAT[facet])
                 + f" Repeat the parameter for several values; {how}.")


_List = list[str]


def entity_filters(
    people: Annotated[_List, _values("people")] = [],  # noqa: B006
    organizations: Annotated[_List, _values("organizations")] = [],  # noqa: B006
    places: Annotated[_List, _values("places")] = [],  # noqa: B006
    countries: Annotated[_List, _values("countries")] = [],  # noqa: B006
    any_people: Annotated[_List, _values("any_people")] = [],  # noqa: B006
    any_organizations: Annotated[_List, _values("any_organizations")] = [],  # noqa: B006
    any_places: Annotated[_List, _values("any_places")] = [],  # noqa: B006
    any_countries: Annotated[_List, _values("any_countries")] = [],  # noqa: B006
    not_people: Annotated[_List, _values("not_people")] = [],  # noqa: B006
    not_organizations: Annotated[_List, _values("not_organizations")] = [],  # noqa: B006
    not_places: Annotated[_List, _values("not_places")] = [],  # noqa: B006
    not_countries: Annotated[_List, _values("not_countries")] = [],  # noqa: B006
    since: Annotated[str | None, Query(description=(
        "Dated on or after: 2019, 2019-06, 2019-06-30, '30 June 2019', yesterday, 7d, 3m, "
        "1y; a partial date counts from its first day."))] = None,
    until: Annotated[str | None, Query(description=(
        "Dated on or before (same forms); a partial date counts to its last day."))] = None,
) -> dict[str, Any]:
    """The filter keywords of :meth:`NewsIndex.search`, checked.

    (FastAPI builds a fresh list per request, so the ``[]`` defaults are never shared.)
    """
    given = dict(locals())
    chosen: dict[str, Any] = {}
    for name in FILTER_NAMES:
        for value in given[name]:
            if len(value) > MAX_VALUE_CHARS:
                raise ApiError(422, "invalid_value", f"{name} values are at most "
                               f"{MAX_VALUE_CHARS} characters, got {len(value)}", name)
        chosen[name] = tuple(given[name])
    return {**chosen, "since": since, "until": until}


Filters = Annotated[dict[str, Any], Depends(entity_filters)]


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
