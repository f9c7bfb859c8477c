"""Checking and converting the arguments of the search API: sort orders, choices and ranges.

Filters are checked by :meth:`search.query.filters.Filters.build`. Every mistake is an
:class:`index.InvalidValueError` naming the argument.
"""

from __future__ import annotations

import enum
from typing import Any

from index import InvalidValueError


class SortOrder(str, enum.Enum):  # noqa: UP042 - same form as Facet
    """Orders of search hits."""

    RELEVANCE = "relevance"
    DATE = "date"  # oldest first
    NEWEST = "-date"  # newest first


def sort_order(sort: SortOrder | str | None, text: str) -> SortOrder:
    """The sort order asked for, or the default: relevance with text, newest first without."""
    if sort is None:
        return SortOrder.RELEVANCE if text.strip() else SortOrder.NEWEST
    order: SortOrder = choice("sort", sort, SortOrder)
    return order


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
