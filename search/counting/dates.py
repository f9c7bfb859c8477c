"""Article dates as one numpy column: date filters, date sorting and the date histogram.

Whoosh stores a DATETIME column as microseconds since ``datetime.min``; a document without
a date holds the largest unsigned value. The day numbers are written with each commit
(:mod:`index.store.columns`), so a query filters, sorts and buckets its matches by date
without touching stored fields.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import numpy as np

from index import read_dates
from search.results import FacetCount

#: Spans of more than this many months are bucketed by year when the interval is automatic.
MAX_MONTH_BUCKETS = 36


class DateInterval(str, enum.Enum):  # noqa: UP042 - same form as Facet
    """Bucket width of the date histogram."""

    AUTO = "auto"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class DateColumn:
    """Every document's date as a day ordinal; ``has_date`` is False where there is none."""

    ordinals: np.ndarray
    has_date: np.ndarray

    @classmethod
    def load(cls, reader: object) -> DateColumn:
        """Read the date column of a Whoosh reader."""
        return cls(*read_dates(reader, reader.doc_count_all()))  # type: ignore[attr-defined]

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
