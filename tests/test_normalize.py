"""Canonical names from raw mentions: pure functions, no model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index import Mention, normalize_mentions
from index.entities.names import clean_name, clean_person, name_key
from index.entities.normalize import link_people


def m(text: str, label: str, start: int = 0) -> Mention:
    return Mention(text, label, start)


def test_clean_name_rules() -> None:
    assert clean_name("the Pentagon") == "Pentagon"
    assert clean_name("“Pentagon’s") == "Pentagon"
    assert clean_name("Moscow`s") == "Moscow"
    assert clean_name("”Russian") == "Russian"
    assert clean_name("  Sergei \n Shoigu ") == "Sergei Shoigu"
    assert clean_name("U.S.") == "U.S."
    assert clean_name("Washington, D.C.") == "Washington D.C."
    assert clean_name("The Hague") == "Hague"  # a known trade-off of the "the" rule


def test_clean_person_drops_honorifics() -> None:
    assert clean_person("Mr. John Kirby") == "John Kirby"
    assert clean_person("Mr Marchionne") == "Marchionne"
    assert clean_person("Dr") == "Dr"


def test_clean_person_drops_titles_of_office_before_a_name() -> None:
    assert clean_person("Councillor Jan Smith") == "Jan Smith"
    assert clean_person("Vice President Mike Pence") == "Mike Pence"
    assert clean_person("former Prime Minister Boris Johnson") == "Boris Johnson"
    assert clean_person("Gen. Mark Milley") == "Mark Milley"
    assert clean_person("President Obama") == "Obama"
    # Not before a name, not a title there, or a style that names the person: kept.
    assert clean_person("President") == "President"
    assert clean_person("John Major") == "John Major"
    assert clean_person("Prince Harry") == "Prince Harry"
    assert clean_person("Coach house") == "Coach house"


def test_name_key_ignores_case_accents_and_dots() -> None:
    assert name_key("Sérgei SHOIGU") == name_key("sergei shoigu") == "sergei shoigu"
    assert name_key("U.S.") == "u s"


@given(st.text(max_size=40))
def test_clean_name_is_idempotent(text: str) -> None:
    once = clean_name(text)
    assert clean_name(once) == once


def test_surname_links_to_the_one_full_name() -> None:
    mapping = link_people(["Sergei Shoigu", "Shoigu", "John Kirby", "Kirby"])
    assert mapping == {"Sergei Shoigu": "Sergei Shoigu", "Shoigu": "Sergei Shoigu",
                       "John Kirby": "John Kirby", "Kirby": "John Kirby"}


def test_ambiguous_surname_is_left_alone() -> None:
    mapping = link_people(["James Baker", "Howard Baker", "Baker"])
    assert mapping["Baker"] == "Baker"
    assert mapping["James Baker"] == "James Baker"


def test_normalize_mentions_facets() -> None:
    entities = normalize_mentions([
        m("Sergei Shoigu", "PERSON"), m("Shoigu", "PERSON"), m("Shoigu", "PERSON"),
        m("the Pentagon", "ORG"), m("Moscow", "GPE"), m("US", "GPE"),
        m("the United States", "GPE"), m("Syrian", "NORP"), m("Friday", "DATE"),
    ])
    assert entities.people == ("Sergei Shoigu",)
    assert entities.organizations == ("Pentagon",)
    assert entities.places == ("United States", "Moscow")
    assert set(entities.countries) == {"Russia", "United States", "Syria"}


def test_nationalities_are_not_places() -> None:
    entities = normalize_mentions([m("Russian", "NORP"), m("Kyiv", "GPE")])
    assert entities.places == ("Kyiv",)
    assert set(entities.countries) == {"Russia", "Ukraine"}


def test_junk_mentions_are_dropped() -> None:
    entities = normalize_mentions([m("'", "PERSON"), m("x", "ORG"), m("the", "GPE"),
                                   m("lowercase thing", "ORG")])
    assert entities.people == entities.organizations == entities.places == ()
