"""The canonical entities of an index, with document counts and the spellings merged into each.

    from search import NewsIndex, list_entities
    with NewsIndex("news-index") as news:
        for entity in list_entities(news, "people", match="baker"):
            print(entity.name, entity.count, entity.variants)

The variants of an entity are the raw mention texts (as NER found them) that were merged
into it in some document: other spellings and cases, surnames and titles ("Mr Kirby"),
acronyms and alias-file variants, and what only the whole corpus explains (a surname alone
in an article, linked to the full name other articles give; an acronym the corpus spells
out). Normalisation records them as it decides (:attr:`Document.spellings`), so they are
its decisions, not a guess made afterwards. A country's places, nationalities and
organizations ("Texas", "American") imply it without being spellings of it: they are
listed apart, as ``implied_by``. They let a user check what was merged, and write an
alias file where a merge is wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from index import Facet, country_for_name, name_key
from search.engine import NewsIndex

#: Entities listed when not asked otherwise.
DEFAULT_TOP = 50


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One canonical entity of a facet: its name, documents naming it, merged spellings."""

    facet: Facet
    name: str
    count: int
    variants: tuple[str, ...] = ()
    #: For a country: the places and nationalities that imply it (a roll-up, not a spelling).
    implied_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"facet": self.facet.value, "name": self.name, "count": self.count,
                "variants": list(self.variants), "implied_by": list(self.implied_by)}


def list_entities(news: NewsIndex, facet: Facet | str, *, match: str | None = None,
                  top: int = DEFAULT_TOP) -> tuple[EntitySummary, ...]:
    """The canonical entities of ``facet`` by document count, then name.

    Args:
        news: an open index.
        facet: people, organizations, places or countries.
        match: keep entities whose name or a variant contains this text (case and accents
            ignored).
        top: how many to return; 0 for all.

    Raises:
        UnknownFacetError: ``facet`` is not a facet name.
        InvalidValueError: ``top`` is negative.
    """
    chosen = Facet.parse(str(getattr(facet, "value", facet)))
    counts = news.facet(chosen, size=0)
    variants = _variants(news, chosen)
    wanted = name_key(match) if match and match.strip() else ""
    out = []
    for entry in counts:
        spellings = tuple(sorted(variants.get(name_key(entry.value), Counter()),
                                 key=lambda v: (-variants[name_key(entry.value)][v], v)))
        if wanted and not any(wanted in name_key(n) for n in (entry.value, *spellings)):
            continue
        others = tuple(v for v in spellings if v != entry.value)
        implied: tuple[str, ...] = ()
        if chosen is Facet.COUNTRIES:
            # "US" and "America" spell the country; "Texas" and "American" imply it.
            implied = tuple(v for v in others if country_for_name(v) is None)
            others = tuple(v for v in others if v not in implied)
        out.append(EntitySummary(chosen, entry.value, entry.count, others, implied))
        if top and len(out) >= top:
            break
    return tuple(out)


def _variants(news: NewsIndex, facet: Facet) -> dict[str, Counter[str]]:
    """``{entity key: Counter(raw spelling)}`` over every document, as recorded."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in news.export():
        for value, written in doc.spellings.get(facet).items():
            found[name_key(value)].update(dict(written))
    return found
