"""Article dates as one numpy column: date filters, date sorting and the date histogram.

Whoosh stores a DATETIME column as microseconds since ``datetime.min``; a document without
a date holds the largest unsigned value. Reading the raw numbers once per index generation
lets a query filter, sort and bucket its matches by date without touching stored fields.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import numpy as np

from search.results import FacetCount

_MICROS_PER_DAY = 86_400 * 1_000_000
_NO_DATE = np.iinfo(np.uint64).max
#: Spans of more than this many months are bucketed by year when the interval is automatic.
MAX_MONTH_BUCKETS = 36
#: Most buckets a histogram has, whatever the dates (one article dated 9999 must not make a
#: 100,000-bucket answer): longer spans go by year, then by groups of years.
MAX_DATE_BUCKETS = 240
#: Widths, in years, of the buckets of a span too long for one bucket a year.
_YEAR_GROUPS = (2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)


class DateInterval(str, enum.Enum):  # noqa: UP042 - same form as Facet
    """Bucket width of the date histogram."""

    AUTO = "auto"
    MONTH = "month"
    YEAR = "year"


def _ordinal(raw: np.ndarray) -> np.ndarray:
    """Proleptic Gregorian day numbers (``date.toordinal()``) of raw column values."""
    return (raw // _MICROS_PER_DAY).astype(np.int64) + 1


@dataclass(frozen=True, slots=True)
class DateColumn:
    """Every document's date as a day ordinal; ``has_date`` is False where there is none."""

    ordinals: np.ndarray
    has_date: np.ndarray

    @classmethod
    def load(cls, reader: object, field: str) -> DateColumn:
        """Read the raw date column of a Whoosh reader."""
        size = reader.doc_count_all()  # type: ignore[attr-defined]
        raw = np.full(size, _NO_DATE, dtype=np.uint64)
        # Segment by segment: Whoosh's multi-segment column reader fails on some layouts.
        for leaf, offset in reader.leaf_readers():  # type: ignore[attr-defined]
            count = leaf.doc_count_all()
            if count and leaf.has_column(field):
                column = leaf.column_reader(field, translate=False)
                raw[offset:offset + count] = np.fromiter(
                    (column[n] for n in range(count)), dtype=np.uint64, count=count)
        # Undated documents hold the column's default: 0 in this schema (year 1, never a
        # real article date), the maximum in Whoosh's own DATETIME column.
        has_date = (raw != _NO_DATE) & (raw != 0)
        ordinals = np.where(has_date, _ordinal(np.where(has_date, raw, 0)), 0)
        return cls(ordinals, has_date)

    def between(self, since: dt.date | None, until: dt.date | None) -> np.ndarray:
        """Documents dated within the inclusive bounds (undated documents never are)."""
        mask = self.has_date.copy()
        if since is not None:
            mask &= self.ordinals >= since.toordinal()
        if until is not None:
            mask &= self.ordinals <= until.toordinal()
        return mask

    def order(self, docs: np.ndarray, *, newest_first: bool) -> np.ndarray:
        """``docs`` by date (undated last), ties in index order."""
        keys = self.ordinals[docs]
        if newest_first:
            keys = -keys
        # Undated documents sort after every dated one in both directions.
        keys = np.where(self.has_date[docs], keys, np.iinfo(np.int64).max)
        return docs[np.lexsort((docs, keys))]

    def histogram(self, mask: np.ndarray, interval: DateInterval = DateInterval.AUTO
                  ) -> tuple[DateInterval, tuple[FacetCount, ...]]:
        """Matches per month or year, oldest first, empty buckets included.

        With ``AUTO`` the interval is month unless the matches span more than
        :data:`MAX_MONTH_BUCKETS` months. There are never more than :data:`MAX_DATE_BUCKETS`
        buckets: a longer span of months goes by year, and a longer span of years by groups
        of 2, 5, 10, 20, 50... years, each labelled ``FIRST/LAST`` (``1990/1999``).
        """
        days = self.ordinals[mask & self.has_date]
        if not len(days):
            return (interval if interval is not DateInterval.AUTO else DateInterval.MONTH), ()
        first, last = dt.date.fromordinal(int(days.min())), dt.date.fromordinal(int(days.max()))
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if interval is DateInterval.AUTO:
            interval = DateInterval.YEAR if months > MAX_MONTH_BUCKETS else DateInterval.MONTH
        if months > MAX_DATE_BUCKETS:
            interval = DateInterval.YEAR
        as_days = np.datetime64("0001-01-01", "D") + (days - 1).astype("timedelta64[D]")
        # Months since 1970-01 -> months since year 0, so that // 12 is the calendar year.
        month = as_days.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        years = last.year - first.year + 1
        if interval is DateInterval.YEAR and years > MAX_DATE_BUCKETS:
            width = next(w for w in _YEAR_GROUPS if years / w <= MAX_DATE_BUCKETS - 1)
            start = first.year - first.year % width
            counts = np.bincount((month // 12 - start) // width,
                                 minlength=(last.year - start) // width + 1)
            labels = [f"{max(1, start + i * width):04d}/"
                      f"{min(dt.MAXYEAR, start + (i + 1) * width - 1):04d}"
                      for i in range(len(counts))]
        elif interval is DateInterval.YEAR:
            bucket, start = month // 12, first.year
            counts = np.bincount(bucket - start, minlength=years)
            labels = [str(start + i) for i in range(len(counts))]
        else:
            start = first.year * 12 + first.month - 1
            counts = np.bincount(month - start, minlength=months)
            labels = [f"{(start + i) // 12:04d}-{(start + i) % 12 + 1:02d}"
                      for i in range(len(counts))]
        return interval, tuple(FacetCount(label, int(n)) for label, n in zip(labels, counts,
                                                                             strict=True))
