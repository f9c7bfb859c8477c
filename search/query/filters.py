"""Entity and date filters: one value, built in one place, from one table.

Every way of asking for filters goes through :data:`FILTER_FIELDS`: the keywords of
:meth:`search.NewsIndex.search` (``people=``, ``any_people=``, ``not_people=``...), the CLI
options (``--person``, ``--any-person``, ``--not-person``...) and the HTTP parameters (the
keywords' names) are generated from it, help text included. Per facet a filter has three
modes: every value must match (all), at least one must (any), none may (none); dates bound
the articles from both sides, inclusively.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from index import Facet, InvalidValueError
from search.query.dates import bound

#: ``since`` and ``until``: the date bounds, inclusive.
DATE_KEYWORDS: tuple[str, str] = ("since", "until")
#: ``languages``: the articles' languages, any of them (ISO 639-1 codes).
LANGUAGE_KEYWORD = "languages"
#: Help of the language filter.
LANGUAGE_HELP = ("Only articles in this language (ISO 639-1 code: en, fr); repeat for any "
                 "of several.")


class Mode(enum.Enum):
    """How the values of one facet filter combine."""

    ALL = ""
    ANY = "any"
    NONE = "not"

    def keyword(self, facet: Facet) -> str:
        """The Python keyword and HTTP parameter: ``people``, ``any_people``, ``not_people``."""
        return _KEYWORDS[self, facet]


#: Every (mode, facet) keyword, built once: a search reads them many times.
_KEYWORDS: Mapping[tuple[Mode, Facet], str] = {
    (mode, facet): f"{mode.value}_{facet.value}" if mode.value else facet.value
    for mode in Mode for facet in Facet}


@dataclass(frozen=True, slots=True)
class FacetWording:
    """How one facet is named to a person: its CLI option word, short flag and noun."""

    option: str
    short: str | None
    noun: str


#: The CLI word, short flag and noun of each facet.
WORDING: Mapping[Facet, FacetWording] = {
    Facet.PEOPLE: FacetWording("person", "-p", "person"),
    Facet.ORGANIZATIONS: FacetWording("org", "-o", "organization"),
    Facet.PLACES: FacetWording("place", None, "place"),
    Facet.COUNTRIES: FacetWording("country", "-c", "country (name, alias or ISO code)"),
}

_HELP = {
    Mode.ALL: "Only articles naming this {noun}; repeat for all of several.",
    Mode.ANY: "Articles naming at least one of these: {noun}; repeatable.",
    Mode.NONE: "Leave out articles naming this {noun}; repeatable.",
}


@dataclass(frozen=True, slots=True)
class FilterField:
    """One entity filter as every interface names it."""

    facet: Facet
    mode: Mode
    keyword: str  #: Python keyword and HTTP parameter
    option: str  #: CLI option
    short: str | None  #: CLI short flag (the all-of mode only)
    help: str


def _fields() -> tuple[FilterField, ...]:
    fields = []
    for mode in Mode:
        for facet in Facet:
            words = WORDING[facet]
            option = f"--{mode.value}-{words.option}" if mode.value else f"--{words.option}"
            fields.append(FilterField(facet, mode, mode.keyword(facet), option,
                                      words.short if mode is Mode.ALL else None,
                                      _HELP[mode].format(noun=words.noun)))
    return tuple(fields)


#: Every entity filter, all-of first, then any-of, then none-of, facets in their order.
FILTER_FIELDS: tuple[FilterField, ...] = _fields()
#: Help of the date bounds.
DATE_HELP: Mapping[str, str] = {
    "since": "Dated on or after: 2019, 2019-06, 2019-06-30, '30 June 2019', yesterday, 7d, "
             "3m, 1y; a partial date counts from its first day.",
    "until": "Dated on or before (same forms); a partial date counts to its last day.",
}
#: Every filter keyword: the entity filters', the dates' and the languages'.
FILTER_KEYWORDS: tuple[str, ...] = (*(f.keyword for f in FILTER_FIELDS), *DATE_KEYWORDS,
                                    LANGUAGE_KEYWORD)
_KEYWORD_SET = frozenset(FILTER_KEYWORDS)


@dataclass(frozen=True, slots=True)
class Filters:
    """Entity and date filters.

    Per facet: every value of ``people`` must match (AND), at least one of ``any_people``
    (OR), and none of ``not_people`` (NOT); the same for the other facets. Build one with
    :meth:`build`, which checks the values.
    """

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    any_people: tuple[str, ...] = ()
    any_organizations: tuple[str, ...] = ()
    any_places: tuple[str, ...] = ()
    any_countries: tuple[str, ...] = ()
    not_people: tuple[str, ...] = ()
    not_organizations: tuple[str, ...] = ()
    not_places: tuple[str, ...] = ()
    not_countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def build(cls, **keywords: Any) -> Filters:
        """Checked filters from keyword values (any of :data:`FILTER_KEYWORDS`).

        Entity values may be one string or an iterable of strings; blank ones are dropped.
        Dates may be ``date`` objects or text in any form of :mod:`search.query.dates`.

        Raises:
            InvalidValueError: an unknown keyword, a value that is not text, or a date that
                is malformed or after the other bound.
        """
        unknown = keywords.keys() - _KEYWORD_SET
        if unknown:
            raise InvalidValueError(f"Unknown filter {min(unknown)!r}; filters are: "
                                    f"{', '.join(FILTER_KEYWORDS)}")
        # Only the keywords given are read: a search builds its filters on every call.
        values = {name: _clean(name, given) for name, given in keywords.items()
                  if name not in DATE_KEYWORDS and name != LANGUAGE_KEYWORD and given}
        since = as_date("since", keywords.get("since"))
        until = as_date("until", keywords.get("until"), end=True)
        if since and until and since > until:
            raise InvalidValueError(f"since ({since}) is after until ({until}); swap them")
        return cls(since=since, until=until,
                   languages=_languages(keywords.get(LANGUAGE_KEYWORD, ())), **values)

    def get(self, facet: Facet, mode: Mode = Mode.ALL) -> tuple[str, ...]:
        """The values of one facet's filter in one mode."""
        return getattr(self, mode.keyword(facet))  # type: ignore[no-any-return]

    def values(self, facet: Facet) -> tuple[str, ...]:
        """The values of one facet that must all match."""
        return self.get(facet, Mode.ALL)

    def any_values(self, facet: Facet) -> tuple[str, ...]:
        """The values of one facet of which one must match."""
        return self.get(facet, Mode.ANY)

    def not_values(self, facet: Facet) -> tuple[str, ...]:
        """The values of one facet that must not match."""
        return self.get(facet, Mode.NONE)

    def narrows(self, facet: Facet) -> bool:
        """Whether any filter is set on ``facet``."""
        return any(self.get(facet, mode) for mode in Mode)

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.languages) or any(
            self.narrows(f) for f in Facet)

    def to_dict(self) -> dict[str, tuple[str, ...]]:
        """Non-empty filters by keyword (``people``, ``any_people``, ``not_people``...),
        dates as ISO text."""
        out = {f.keyword: self.get(f.facet, f.mode) for f in FILTER_FIELDS
               if self.get(f.facet, f.mode)}
        if self.since:
            out["since"] = (self.since.isoformat(),)
        if self.until:
            out["until"] = (self.until.isoformat(),)
        if self.languages:
            out[LANGUAGE_KEYWORD] = self.languages
        return out


