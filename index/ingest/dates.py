"""Dates as sources give them: ISO text, free text, Unix timestamps, file-name prefixes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil import parser as date_parser

_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[-_ .]|$)")


def parse_date(value: Any) -> dt.date | None:
    """Parse a date given as ISO text, free text ("4 January 2019") or a Unix timestamp.

    Raises:
        ValueError: the value is not a date (also a timestamp or year out of range).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"timestamp {value!r} out of range") from None
    text = str(value).strip()[:200]  # a date is short; the parser is slow on long text
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        parsed: dt.datetime = date_parser.parse(text)
        return parsed.date()
    except (ValueError, OverflowError, date_parser.ParserError) as exc:
        raise ValueError(f"unreadable date {text!r}") from exc


def date_from_name(name: str) -> dt.date | None:
    """The date a file name starts with (``2019-01-04-slug.txt``), else None."""
    match = _DATE_PREFIX.match(name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
