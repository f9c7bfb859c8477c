"""Facets of a small business-wire archive (tests/fixtures/wire), with the real model: results
tables, ALL-CAPS headlines, "CITY, Month Day -" datelines, "the X administration"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import Facet, build_index, renormalize
from index.entities import rules
from search import NewsIndex, list_entities

WIRE = Path(__file__).parent / "fixtures" / "wire"
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"}


@pytest.fixture(scope="module")
def wire_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wire") / "index"
    assert build_index([WIRE], path).failed == 0
    return path


@pytest.fixture(scope="module")
def wire(wire_index: Path) -> Iterator[NewsIndex]:
    with NewsIndex(wire_index) as news:
        yield news


def test_every_person_of_the_wire_is_a_named_person(wire: NewsIndex) -> None:
    people = {c.value for c in wire.facet(Facet.PEOPLE, size=0)}
    # Every person in these stories is named in full somewhere; table labels ("Revs",
    # "Avg"), headline verbs, cities and companies are not people.
    assert people == {"Tom Halvorsen", "Wendell Barrow", "Marla Quist", "Ruth Ambler",
                      "Klaus Reinholt", "Alan Pruett", "Dora Velasquez", "Peter Lindqvist"}


def test_organizations_and_places_of_the_wire_hold_no_junk(wire: NewsIndex) -> None:
    organizations = Counter({c.value: c.count for c in wire.facet(Facet.ORGANIZATIONS, size=0)})
    places = {c.value for c in wire.facet(Facet.PLACES, size=0)}
    # One entity per company whatever its headline or legal form, no legal form alone, no
    # "Commission" beside "European Community Commission", no headline words.
    assert organizations["Vantor Industries Inc"] == 2 and organizations["Belmark Corp"] == 2
    assert organizations["Grellin Oil Co"] == 2 and organizations["Oskan Chemical Ltd"] == 2
    assert all(any(c.islower() for c in name) or len(name) <= 4 for name in organizations)
    assert "Commission" not in organizations and "Bundesbank" in organizations
    # Datelines give their city, never their date; a city shouted in its dateline is shown
    # as it is written.
    assert not places & MONTHS and "Grellin" not in places  # Grellin Oil Co
    assert {"New York", "Washington", "Chicago", "Houston", "Minneapolis", "Rotterdam"} <= places
    assert not any(name.isupper() and len(name) > 4 for name in places)


def test_a_leader_filter_finds_the_stories_about_the_administration(wire: NewsIndex) -> None:
    stories = {d.id for d in wire.export(people=["Tom Halvorsen"])}
    assert {Path(s).name for s in stories} == {
        "09-halvorsen-trade.txt", "10-halvorsen-budget.txt", "11-halvorsen-aides.txt",
        "12-barrow-rates.txt"}


def test_stored_documents_exports_and_facets_show_one_form(wire: NewsIndex) -> None:
    for facet in (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.PLACES):
        counted = Counter({c.value: c.count for c in wire.facet(facet, size=0)})
        exported = Counter(v for d in wire.export() for v in getattr(d, facet.value))
        assert counted == exported
        for doc in wire.export():
            assert getattr(wire.get(doc.id), facet.value) == getattr(doc, facet.value)


def test_countries_keep_roll_ups_apart_from_spellings(wire: NewsIndex, wire_index: Path) -> None:
    (usa,) = list_entities(wire, Facet.COUNTRIES, match="united states")
    assert "U.S." in usa.variants
    implied = {name.casefold() for name in usa.implied_by}  # raw spellings: "CHICAGO"
    assert {"washington", "chicago", "ohio"} <= implied
    assert not implied & {name.casefold() for name in usa.variants}
    result = CliRunner().invoke(app, ["entities", "countries", "--format", "csv",
                                      "--index", str(wire_index)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "name,count,variants,implied_by"


def test_switching_the_rules_off_brings_the_junk_back(tmp_path: Path) -> None:
    path = tmp_path / "index"
    build_index([WIRE], path)
    with rules.disabled():
        renormalize(path)
    with NewsIndex(path) as news:
        people = {c.value for c in news.facet(Facet.PEOPLE, size=0)}
    assert {"Revs", "Avg"} <= people
    renormalize(path)
    with NewsIndex(path) as news:
        assert "Revs" not in {c.value for c in news.facet(Facet.PEOPLE, size=0)}
