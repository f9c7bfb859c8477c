"""Checking and converting the arguments of the search API: sort orders, ranges, dates and
filter values. Every mistake is an :class:`index.InvalidValueError` naming the argument."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from index import InvalidValueError
from search.query.dates import bound
from search.query.parser import Filters


class SortOrder(str, enum.Enum):  # noqa: UP042 - same form as Facet
    """Orders of search hits."""

    RELEVANCE = "relevance"
    DATE = "date"  # oldest first
    NEWEST = "-date"  # newest first


def sort_order(sort: SortOrder | str | None, text: str) -> SortOrder:
    """The sort order asked for, or the default: relevance with text, newest first without."""
    if sort is None:
        return SortOrder.RELEVANCE if text.strip() else SortOrder.NEWEST
    return choice("sort", sort, SortOrder)


def choice(name: str, value: Any, kind: type[enum.Enum]) -> Any:
    """``value`` as a member of ``kind``, or an error naming ``name`` and the choices."""
    try:
        return kind(getattr(value, "value", value))
    except ValueError:
        allowed = ", ".join(str(k.value) for k in kind)
        raise InvalidValueError(f"{name} must be one of {allowed}, got {value!r}") from None


def check_range(name: str, value: int, low: int, high: int | None) -> None:
    """Reject ``value`` unless it is a whole number from ``low`` to ``high``."""
    if not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InvalidValueError(f"{name} must be a whole number {bound}, got {value!r}")




def make_filters(people: Iterable[str] = (), organizations: Iterable[str] = (),
                 places: Iterable[str] = (), countries: Iterable[str] = (),
                 since: dt.date | str | None = None, until: dt.date | str | None = None,
                 any_people: Iterable[str] = (), any_organizations: Iterable[str] = (),
                 any_places: Iterable[str] = (), any_countries: Iterable[str] = (),
                 not_people: Iterable[str] = (), not_organizations: Iterable[str] = (),
                 not_places: Iterable[str] = (), not_countries: Iterable[str] = (),
                 ) -> Filters:
    """Validated :class:`Filters` from keyword values.

    Raises:
        InvalidValueError: a value is not text, or a date is malformed.
    """
    def clean(values: Iterable[str]) -> tuple[str, ...]:
        if isinstance(values, str):
            values = (values,)
        return tuple(str(v).strip() for v in values if str(v).strip())

    start, end = bound("since", since, end=False), bound("until", until, end=True)
    if start and end and start > end:
        raise InvalidValueError(f"since ({start}) is after until ({end}); swap them")
    return Filters(clean(people), clean(organizations), clean(places), clean(countries),
                   start, end,
                   clean(any_people), clean(any_organizations), clean(any_places),
                   clean(any_countries), clean(not_people), clean(not_organizations),
                   clean(not_places), clean(not_countries))
