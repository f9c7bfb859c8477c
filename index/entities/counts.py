"""Counts that add up over articles: the base of every corpus statistic.

A corpus statistic is a dataclass whose fields are either a ``Counter`` (key -> count) or
a nested ``dict`` of ``Counter``s (decision key -> sub-key -> count). :class:`Mergeable`
gives them an associative ``+`` (merging two parts of a corpus, in any order and any
grouping), an in-place ``add``/``remove`` (an update adds new articles and removes old
ones) and :meth:`Mergeable.keys_of` (which decision keys a set of counts touches). Entries
that fall to zero are dropped, so a corpus built in one run and the same corpus reached
by adding and removing articles hold equal counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from typing import Self

Nested = dict[str, Counter[str]]


class Mergeable:
    """Mixin for dataclasses of ``Counter`` and :data:`Nested` fields."""

    __slots__ = ()

    def __add__(self, other: Self) -> Self:
        out = type(self)()
        out.add(self)
        out.add(other)
        return out

    def add(self, other: Self) -> None:
        """Add ``other``'s counts to these, in place."""
        for f in fields(self):  # type: ignore[arg-type]
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, Counter):
                mine.update(theirs)
                continue
            for key, counts in theirs.items():
                into = mine.get(key)
                if into is None:
                    mine[key] = Counter(counts)
                else:
                    into.update(counts)

    def remove(self, other: Self) -> None:
        """Take ``other``'s counts (counted in these before) out of these, in place."""
        for f in fields(self):  # type: ignore[arg-type]
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, Counter):
                _subtract(mine, theirs)
                continue
            for key, counts in theirs.items():
                into = mine.get(key)
                if into is None:
                    continue
                _subtract(into, counts)
                if not into:
                    del mine[key]

    @classmethod
    def total(cls, parts: Iterable[Self]) -> Self:
        """The sum of many parts' counts."""
        out = cls()
        for part in parts:
            out.add(part)
        return out

    def is_empty(self) -> bool:
        """True when no field holds a count."""
        return not any(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]


def _subtract(counts: Counter[str], minus: Counter[str]) -> None:
    for key, n in minus.items():
        left = counts.get(key, 0) - n
        if left > 0:
            counts[key] = left
        else:
            counts.pop(key, None)
