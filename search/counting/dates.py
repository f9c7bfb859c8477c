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

from index import WhooshReader, read_dates
from search.results import FacetCount

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


@dataclass(frozen=True, slots=True)
class DateColumn:
    """Every document's date as a day ordinal; ``has_date`` is False where there is none."""

    ordinals: np.ndarray
    has_date: np.ndarray

    @classmethod
    def load(cls, reader: WhooshReader) -> DateColumn:
        """Read the date column of a Whoosh reader."""
        return cls(*read_dates(reader, reader.doc_count_all()))

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
