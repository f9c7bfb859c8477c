"""Which canonical entity a raw mention became: the merges behind `newsfacet entities`.

Listing the spellings merged into an entity needs, for each raw mention of a document,
the one of the document's values it was folded into. The rules are those of
:mod:`index.entities.normalize`, applied to one mention and the values already decided.
"""

from __future__ import annotations

from index.entities import places
from index.entities.aliases import Aliases
from index.entities.mentions import initials
from index.entities.names import clean_name, clean_person, group_key, name_key
from index.store.schema import Facet

#: spaCy labels whose mentions can name or imply a country.
COUNTRY_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})


def mention_owner(facet: Facet, text: str, values: tuple[str, ...], aliases: Aliases) -> str | None:
    """The entity among a document's ``values`` of ``facet`` that mention ``text`` became.

    ``None`` when the mention was dropped or became no value of this facet. The rules are
    those of normalisation: aliases, a country's names and places, a name's group key, a
    surname inside one full name, an acronym spelling out one organization.
    """
    name = clean_person(text) if facet is Facet.PEOPLE else clean_name(text)
    if not name:
        return None
    mapped = aliases.resolve(facet, name)
    if mapped is not None and mapped != name and mapped in values:
        return mapped
    if facet is Facet.COUNTRIES:
        country = places.country_for_name(name) or places.country_for_place(name) \
            or places.country_for_nationality(name)
        return country if country in values else None
    key = group_key(facet, name)
    for value in values:
        if group_key(facet, value) == key:
            return value
    words = tuple(name_key(name).split())
    runs = [v for v in values if _is_run(tuple(name_key(v).split()), words)]
    if facet is Facet.PEOPLE and len(runs) == 1:
        return runs[0]
    letters = name.replace(".", "")
    if facet is Facet.ORGANIZATIONS and letters.isupper():
        expanded = [v for v in values if letters in initials(v)]
        if len(expanded) == 1:
            return expanded[0]
    return None


def _is_run(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return 0 < n < len(longer) and any(longer[i:i + n] == shorter
                                       for i in range(len(longer) - n + 1))
