"""What one query may spend: words its wildcards and ranges expand to, and time.

A wildcard (``*e*``), a range (``body:[a to zzz]``) or a fuzzy term stands for every
indexed word it matches, and each of those words is a posting list to read. Here they are
expanded once, up front, into the words themselves, each counted against
:data:`MAX_EXPANDED_TERMS`; the rest of the search then treats them as plain words (numpy
matching and ranking). A time limit, when one is set, is checked inside the loops that
expand words, read posting blocks and score, so a search past its limit stops its own work
and raises :class:`QueryTimeoutError` instead of running on in a thread nobody waits for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from whoosh import query as wq
from whoosh.query.terms import MultiTerm

from index import QueryTimeoutError, QueryTooCostlyError, WhooshReader

#: Most words the wildcards, ranges and fuzzy terms of one query may expand to, in all:
#: each is a posting list to read and score (about 0.3 ms each on the seeds index).
MAX_EXPANDED_TERMS = 4_000
#: Words expanded between two looks at the clock.
_CHECK_EVERY = 64


class Budget:
    """The time left to one search, on this thread."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)

    def check(self) -> None:
        """Raise :class:`QueryTimeoutError` once the deadline has passed."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise QueryTimeoutError(
                f"The query took longer than {self.timeout:g} s and was stopped; use fewer "
                "wildcards, longer prefixes, narrower ranges or more filters")


_current: ContextVar[Budget | None] = ContextVar("newsfacet_budget", default=None)


@contextmanager
def time_limit(timeout: float | None) -> Iterator[Budget]:
    """Run the block under a time limit (``None``: none) that :func:`check` enforces."""
    budget = Budget(timeout)
    token = _current.set(budget)
    try:
        budget.check()
        yield budget
    finally:
        _current.reset(token)


def check() -> None:
    """Stop the current search if its time is up; called from its inner loops."""
    budget = _current.get()
    if budget is not None and budget.deadline is not None:
        budget.check()


def expand_terms(query: wq.Query, reader: WhooshReader, *, limit: int = MAX_EXPANDED_TERMS
                 ) -> wq.Query:
    """``query`` with each wildcard, range and fuzzy term replaced by the OR of the indexed
    words it matches (nothing when none).

    Raises:
        QueryTooCostlyError: they match more than ``limit`` words in all.
        QueryTimeoutError: the time limit passed while expanding.
    """
    # A module-level recursion, not a nested function: a closure that calls itself is a
    # reference cycle, and it kept the reader (and its open segment files) alive until the
    # garbage collector ran.
    return _expand(query, reader, [limit], limit)


def _expand(q: wq.Query, reader: WhooshReader, left: list[int], limit: int) -> wq.Query:
    if isinstance(q, MultiTerm):
        return _expand_one(q, reader, left, limit)
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand(sub, reader, left, limit))


def _expand_one(q: MultiTerm, reader: WhooshReader, left: list[int], limit: int) -> wq.Query:
    fieldname = q.field()
    if not fieldname or fieldname not in reader.schema:
        return wq.NullQuery
    field = reader.schema[fieldname]
    words = []
    for n, btext in enumerate(q._btexts(reader)):  # noqa: SLF001 - Whoosh's own expansion
        if n % _CHECK_EVERY == 0:
            check()
        if not btext:
            continue
        left[0] -= 1
        if left[0] < 0:
            raise QueryTooCostlyError(
                f"The wildcards and ranges of this query match more than {limit:,} words "
                f"(the limit was reached at {_shown(q)}); use longer prefixes, narrower "
                "ranges or fewer wildcards")
        words.append(wq.Term(fieldname, field.from_bytes(btext), boost=q.boost))
    if not words:
        return wq.NullQuery
    return words[0] if len(words) == 1 else wq.Or(words)


def _shown(q: MultiTerm) -> str:
    text = getattr(q, "text", None)
    if text is not None:
        return repr(f"{q.field()}:{text}")
    start, end = getattr(q, "start", None), getattr(q, "end", None)
    return repr(f"{q.field()}:[{start} to {end}]")
