"""Which documents a query selects, as boolean masks over document numbers.

The text query runs through Whoosh once; entity and date filters are applied with numpy
from the facet and date columns. Keeping one mask per filtered facet lets disjunctive
facet counts leave out a facet's own filter, so a multi-select UI can show the
alternatives to what the user picked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from index import Aliases, Facet
from search.counting.dates import DateColumn
from search.counting.facets import FacetColumn
from search.query.filters import Filters
from search.query.parser import resolve_ids


@dataclass(frozen=True, slots=True)
class Selection:
    """The documents a query and its filters select.

    Attributes:
        base: documents matching the text query and the date bounds.
        facet_masks: per filtered facet, the documents its filters let through.
        unmatched: filter values (facet, value) that name no entity of the index.
        required: (facet, entity id) of each entity every final document carries: the
            values to match that name a single entity.
    """

    base: np.ndarray
    facet_masks: Mapping[Facet, np.ndarray] = field(default_factory=dict)
    unmatched: tuple[tuple[Facet, str], ...] = ()
    required: tuple[tuple[Facet, int], ...] = ()

    def final(self) -> np.ndarray:
        """Documents passing every filter (a new array the caller may change)."""
        mask = self.base.copy()
        for facet_mask in self.facet_masks.values():
            mask = mask & facet_mask
        return mask

    def without(self, facet: Facet) -> np.ndarray:
        """Documents passing every filter except those on ``facet`` (a new array)."""
        mask = self.base.copy()
        for other, facet_mask in self.facet_masks.items():
            if other is not facet:
                mask = mask & facet_mask
        return mask


def select(text_mask: np.ndarray, filters: Filters, columns: Mapping[Facet, FacetColumn],
           dates: DateColumn, aliases: Aliases | None = None) -> Selection:
    """Apply ``filters`` to the documents of ``text_mask``; values go through ``aliases``."""
    base = text_mask  # shared with the snapshot's cache: never changed in place
    if filters.since or filters.until:
        base = base & dates.between(filters.since, filters.until)
    masks: dict[Facet, np.ndarray] = {}
    unmatched: list[tuple[Facet, str]] = []
    required: list[tuple[Facet, int]] = []
    size = len(text_mask)
    for facet in Facet:
        if not filters.narrows(facet):
            continue
        column = columns[facet]
        mask = np.ones(size, dtype=bool)
        alone = len(filters.any_values(facet)) == 1  # a single "any" value must match too

        def docs(value: str, must: bool, facet: Facet = facet,
                 column: FacetColumn = column) -> np.ndarray:
            ids = resolve_ids(facet, value, column, aliases)
            if not ids:
                unmatched.append((facet, value))
            elif must and len(ids) == 1:
                required.append((facet, ids[0]))
            return column.docs_of(ids)

        for value in filters.values(facet):
            wanted = np.zeros(size, dtype=bool)
            wanted[docs(value, True)] = True
            mask &= wanted
        if filters.any_values(facet):
            wanted = np.zeros(size, dtype=bool)
            for value in filters.any_values(facet):
                wanted[docs(value, alone)] = True
            mask &= wanted
        for value in filters.not_values(facet):
            ids = resolve_ids(facet, value, column, aliases)
            mask[column.docs_of(ids)] = False
        masks[facet] = mask
    return Selection(base, masks, tuple(unmatched), tuple(required))
