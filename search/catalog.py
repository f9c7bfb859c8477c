"""The canonical entities of an index, with document counts and the spellings merged into each.

    from search import NewsIndex, list_entities
    with NewsIndex("news-index") as news:
        for entity in list_entities(news, "people", match="baker"):
            print(entity.name, entity.count, entity.variants)

The variants of an entity are the raw mention texts (as NER found them) that were merged
into it in some document: other spellings and cases, surnames and titles ("Mr Kirby"),
acronyms, alias-file variants, and for a country the places and nationalities implying it.
They let a user check what was merged, and write an alias file where a merge is wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from index import COUNTRY_LABELS, Facet, clean_name, mention_owner, name_key, read_stored
from search.engine import NewsIndex

#: Entities listed when not asked otherwise.
DEFAULT_TOP = 50
#: NER labels of the mentions that can imply a country: places and nationalities.


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One canonical entity of a facet: its name, documents naming it, merged spellings."""

    facet: Facet
    name: str
    count: int
    variants: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"facet": self.facet.value, "name": self.name, "count": self.count,
                "variants": list(self.variants)}


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
        out.append(EntitySummary(chosen, entry.value, entry.count,
                                 tuple(v for v in spellings if v != entry.value)))
        if top and len(out) >= top:
            break
    return tuple(out)


def _variants(news: NewsIndex, facet: Facet) -> dict[str, Counter[str]]:
    """``{entity key: Counter(raw spelling)}`` over every document."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    aliases = read_stored(news.path)
    for doc in news.export():
        values = getattr(doc, facet.value)
        if not values:
            continue
        for mention in doc.mentions:
            text, label = str(mention[0]), str(mention[1])
            if facet is Facet.COUNTRIES and label not in COUNTRY_LABELS:
                continue
            target = mention_owner(facet, text, values, aliases)
            if target is not None:
                found[name_key(target)][clean_name(text)] += 1
    return found
