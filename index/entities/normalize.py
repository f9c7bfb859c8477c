"""Turn raw NER mentions into each document's canonical facet values.

Pure functions over stored mentions: re-running them over an existing index re-derives
every facet without running NER again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from index.entities import places
from index.entities.aliases import Aliases
from index.entities.mentions import (
    NOISE,
    NORP,
    ORG,
    PERSON,
    PLACE,
    Tagged,
    find_acronyms,
    is_sports_story,
    tag_mentions,
)
from index.entities.names import (
    best_form,
    clean_name,
    clean_person,
    group_key,
    name_key,
)
from index.entities.rules import apply_rules
from index.entities.spellings import Spellings
from index.ner.pipeline import Mention
from index.store.schema import Facet

if TYPE_CHECKING:
    from index.entities.corpus import CorpusView

KIND_FACETS: dict[str, Facet] = {
    PERSON: Facet.PEOPLE, ORG: Facet.ORGANIZATIONS, PLACE: Facet.PLACES,
}

#: Awards the model takes for people when named alone ("the Oscar race").
AWARDS = frozenset({"oscar", "oscars", "grammy", "grammys", "emmy", "emmys", "bafta", "baftas",
                    "golden globe", "golden globes", "razzie", "razzies"})
_HYPHENATED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b")


@dataclass(frozen=True, slots=True)
class Entities:
    """The canonical facet values of one document, most-mentioned first, and the raw
    spellings each value was written as (which leave equality alone: two documents with
    the same values have the same facets)."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    spellings: Spellings = field(default_factory=Spellings, compare=False, repr=False)

    def get(self, facet: Facet) -> tuple[str, ...]:
        """The values of ``facet``."""
        # A Facet is the str of its field name: no enum ``.value`` lookup on this hot path.
        return getattr(self, facet)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, list[str]]:
        """Plain JSON-ready form keyed by facet name."""
        return {facet.value: list(self.get(facet)) for facet in Facet}


