"""One spelling for each entity across the corpus: the one the most documents use.

Each document's canonical entities count their spellings by display group (facet and
:func:`~index.entities.names.group_key`); the group's display form is decided from the
summed counts (:func:`~index.entities.names.best_form`), so "U.S." and "United States" are
one place across the corpus. Counts merge and subtract like the other corpus statistics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.entities.counts import Mergeable, Nested
from index.entities.names import best_form, group_key
from index.entities.normalize import Entities
from index.store.schema import Facet

#: The facets whose values are shown in the corpus's spelling (countries have one name).
SPELLED = (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.PLACES)


@dataclass(slots=True)
class DisplayCounts(Mergeable):
    """``"facet\x00group key"`` -> spelling -> documents using it."""

    forms: Nested = field(default_factory=dict)

    @classmethod
    def of(cls, entities: Entities) -> DisplayCounts:
        """One document's spellings."""
        out = cls()
        for facet in SPELLED:
            for name in entities.get(facet):
                out.forms.setdefault(display_group(facet, name), Counter())[name] += 1
        return out


@dataclass(frozen=True, slots=True)
class DisplayForms:
    """The decided spelling of every display group."""

    chosen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def decide(cls, counts: DisplayCounts, groups: Iterable[str] | None = None,
               base: DisplayForms | None = None) -> DisplayForms:
        """Decide every group of ``counts`` or, given ``groups``, those groups anew and the
        others as ``base`` did."""
        chosen = {} if groups is None or base is None else dict(base.chosen)
        for group in counts.forms if groups is None else groups:
            spellings = counts.forms.get(group)
            if not spellings:
                chosen.pop(group, None)
                continue
            facet = Facet(group.partition("\x00")[0])
            # Spellings in name order, so that a tie does not depend on the order of the
            # documents (which changes as documents are rewritten).
            chosen[group] = best_form(Counter(dict(sorted(spellings.items()))), facet)
        return cls(chosen)

    def apply(self, entities: Entities) -> Entities:
        """``entities`` with each value in its group's spelling (values that take one
        spelling pool their raw spellings)."""
        values = {}
        spellings = entities.spellings
        for facet in SPELLED:
            shown = {name: self.chosen.get(display_group(facet, name), name)
                     for name in entities.get(facet)}
            values[facet.value] = tuple(dict.fromkeys(shown.values()))
            if any(name != value for name, value in shown.items()):
                spellings = spellings.renamed(facet, shown)
        return Entities(countries=entities.countries, spellings=spellings, **values)


def display_group(facet: Facet, name: str) -> str:
    """The display group of ``name`` as a value of ``facet``."""
    return f"{facet.value}\x00{group_key(facet, name)}"


def unify_displays(documents: Sequence[Entities]) -> list[Entities]:
    """Show each entity in the spelling the most documents use, in every document."""
    forms = DisplayForms.decide(DisplayCounts.total(DisplayCounts.of(e) for e in documents))
    return [forms.apply(entities) for entities in documents]
