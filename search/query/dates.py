"""Dates as people write them, the same in ``date:``, ``--since``/``--until``, Python and HTTP.

Every form is a span of days:

- ``2019`` is the whole year, ``2019-06`` (or ``June 2019``) the whole month,
  ``2019-06-30`` (or ``30 June 2019``, ``June 30, 2019``) one day;
- ``today``, ``yesterday``, and ``7d``, ``2w``, ``3m``, ``1y`` (that long before today) are
  one day each; ``date:7d`` alone means from then until today.

``since`` takes the start of its span and ``until`` the end, so
``since=2019-06, until=2019-06`` is all of June 2019. Times of day are refused: an article
has a date, not a time.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from index import InvalidValueError

#: Earliest and latest years a date may name.
MIN_YEAR, MAX_YEAR = 1, 9999
FORMS = "2019, 2019-06, 2019-06-30, \"30 June 2019\", yesterday, 7d, 3m or 1y"
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RELATIVE = re.compile(r"^(\d{1,4})\s*([dwmy])$", re.IGNORECASE)
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_TIME = re.compile(r"\d[:h]\d|T\d|\b(am|pm)\b", re.IGNORECASE)
# Two defaults that differ in every field: what the text did not give differs in the two
# parses, so its precision (year, month or day) is known.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


class DateError(InvalidValueError):
    """A text that is no date (raised as this, or as the caller's own error kind)."""


def _end_of_month(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _span(year: int, month: int | None, day: int | None, text: str) -> tuple[dt.date, dt.date]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"year {year:04d} in {text!r} is out of range "
                        f"({MIN_YEAR:04d} to {MAX_YEAR}); write a date as {FORMS}")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise DateError(f"month {month} in {text!r} is not 1 to 12; write a date as {FORMS}")
    if day is None:
        return dt.date(year, month, 1), _end_of_month(year, month)
    try:
        one = dt.date(year, month, day)
    except ValueError:
        raise DateError(f"{text!r} is no day of the calendar ({year:04d}-{month:02d} has "
                        f"{_end_of_month(year, month).day} days)") from None
    return one, one


def parse_span(text: str, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day ``text`` names (see the module's forms).

    Raises:
        DateError: ``text`` is no date, names a time, or is out of range.
    """
    value = text.strip().strip('"').strip()
    today = today or dt.date.today()
    if not value:
        raise DateError(f"empty date; write a date as {FORMS}")
    iso = _ISO.match(value)
    if iso:
        year, month, day = (int(g) if g else None for g in iso.groups())
        assert year is not None
        return _span(year, month, day, value)
    lower = value.lower()
    if lower in ("today", "now"):
        return today, today
    if lower == "yesterday":
        day_before = today - dt.timedelta(days=1)
        return day_before, day_before
    relative = _RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        try:
            then = today - relativedelta(**{_UNITS[unit]: amount})
        except (ValueError, OverflowError):
            raise DateError(f"{value!r} reaches before year {MIN_YEAR}") from None
        return then, then
    if _TIME.search(value):
        raise DateError(f"{value!r} has a time of day; dates here are days: write {FORMS}")
    return _free_text(value)


def _free_text(value: str) -> tuple[dt.date, dt.date]:
    """``4 January 2019``, ``January 2019``, ``Jan 4, 2019``."""
    parsed = []
    for default in _DEFAULTS:
        try:
            parsed.append(date_parser.parse(value, default=default))
        except (ValueError, OverflowError, date_parser.ParserError):
            raise DateError(f"{value!r} is not a date; write a date as {FORMS}") from None
    first, second = parsed
    if first.year != second.year or not re.search(r"\d{4}", value):
        raise DateError(f"{value!r} has no year; write a date as {FORMS}")
    month = first.month if first.month == second.month else None
    day = first.day if first.day == second.day and month else None
    if first.day == second.day and month is None:
        raise DateError(f"{value!r} gives a day but no month; write a date as {FORMS}")
    return _span(first.year, month, day, value)


def bound(name: str, value: object, *, end: bool,
          today: dt.date | None = None) -> dt.date | None:
    """``value`` (a ``date`` or text in any of the module's forms) as the first day of its
    span, or the last when ``end``; ``None`` stays ``None``.

    Raises:
        InvalidValueError: ``value`` is a datetime, a number or text that is no date;
            the message names ``name``.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise InvalidValueError(f"{name} must be a date without a time of day, got "
                                f"{value.isoformat()!r}; use {value.date().isoformat()}")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be a date such as {FORMS}, got {value!r}")
    try:
        start, stop = parse_span(value, today=today)
    except DateError as exc:
        raise InvalidValueError(f"{name} must be a date: {exc}") from None
    return stop if end else start
