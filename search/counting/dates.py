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
        :data:`MAX_MONTH_BUCKETS` months.
        """
        days = self.ordinals[mask & self.has_date]
        if not len(days):
            return (interval if interval is not DateInterval.AUTO else DateInterval.MONTH), ()
        first, last = dt.date.fromordinal(int(days.min())), dt.date.fromordinal(int(days.max()))
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if interval is DateInterval.AUTO:
            interval = DateInterval.YEAR if months > MAX_MONTH_BUCKETS else DateInterval.MONTH
        as_days = np.datetime64("0001-01-01", "D") + (days - 1).astype("timedelta64[D]")
        # Months since 1970-01 -> months since year 0, so that // 12 is the calendar year.
        month = as_days.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        if interval is DateInterval.YEAR:
            bucket, start = month // 12, first.year
            counts = np.bincount(bucket - start, minlength=last.year - start + 1)
            labels = [str(start + i) for i in range(len(counts))]
        else:
            start = first.year * 12 + first.month - 1
            counts = np.bincount(month - start, minlength=months)
            labels = [f"{(start + i) // 12:04d}-{(start + i) % 12 + 1:02d}"
                      for i in range(len(counts))]
        return interval, tuple(FacetCount(label, int(n)) for label, n in zip(labels, counts,
                                                                             strict=True))