def _valid(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    return letters >= 2 and not name.islower()


def _ranked(counts: Counter[str], first: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(counts, key=lambda n: (-counts[n], first[n])))


def link_people(names: Sequence[str], elsewhere: Mapping[str, str] | None = None
                ) -> dict[str, str]:
    """Map each person name to the fullest name of the same person in one document.

    A name that is a run of words of exactly one longer name ("Shoigu" in "Sergei Shoigu")
    is that person. A name that fits several longer names ("Davis" with "Jeff Davis" and
    "Angela Davis") is left as it is rather than guessed. A surname that fits none is the
    full name ``elsewhere`` gives for it (surname key -> name, see
    :attr:`CorpusView.full_names`), if any.
    """
    keys = {name: tuple(name_key(name).split()) for name in names}
    mapping: dict[str, str] = {}
    for name, words in keys.items():
        fuller = {other for other, longer in keys.items()
                  if len(longer) > len(words) and _contains_run(longer, words)}
        if not fuller and len(words) == 1 and elsewhere is not None and words[0] in elsewhere:
            mapping[name] = elsewhere[words[0]]
            continue
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


def normalize_mentions(mentions: Iterable[Mention], text: str = "", *,
                       aliases: Aliases | None = None,
                       corpus: CorpusView | None = None,
                       tagged: list[Tagged] | None = None,
                       applied: list[Tagged] | None = None) -> Entities:
    """Derive one document's canonical facets from its raw mentions.

    Args:
        mentions: the document's NER mentions.
        text: the text NER read (title, blank line, body); enables the context rules of
            :mod:`index.entities.mentions`, acronym expansion and hyphenated nationalities.
        aliases: the user's alias table.
        corpus: what the whole corpus says (label votes, acronyms); see
            :mod:`index.entities.corpus`.
        tagged: ``tag_mentions(mentions, text)`` when the caller already has it.
        applied: what the rules of ``corpus`` (or, without one, of the article alone)
            make of the tagged mentions, when the caller already has it.
    """
    mentions = tuple(mentions)
    if applied is not None:
        tagged = applied
    else:
        if tagged is None:
            tagged = tag_mentions(mentions, text)
        tagged = apply_rules(tagged, text, corpus.rules if corpus is not None else None)
    acronyms = find_acronyms(tagged, text)
    if corpus is not None:
        # Names found again go through the rules too, so junk does not come back.
        tagged = corpus.vote(tagged, sports=is_sports_story(text)) \
            + apply_rules(corpus.find_missed(tagged, text), text, corpus.rules)
    tagged = surnames_are_people(tagged)
    written = spellings_of(mentions, tagged, text)
    # The spellings behind each group, and behind each form (a place's forms give countries).
    spelled: dict[Facet, dict[str, Counter[str]]] = {facet: {} for facet in Facet}
    sources: dict[str, Counter[str]] = {}
    counts: dict[Facet, Counter[str]] = {facet: Counter() for facet in Facet}
    forms: dict[Facet, dict[str, Counter[str]]] = {facet: {} for facet in Facet}
    first: dict[Facet, dict[str, int]] = {facet: {} for facet in Facet}
    nationalities: list[str] = []
    for position, mention in enumerate(tagged):
        if mention.kind == NORP:
            nationalities.append(mention.text)
            sources.setdefault(mention.text, Counter())[written[position]] += 1
            continue
        if mention.kind == NOISE:
            continue
        name, kind = mention.text, mention.kind
        if name.isupper():
            expanded = acronyms.get(name_key(name)) or \
                (corpus.acronyms.get(name_key(name)) if corpus is not None else None)
            if expanded:
                name, kind = expanded, ORG
        facet = KIND_FACETS[kind]
        if facet is Facet.PEOPLE:
            name = clean_person(name)
        if aliases is not None:
            resolved = aliases.resolve(facet, name)
            if resolved is None:
                continue
            name = resolved
        if not _valid(name):
            continue
        group = group_key(facet, name)
        counts[facet][group] += 1
        forms[facet].setdefault(group, Counter())[name] += 1
        first[facet].setdefault(group, position)
        spelled[facet].setdefault(group, Counter())[written[position]] += 1
        if facet is Facet.PLACES:
            sources.setdefault(name, Counter())[written[position]] += 1
    display = {facet: {g: best_form(c, facet) for g, c in forms[facet].items()} for facet in Facet}

    named: dict[Facet, Counter[str]] = {}
    order: dict[Facet, dict[str, int]] = {}
    for facet in (Facet.ORGANIZATIONS, Facet.PLACES):
        named[facet] = Counter({display[facet][g]: n for g, n in counts[facet].items()})
        order[facet] = {display[facet][g]: p for g, p in first[facet].items()}
    people_display = {display[Facet.PEOPLE][g]: n for g, n in counts[Facet.PEOPLE].items()}
    people_first = {display[Facet.PEOPLE][g]: p for g, p in first[Facet.PEOPLE].items()}
    people_map = link_people(list(people_display),
                             corpus.full_names if corpus is not None else None)
    people: Counter[str] = Counter()
    order[Facet.PEOPLE] = {}
    for name, count in people_display.items():
        full = people_map[name]
        if full == name and name_key(name) in AWARDS:
            continue  # "Oscar nominations": the award, unless the article names an Oscar
        people[full] += count
        order[Facet.PEOPLE][full] = min(order[Facet.PEOPLE].get(full, 10**9), people_first[name])
    found: dict[Facet, dict[str, Counter[str]]] = {facet: {} for facet in Facet}
    for facet, owner in ((Facet.PEOPLE, people_map), (Facet.ORGANIZATIONS, {}),
                         (Facet.PLACES, {})):
        for group, spellings in spelled[facet].items():
            shown = display[facet][group]
            found[facet].setdefault(owner.get(shown, shown), Counter()).update(spellings)

    place_forms = [form for c in forms[Facet.PLACES].values() for form in c]
    country_counts, country_first, found[Facet.COUNTRIES] = _countries(
        place_forms, nationalities, counts, forms, first, text, named[Facet.ORGANIZATIONS],
        sources, found[Facet.ORGANIZATIONS])
    if aliases is not None:
        country_counts, country_first, found[Facet.COUNTRIES] = _alias_countries(
            aliases, country_counts, country_first, found[Facet.COUNTRIES])
    values = {Facet.PEOPLE: _ranked(people, order[Facet.PEOPLE]),
              Facet.ORGANIZATIONS: _ranked(named[Facet.ORGANIZATIONS],
                                           order[Facet.ORGANIZATIONS]),
              Facet.PLACES: _ranked(named[Facet.PLACES], order[Facet.PLACES]),
              Facet.COUNTRIES: _ranked(country_counts, country_first)}
    return Entities(**{facet.value: names for facet, names in values.items()},
                    spellings=Spellings.of({facet: {v: found[facet][v] for v in names
                                                    if v in found[facet]}
                                            for facet, names in values.items()}))


def spellings_of(mentions: Sequence[Mention], tagged: Sequence[Tagged], text: str
                 ) -> list[str]:
    """The spelling each of ``tagged`` counts under: ``clean_name`` of the NER mention it
    came from, whatever a rule made of it ("Commission" that became "European Community
    Commission"), or its own text when it is no NER mention as such: one piece of a split
    mention, a mention joined with the next ("Islamic" + "State"), one found in the text.
    """
    spans = sorted((m.start, m.start + len(m.text), m.text) for m in mentions)
    starts = [start for start, _, _ in spans]
    origin: list[int | None] = []
    for mention in tagged:
        before = bisect_right(starts, mention.start) - 1
        origin.append(before if before >= 0 and mention.start < spans[before][1] else None)
    shared = Counter(i for i in origin if i is not None)
    out = []
    for mention, i in zip(tagged, origin, strict=True):
        own = clean_name(mention.text) or mention.text
        if i is None or shared[i] > 1:
            out.append(own)
            continue
        end = mention.start + len(mention.text)
        joined = end > spans[i][1] and text[mention.start:end] == mention.text
        out.append(own if joined else clean_name(spans[i][2]) or own)
    return out


def surnames_are_people(tagged: list[Tagged]) -> list[Tagged]:
    """A one-word organization or place that is the surname of a person the same article
    names in full ("Thanou" beside "Katerina Thanou") is that person."""
    surnames = {name_key(m.text).split()[-1] for m in tagged
                if m.kind == PERSON and len(m.text.split()) > 1}
    return [replace(m, kind=PERSON) if m.kind in (ORG, PLACE) and not m.fixed
            and " " not in m.text and name_key(m.text) in surnames else m for m in tagged]


def _countries(place_forms: list[str], nationalities: list[str],
               counts: dict[Facet, Counter[str]], forms: dict[Facet, dict[str, Counter[str]]],
               first: dict[Facet, dict[str, int]], text: str, organizations: Counter[str],
               sources: dict[str, Counter[str]], org_spellings: dict[str, Counter[str]],
               ) -> tuple[Counter[str], dict[str, int], dict[str, Counter[str]]]:
    """Every country the places, nationalities, organizations and text name or imply, and
    the spellings of the mentions (``sources``: by place form or nationality) behind it."""
    weights: dict[str, int] = {}
    positions: dict[str, int] = {}
    for group, spellings in forms[Facet.PLACES].items():
        for form, n in spellings.items():
            weights[form] = n
            positions[form] = first[Facet.PLACES][group]
    compounds = hyphenated_nationalities(text)
    resolved = places.countries_for(place_forms, [*nationalities, *compounds])
    country_counts: Counter[str] = Counter()
    country_first: dict[str, int] = {}
    spelled: dict[str, Counter[str]] = {}
    for index, (mention, country) in enumerate(resolved.items()):
        country_counts[country] += weights.get(mention, 1)
        country_first.setdefault(country, positions.get(mention, 10**6 + index))
        # A nationality inside a hyphenated compound is no NER mention: it counts as written.
        spelled.setdefault(country, Counter()).update(
            sources.get(mention) or Counter({mention: compounds.count(mention) or 1}))
    for index, org in enumerate(organizations):
        head = org.split()[0] if org.split() else ""
        found = places.country_for_name(head) or places.country_for_nationality(head)
        if found is not None and len(org.split()) > 1:
            country = found
            country_counts[country] += organizations[org]
            country_first.setdefault(country, 2 * 10**6 + index)
            spelled.setdefault(country, Counter()).update(org_spellings.get(org, {}))
    return country_counts, country_first, spelled


def hyphenated_nationalities(text: str) -> list[str]:
    """Nationality words joined by hyphens in ``text`` ("Syrian-Turkish border" -> both)."""
    found = []
    for match in _HYPHENATED.finditer(text):
        parts = match.group(0).split("-")
        if all(places.country_for_nationality(p) for p in parts):
            found.extend(parts)
    return found


def _alias_countries(aliases: Aliases, counts: Counter[str], first: dict[str, int],
                     spelled: dict[str, Counter[str]]
                     ) -> tuple[Counter[str], dict[str, int], dict[str, Counter[str]]]:
    out: Counter[str] = Counter()
    out_first: dict[str, int] = {}
    out_spelled: dict[str, Counter[str]] = {}
    for country, n in counts.items():
        target = aliases.resolve(Facet.COUNTRIES, country)
        if target is not None:
            out[target] += n
            out_first[target] = min(out_first.get(target, 10**9), first[country])
            out_spelled.setdefault(target, Counter()).update(spelled.get(country, {}))
    return out, out_first, out_spelled