#: No filters at all.
NO_FILTERS = Filters()


def coerce_filters(filters: Filters | None, keywords: Mapping[str, Any]) -> Filters:
    """The filters of a call: a :class:`Filters` value or its keywords, not both.

    Raises:
        InvalidValueError: both are given, ``filters`` is not a Filters value, or a
            keyword is unknown or malformed.
    """
    if filters is None:
        return Filters.build(**keywords)
    if keywords:
        raise InvalidValueError(f"Give filters= or filter keywords ({', '.join(sorted(keywords))}"
                                "), not both: add them to the Filters value")
    if not isinstance(filters, Filters):
        raise InvalidValueError(f"filters must be a Filters value, got {filters!r}")
    return filters


def as_date(name: str, value: dt.date | str | None, *, end: bool = False) -> dt.date | None:
    """``value`` (a date, or text in any form of :mod:`search.query.dates`) as the first day
    it names, or the last when ``end``; an error naming ``name`` otherwise."""
    return bound(name, value, end=end)


def _languages(values: str | Iterable[str] | None) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(v.lower() for v in _clean(LANGUAGE_KEYWORD, values)))
    for code in codes:
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise InvalidValueError(f"{LANGUAGE_KEYWORD} must be language codes such as 'en' "
                                    f"or 'fr', got {code!r}")
    return codes


def _clean(name: str, values: str | Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    try:
        items = list(values)
    except TypeError:
        raise InvalidValueError(f"{name} must be a name or a list of names, "
                                f"got {values!r}") from None
    for value in items:
        if not isinstance(value, str):
            raise InvalidValueError(f"{name} values must be text, got {value!r}")
    return tuple(v.strip() for v in items if v.strip())
