"""The raw spellings each of a document's facet values was written as.

Normalisation decides, mention by mention, which value a mention becomes; it records the
answer here (:attr:`Entities.spellings <index.entities.normalize.Entities>`), so listing
the spellings merged into an entity (``newsfacet entities``, the entity tables of
``enrich`` and ``publish``) reads what was decided instead of guessing it again.

A spelling is ``clean_name`` of the mention text as NER found it; a mention a rule split,
joined or found in the text counts under the text it has then. A country's spellings are
those of the places, nationalities and organizations that gave it, beside the names of the
country itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.store.schema import Facet

#: A value's spellings with the number of mentions written so, most first.
Written = tuple[tuple[str, int], ...]
#: In the stored form, a spelling equal to the value it became (the common case).
SAME = ""


@dataclass(frozen=True, slots=True)
class Spellings:
    """Per facet, each value of one document with the spellings its mentions had."""

    people: tuple[tuple[str, Written], ...] = ()
    organizations: tuple[tuple[str, Written], ...] = ()
    places: tuple[tuple[str, Written], ...] = ()
    countries: tuple[tuple[str, Written], ...] = ()

    @classmethod
    def of(cls, found: Mapping[Facet, Mapping[str, Counter[str]]]) -> Spellings:
        """The spellings of ``{facet: {value: Counter(spelling)}}``."""
        return cls(**{facet.value: tuple((value, _ranked(counts))
                                         for value, counts in found.get(facet, {}).items()
                                         if counts)
                      for facet in Facet})

    def get(self, facet: Facet) -> dict[str, Written]:
        """``{value: spellings}`` of ``facet``."""
        return dict(getattr(self, facet.value))

    def counts(self, facet: Facet, value: str) -> Counter[str]:
        """How many mentions wrote ``value`` (of ``facet``) each way."""
        return Counter(dict(self.get(facet).get(value, ())))

    def renamed(self, facet: Facet, names: Mapping[str, str]) -> Spellings:
        """The spellings after the values of ``facet`` took the names ``names`` gives
        them (values that take one name pool their spellings)."""
        pooled: dict[str, Counter[str]] = {}
        for value, written in getattr(self, facet.value):
            pooled.setdefault(names.get(value, value), Counter()).update(dict(written))
        found = {f: {v: Counter(dict(w)) for v, w in getattr(self, f.value)} for f in Facet}
        found[facet] = pooled
        return Spellings.of(found)

    def to_dict(self, values: Mapping[str, Sequence[str]]) -> dict[str, list[list[Any]]]:
        """Stored form, one list per facet in the order of ``values`` (the document's
        facet values by facet name): ``[spelling, mentions, spelling, mentions...]`` for
        each value, with ``""`` for a spelling equal to the value. Facets without values
        are left out.
        """
        out: dict[str, list[list[Any]]] = {}
        for facet in Facet:
            names = values.get(facet.value, ())
            if not names:
                continue
            written = self.get(facet)
            out[facet.value] = [[item for spelling, n in written.get(value, ())
                                 for item in (SAME if spelling == value else spelling, n)]
                                for value in names]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None,
                  values: Mapping[str, Sequence[str]]) -> Spellings:
        """Inverse of :meth:`to_dict`; a facet whose lists do not match ``values`` (a
        damaged record) has no spellings."""
        if not data:
            return cls()
        found: dict[Facet, dict[str, Counter[str]]] = {}
        for facet in Facet:
            names, lists = values.get(facet.value, ()), data.get(facet.value) or []
            if len(lists) != len(names):
                continue
            found[facet] = {value: Counter({value if s == SAME else str(s): int(n)
                                            for s, n in zip(flat[::2], flat[1::2], strict=False)})
                            for value, flat in zip(names, lists, strict=True)}
        return cls.of(found)


def _ranked(counts: Counter[str]) -> Written:
    return tuple(sorted(((s, n) for s, n in counts.items() if n > 0),
                        key=lambda item: (-item[1], item[0])))
