"""Turn raw NER mentions into each document's canonical facet values.

Pure functions over stored mentions: re-running them over an existing index re-derives
every facet without running NER again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index import places
from index.entities import Mention
from index.schema import Facet

LABEL_FACETS: dict[str, Facet] = {
    "PERSON": Facet.PEOPLE,
    "PER": Facet.PEOPLE,
    "ORG": Facet.ORGANIZATIONS,
    "GPE": Facet.PLACES,
    "LOC": Facet.PLACES,
    "FAC": Facet.PLACES,
}
NATIONALITY_LABEL = "NORP"

#: Honorifics dropped from the front of a person's name ("Mr Marchionne" -> "Marchionne").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir",
                        "dame", "lord", "lady", "madam", "mme", "m", "herr", "frau"})
_QUOTES = "\"'`´‘’‚‛“”„‟«»‹›"
_POSSESSIVE = re.compile(r"(?<=\w)['’`´]s?$")
_EDGE_JUNK = re.compile(r"^[\s\W_]+|[\s\W_]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Entities:
    """The canonical facet values of one document, most-mentioned first."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    def get(self, facet: Facet) -> tuple[str, ...]:
        """The values of ``facet``."""
        return getattr(self, facet.value)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, list[str]]:
        """Plain JSON-ready form keyed by facet name."""
        return {facet.value: list(self.get(facet)) for facet in Facet}


def clean_name(text: str) -> str:
    """Light surface clean-up of an entity mention.

    Strips stray quotes and edge punctuation, a leading "the", a possessive "'s", commas
    and extra white space: ``“the Pentagon's`` -> ``Pentagon``. Idempotent.
    """
    previous = None
    name = unicodedata.normalize("NFC", text)
    while name != previous:
        previous = name
        name = _SPACES.sub(" ", name.replace(",", " ")).strip()
        name = name.strip(_QUOTES)
        name = _POSSESSIVE.sub("", name)
        name = _EDGE_JUNK.sub(lambda m: _keep_dots(m.group(0)), name)
        if name[:4].lower() == "the " and len(name) > 4:
            name = name[4:]
    return name


def _keep_dots(junk: str) -> str:
    # "U.S." must keep its final dot; other trailing punctuation goes.
    return "." if junk.startswith(".") and not junk.strip(".") else ""


def name_key(text: str) -> str:
    """Matching key of a name: cleaned, accent-free, case-folded (``Sérgei`` ~ ``sergei``)."""
    decomposed = unicodedata.normalize("NFKD", clean_name(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain.replace(".", " ").replace("-", " ")).strip().casefold()


def clean_person(text: str) -> str:
    """A person's name without honorifics (``Mr. John Kirby`` -> ``John Kirby``)."""
    words = clean_name(text).split()
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _valid(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    return letters >= 2 and not name.islower()


def _ranked(counts: Counter[str], first: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(counts, key=lambda n: (-counts[n], first[n])))


def link_people(names: Sequence[str]) -> dict[str, str]:
    """Map each person name to the fullest name of the same person in one document.

    A name that is a run of words of exactly one longer name ("Shoigu" in "Sergei Shoigu")
    is that person. A name that fits several longer names ("Davis" with "Jeff Davis" and
    "Angela Davis") is left as it is rather than guessed.
    """
    keys = {name: tuple(name_key(name).split()) for name in names}
    mapping: dict[str, str] = {}
    for name, words in keys.items():
        fuller = {other for other, longer in keys.items()
                  if len(longer) > len(words) and _contains_run(longer, words)}
        # Keep only the longest candidates: "Shoigu" -> "Sergei Shoigu", not "S. Shoigu".
        longest = {keys[o] for o in fuller}
        maximal = {o for o in fuller
                   if not any(len(k) > len(keys[o]) and _contains_run(k, keys[o]) for k in longest)}
        distinct = {keys[o] for o in maximal}
        mapping[name] = min(maximal, key=lambda o: (-len(o), o)) if len(distinct) == 1 else name
    return mapping


def _contains_run(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def normalize_mentions(mentions: Iterable[Mention]) -> Entities:
    """Derive one document's canonical facets from its raw mentions."""
    counts: dict[Facet, Counter[str]] = {facet: Counter() for facet in Facet}
    first: dict[Facet, dict[str, int]] = {facet: {} for facet in Facet}
    nationalities: list[str] = []
    for position, mention in enumerate(mentions):
        if mention.label == NATIONALITY_LABEL:
            nationalities.append(clean_name(mention.text))
            continue
        facet = LABEL_FACETS.get(mention.label)
        if facet is None:
            continue
        name = clean_person(mention.text) if facet is Facet.PEOPLE else clean_name(mention.text)
        if facet is Facet.PLACES:
            name = places.country_for_name(name) or name
        if not _valid(name):
            continue
        counts[facet][name] += 1
        first[facet].setdefault(name, position)

    people_map = link_people(list(counts[Facet.PEOPLE]))
    people: Counter[str] = Counter()
    for name, count in counts[Facet.PEOPLE].items():
        full = people_map[name]
        people[full] += count
        first[Facet.PEOPLE][full] = min(first[Facet.PEOPLE][full], first[Facet.PEOPLE][name])

    place_names = list(counts[Facet.PLACES])
    resolved = places.countries_for(place_names, nationalities)
    country_counts: Counter[str] = Counter()
    country_first: dict[str, int] = {}
    for index, (mention_text, country) in enumerate(resolved.items()):
        weight = counts[Facet.PLACES].get(mention_text, 1)
        country_counts[country] += weight
        country_first.setdefault(country, first[Facet.PLACES].get(mention_text, 10**6 + index))
    return Entities(
        people=_ranked(people, first[Facet.PEOPLE]),
        organizations=_ranked(counts[Facet.ORGANIZATIONS], first[Facet.ORGANIZATIONS]),
        places=_ranked(counts[Facet.PLACES], first[Facet.PLACES]),
        countries=_ranked(country_counts, country_first),
    )
