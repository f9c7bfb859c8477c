"""Tests for index.entities.places: country names, codes, cities, context and nationalities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.entities.demonyms import DEMONYMS
from index.entities.places import (
    canonical_country_names,
    countries_for,
    country_for_name,
    country_for_nationality,
    country_for_place,
    country_for_query,
    is_country,
)

CANONICAL = canonical_country_names()

NAME_CASES = [
    ("United States", "United States"),
    ("the United States", "United States"),
    ("The United Kingdom", "United Kingdom"),
    ("russia", "Russia"),
    ("RUSSIA", "Russia"),
    ("Russian Federation", "Russia"),
    ("Syrian Arab Republic", "Syria"),
    ("Islamic Republic of Iran", "Iran"),
    ("Russia's", "Russia"),
    ("US", "United States"),
    ("USA", "United States"),
    ("the US", "United States"),
    ("U.S.", "United States"),
    ("the U.S.", "United States"),
    ("U.S.A.", "United States"),
    ("U.K.", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("GB", "United Kingdom"),
    ("GBR", "United Kingdom"),
    ("RUS", "Russia"),
    ("UAE", "United Arab Emirates"),
    ("DPRK", "North Korea"),
    ("Türkiye", "Turkey"),
    ("Turkiye", "Turkey"),
    ("Côte d’Ivoire", "Ivory Coast"),
    ("Cote d'Ivoire", "Ivory Coast"),
    ("Soviet Union", "Russia"),
    ("USSR", "Russia"),
    ("West Germany", "Germany"),
    ("East Germany", "Germany"),
    ("Burma", "Myanmar"),
    ("Holland", "Netherlands"),
    ("The Netherlands", "Netherlands"),
    ("Zaire", "Democratic Republic of the Congo"),
    ("Congo", "Democratic Republic of the Congo"),
    ("Republic of the Congo", "Republic of the Congo"),
    ("Persia", "Iran"),
    ("Great Britain", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("America", "United States"),
    ("Czech Republic", "Czechia"),
    ("Viet Nam", "Vietnam"),
    ("Korea", "South Korea"),
    ("Republic of Korea", "South Korea"),
    ("Swaziland", "Eswatini"),
    ("Palestinian Territory", "Palestine"),
    ("State of Palestine", "Palestine"),
    ("Hong Kong", "Hong Kong"),
    ("Macao", "Macau"),
    ("Kosovo", "Kosovo"),
    ("Taiwan", "Taiwan"),
    ("Holy See", "Vatican"),
    ("Georgia", "Georgia"),
    ("Guinea-Bissau", "Guinea-Bissau"),
    ("Guinea Bissau", "Guinea-Bissau"),
    # Not country names.
    ("us", None),
    ("usa", None),
    ("in", None),
    ("it", None),
    ("IN", None),
    ("CA", None),
    ("AI", None),
    ("CAN", None),
    ("U.N.", None),
    ("EU", None),
    ("Latin America", None),
    ("South America", None),
    ("Europe", None),
    ("Antarctica", None),
    ("England", None),
    ("Paris", None),
    ("The", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), NAME_CASES)
def test_country_for_name(text: str, expected: str | None) -> None:
    assert country_for_name(text) == expected
    assert is_country(text) is (expected is not None)


PLACE_CASES = [
    ("Washington", "United States"),
    ("Washington, D.C.", "United States"),
    ("New York", "United States"),
    ("Moscow", "Russia"),
    ("Berlin", "Germany"),
    ("Damascus", "Syria"),
    ("Aleppo", "Syria"),
    ("Tbilisi", "Georgia"),
    ("Kiev", "Ukraine"),
    ("Kyiv", "Ukraine"),
    ("Odessa", "Ukraine"),
    ("Beijing", "China"),
    ("Peking", "China"),
    ("Bombay", "India"),
    ("Mumbai", "India"),
    ("London", "United Kingdom"),
    ("Londonderry", "United Kingdom"),
    ("Sydney", "Australia"),
    ("Birmingham", "United Kingdom"),
    ("Manchester", "United Kingdom"),
    ("Cambridge", "United Kingdom"),
    ("Reading", "United Kingdom"),
    ("Frankfurt", "Germany"),
    ("Zurich", "Switzerland"),
    ("São Paulo", "Brazil"),
    ("Sao Paulo", "Brazil"),
    ("St. Petersburg", "Russia"),
    ("The Hague", "Netherlands"),
    ("Brussels", "Belgium"),
    ("Hong Kong", "Hong Kong"),
    ("Kosovo", "Kosovo"),
    ("Pristina", "Kosovo"),
    ("Taiwan", "Taiwan"),
    ("Taipei", "Taiwan"),
    ("Gaza", "Palestine"),
    ("Gaza Strip", "Palestine"),
    ("West Bank", "Palestine"),
    ("Rafah", "Palestine"),
    ("Jerusalem", "Israel"),
    ("Crimea", "Ukraine"),
    ("Sevastopol", "Ukraine"),
    ("Vatican", "Vatican"),
    ("Vatican City", "Vatican"),
    ("Texas", "United States"),
    ("California", "United States"),
    ("England", "United Kingdom"),
    ("Scotland", "United Kingdom"),
    ("Wales", "United Kingdom"),
    ("Northern Ireland", "United Kingdom"),
    ("Ontario", "Canada"),
    ("Victoria", "Australia"),
    ("Georgia", "Georgia"),
    ("Paris", "France"),
    ("Lebanon", "Lebanon"),
    ("U.S.", "United States"),
    ("Syria", "Syria"),
    # Not places, or not in one country.
    ("West", None),
    ("Friday", None),
    ("Apple", None),
    ("Mars", None),
    ("Bill", None),
    ("The", None),
    ("Will", None),
    ("Of", None),
    ("Surprise", None),
    ("Union", None),
    ("Europe", None),
    ("Asia", None),
    ("Africa", None),
    ("Middle East", None),
    ("Latin America", None),
    ("Hamas", None),
    ("Atlantis", None),
    ("Smallville", None),
    ("IN", None),
]


@pytest.mark.parametrize(("text", "expected"), PLACE_CASES)
def test_country_for_place(text: str, expected: str | None) -> None:
    assert country_for_place(text) == expected


CONTEXT_CASES = [
    ("Paris", ["Texas"], "United States"),
    ("Paris", ["London", "Berlin"], "France"),
    ("Paris", ["United States"], "France"),  # Paris, Texas is too small for a country hint
    ("Georgia", ["Tbilisi"], "Georgia"),
    ("Georgia", ["Atlanta"], "United States"),
    ("Georgia", ["Texas", "Florida"], "United States"),
    ("Georgia", ["Russia"], "Georgia"),
    ("Cambridge", ["Massachusetts"], "United States"),
    ("Cambridge", ["Boston"], "United States"),
    ("Cambridge", ["Oxford"], "United Kingdom"),
    ("London", ["Ontario"], "Canada"),
    ("Birmingham", ["Alabama"], "United States"),
    ("Washington", ["Birmingham"], "United States"),
    ("Lebanon", ["Ohio"], "Lebanon"),
    ("Reading", ["Pennsylvania"], "United States"),
    ("Victoria", ["Vancouver"], "Canada"),
    ("Newcastle", ["England"], "United Kingdom"),
    ("Sydney", ["Nova Scotia"], "Canada"),
    ("Moscow", ["Idaho"], "United States"),
    ("Moscow", ["Kyiv"], "Russia"),
]


@pytest.mark.parametrize(("text", "context", "expected"), CONTEXT_CASES)
def test_country_for_place_with_context(text: str, context: list[str], expected: str) -> None:
    assert country_for_place(text, context=context) == expected


NATIONALITY_CASES = [
    ("Russian", "Russia"),
    ("Russians", "Russia"),
    ("russian", "Russia"),
    ("Syrian", "Syria"),
    ("Syrians", "Syria"),
    ("British", "United Kingdom"),
    ("Britons", "United Kingdom"),
    ("Scottish", "United Kingdom"),
    ("American", "United States"),
    ("Americans", "United States"),
    ("Turkish", "Turkey"),
    ("Turks", "Turkey"),
    ("Chinese", "China"),
    ("Dutch", "Netherlands"),
    ("Swiss", "Switzerland"),
    ("Filipino", "Philippines"),
    ("Filipinos", "Philippines"),
    ("Israeli", "Israel"),
    ("Israelis", "Israel"),
    ("Palestinian", "Palestine"),
    ("Palestinians", "Palestine"),
    ("French", "France"),
    ("Frenchmen", "France"),
    ("South Korean", "South Korea"),
    ("North Koreans", "North Korea"),
    ("Irish", "Ireland"),
    ("Taiwanese", "Taiwan"),
    ("Kosovars", "Kosovo"),
    ("Soviet", "Russia"),
    ("Burkinabé", "Burkina Faso"),
    ("Muslim", None),
    ("Muslims", None),
    ("Democrats", None),
    ("Republican", None),
    ("Republicans", None),
    ("Islamic", None),
    ("Sunni", None),
    ("Shiite", None),
    ("Jewish", None),
    ("Arab", None),
    ("Kurdish", None),
    ("European", None),
    ("Latino", None),
    ("Russia", None),
]


@pytest.mark.parametrize(("text", "expected"), NATIONALITY_CASES)
def test_country_for_nationality(text: str, expected: str | None) -> None:
    assert country_for_nationality(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("us", "United States"),
        ("uk", "United Kingdom"),
        ("u.s.", "United States"),
        ("in", "India"),
        ("IN", "India"),
        ("deu", "Germany"),
        ("russian", "Russia"),
        ("Germans", "Germany"),
        ("germany", "Germany"),
        ("the netherlands", "Netherlands"),
        ("paris", None),
        ("xx", None),
        ("muslim", None),
    ],
)
def test_country_for_query(text: str, expected: str | None) -> None:
    assert country_for_query(text) == expected


def test_countries_for_uses_the_article_as_context() -> None:
    us_article = countries_for(["Georgia", "Atlanta", "Paris", "Texas"])
    assert us_article == dict.fromkeys(["Georgia", "Atlanta", "Paris", "Texas"], "United States")
    world_article = countries_for(["Georgia", "Tbilisi", "Paris"], ["Russians", "Muslim"])
    assert world_article == {
        "Georgia": "Georgia", "Tbilisi": "Georgia", "Paris": "France", "Russians": "Russia",
    }


def test_countries_for_nationalities_are_context_and_unresolved_are_left_out() -> None:
    assert countries_for(["Cambridge"], ["American"]) == {
        "Cambridge": "United States", "American": "United States",
    }
    assert countries_for(["Europe", "Friday", "Paris", "Paris"]) == {"Paris": "France"}
    assert countries_for([]) == {}


def test_canonical_names_are_sorted_unique_and_newsworthy() -> None:
    assert list(CANONICAL) == sorted(set(CANONICAL))
    for name in ("United States", "United Kingdom", "Russia", "Syria", "Iran", "South Korea",
                 "North Korea", "Turkey", "Vietnam", "Czechia", "Palestine", "Netherlands"):
        assert name in CANONICAL
    for stale in ("Antarctica", "Netherlands Antilles", "Serbia and Montenegro",
                  "Palestinian Territory", "The Netherlands", "Czech Republic"):
        assert stale not in CANONICAL


def test_every_demonym_names_one_known_country() -> None:
    seen: dict[str, str] = {}
    for code, words in DEMONYMS.items():
        for word in words:
            assert word.lower() not in seen, f"{word!r} in {code} and {seen[word.lower()]}"
            seen[word.lower()] = code
            assert country_for_nationality(word) in CANONICAL


@pytest.mark.parametrize("name", CANONICAL)
def test_every_canonical_name_resolves_to_itself(name: str) -> None:
    assert country_for_name(name) == name
    assert country_for_place(name) == name
    assert country_for_query(name.lower()) == name


@given(name=st.sampled_from(CANONICAL), flips=st.lists(st.booleans(), min_size=60, max_size=60))
def test_country_names_ignore_case(name: str, flips: list[bool]) -> None:
    mixed = "".join(ch.swapcase() if flip else ch for ch, flip in zip(name, flips, strict=False))
    assert country_for_name(mixed) == name
    assert country_for_name(f"the {mixed}") == name


@given(text=st.text(max_size=30), context=st.lists(st.text(max_size=12), max_size=4))
def test_results_are_always_canonical_names(text: str, context: list[str]) -> None:
    for found in (country_for_name(text), country_for_place(text, context=context),
                  country_for_nationality(text), country_for_query(text)):
        assert found is None or found in CANONICAL
    assert set(countries_for([text, *context], [text]).values()) <= set(CANONICAL)


@given(name=st.sampled_from(["Berlin", "Tbilisi", "Aleppo", "Texas", "Kyiv", "Germany"]),
       context=st.lists(st.sampled_from(["Texas", "Paris", "London", "Atlanta", "Ohio"])))
def test_context_never_moves_an_unambiguous_place(name: str, context: list[str]) -> None:
    assert country_for_place(name, context=context) == country_for_place(name)
