"""Where each of a document's canonical entities is named: its mentions, by character offset.

A document's facets are canonical values ("Sergei Shoigu", "Russia"); its raw NER mentions
are what the text says ("Shoigu", "Russian", "Moscow's"). These rules tie each mention back
to the values it names, so a query can put an entity near words. They run on the final
values, so they follow whatever the normalisation and the corpus pass decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from index.entities import places
from index.entities.names import clean_person, name_key
from index.ner.pipeline import Mention
from index.store.schema import Facet

#: Words an organization's initials skip ("Organisation of the Petroleum ..." -> OPEC).
_INITIAL_SKIPS = frozenset({"of", "the", "and", "for", "de", "la", "&"})


@dataclass(frozen=True, slots=True)
class Span:
    """A mention of ``value`` (of ``facet``) at characters ``start`` to ``end`` of the text
    NER read."""

    facet: Facet
    value: str
    start: int
    end: int


def entity_spans(mentions: Iterable[Mention], values: Mapping[Facet, Iterable[str]]
                 ) -> list[Span]:
    """Every mention that names one of ``values``, with the value it names.

    Rules, per facet: a person is named by the full name or a run of its words (a
    surname); an organization by its name or its initials in capitals; a place by its
    name; a country by its name, code or a nationality word. Case and accents are ignored.
    A mention can name values of two facets ("Russia" is a place and a country).
    """
    by_key = {facet: {name_key(v): v for v in values.get(facet, ())} for facet in Facet}
    # Each person's words, filed under each of its words: a mention can only be a run of
    # the names that hold its first word.
    people: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, value in by_key[Facet.PEOPLE].items():
        parts = tuple(key.split())
        for word in set(parts):
            people.setdefault(word, []).append((parts, value))
    initials = {_initials(v): v for v in values.get(Facet.ORGANIZATIONS, ())}
    found: list[Span] = []
    for mention in mentions:
        text = mention.text
        end = mention.start + len(text)
        for facet, value in _named(text, by_key, people, initials):
            found.append(Span(facet, value, mention.start, end))
    return found


def _named(text: str, by_key: Mapping[Facet, Mapping[str, str]],
           people: Mapping[str, list[tuple[tuple[str, ...], str]]],
           initials: Mapping[str, str]) -> Iterable[tuple[Facet, str]]:
    person = name_key(clean_person(text))
    if person in by_key[Facet.PEOPLE]:
        yield Facet.PEOPLE, by_key[Facet.PEOPLE][person]
    elif person:
        words = tuple(person.split())
        candidates = people.get(words[0], ()) if words else ()
        fuller = {value for parts, value in candidates if _has_run(parts, words)}
        if len(fuller) == 1:  # a surname shared by two people names neither
            yield Facet.PEOPLE, fuller.pop()
    key = name_key(text)
    if key in by_key[Facet.ORGANIZATIONS]:
        yield Facet.ORGANIZATIONS, by_key[Facet.ORGANIZATIONS][key]
    elif text.isupper() and text.replace(".", "") in initials:
        yield Facet.ORGANIZATIONS, initials[text.replace(".", "")]
    if key in by_key[Facet.PLACES]:
        yield Facet.PLACES, by_key[Facet.PLACES][key]
    country = places.country_for_name(text) or places.country_for_nationality(text)
    if country is not None and name_key(country) in by_key[Facet.COUNTRIES]:
        yield Facet.COUNTRIES, by_key[Facet.COUNTRIES][name_key(country)]


def _has_run(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return 0 < n < len(longer) and any(longer[i:i + n] == shorter
                                       for i in range(len(longer) - n + 1))


def _initials(name: str) -> str:
    words = [w for w in name.split() if w.lower() not in _INITIAL_SKIPS]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""
