"""Normalisation records the raw spellings behind each facet value as it decides them.

Pure tests of :func:`normalize_mentions` on hand-made mentions (no model), of the stored
form, and of the corpus pass on a small hand-made corpus run through the real model:
``newsfacet entities`` lists what only the corpus's decisions explain.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import (
    Aliases,
    Entities,
    Facet,
    IndexVersionError,
    Mention,
    Spellings,
    StoredRecord,
    build_index,
    normalize_mentions,
)
from index.entities.display import unify_displays
from index.store.folder import META_FILE
from search import NewsIndex, list_entities
from tests.helpers import write_articles


def mentions(text: str, *spans: tuple[str, str]) -> list[Mention]:
    """Mentions of ``(text, label)`` at their places in ``text``, in order."""
    out, position = [], 0
    for name, label in spans:
        start = text.index(name, position)
        out.append(Mention(name, label, start))
        position = start + len(name)
    return out


def spelled(entities: Entities, facet: Facet) -> dict[str, dict[str, int]]:
    return {value: dict(written) for value, written in entities.spellings.get(facet).items()}


def test_a_surname_and_a_title_are_spellings_of_the_full_name() -> None:
    text = "Talks\n\nDefence Minister Sergei Shoigu spoke on Monday. Mr Shoigu added more."
    found = normalize_mentions(mentions(text, ("Sergei Shoigu", "PERSON"),
                                        ("Mr Shoigu", "PERSON")), text)
    assert found.people == ("Sergei Shoigu",)
    assert spelled(found, Facet.PEOPLE) == {"Sergei Shoigu": {"Sergei Shoigu": 1,
                                                              "Mr Shoigu": 1}}


def test_a_name_a_rule_rewrote_counts_under_its_ner_spelling() -> None:
    # "the Commission" after "European Community Commission" is that one (a rule of
    # index.entities.rules): the spelling is what NER found, cleaned.
    text = "Talks\n\nThe European Community Commission met on Monday. Later the Commission said no."
    found = normalize_mentions(mentions(text, ("The European Community Commission", "ORG"),
                                        ("the Commission", "ORG")), text)
    assert spelled(found, Facet.ORGANIZATIONS) == {
        "European Community Commission": {"European Community Commission": 1,
                                          "Commission": 1}}


def test_mentions_joined_by_a_rule_count_under_the_joined_spelling() -> None:
    text = "Talks\n\nThe Islamic State claimed the attack."
    found = normalize_mentions(mentions(text, ("Islamic", "NORP"), ("State", "ORG")), text)
    assert spelled(found, Facet.ORGANIZATIONS) == {"Islamic State": {"Islamic State": 1}}


def test_a_split_mention_counts_each_piece_under_its_own_spelling() -> None:
    text = "Talks\n\nThe talks (Paris / Berlin) ended."
    found = normalize_mentions(mentions(text, ("Paris / Berlin", "GPE")), text)
    assert spelled(found, Facet.PLACES) == {"Paris": {"Paris": 1}, "Berlin": {"Berlin": 1}}


def test_a_country_records_its_names_places_nationalities_and_compounds() -> None:
    text = ("Talks\n\nOfficials in Texas and American diplomats met the U.S. envoy near the "
            "Syrian-Turkish border.")
    found = normalize_mentions(mentions(text, ("Texas", "GPE"), ("American", "NORP"),
                                        ("U.S.", "GPE")), text)
    assert spelled(found, Facet.COUNTRIES) == {
        "United States": {"Texas": 1, "American": 1, "U.S.": 1},
        "Syria": {"Syrian": 1}, "Turkey": {"Turkish": 1}}


def test_an_alias_merges_the_spellings_of_what_it_maps() -> None:
    aliases = Aliases({Facet.PEOPLE: {"putin": "Vladimir Putin", "v putin": "Vladimir Putin"}})
    text = "Talks\n\nV. Putin arrived. Putin spoke."
    found = normalize_mentions(mentions(text, ("V. Putin", "PERSON"), ("Putin", "PERSON")),
                               text, aliases=aliases)
    assert spelled(found, Facet.PEOPLE) == {"Vladimir Putin": {"V. Putin": 1, "Putin": 1}}


def test_spellings_leave_equality_alone_and_pickle() -> None:
    text = "Talks\n\nMr Shoigu spoke."
    found = normalize_mentions(mentions(text, ("Mr Shoigu", "PERSON")), text)
    plain = Entities(people=found.people)
    assert found == plain and hash(found) == hash(plain)
    assert found.spellings != plain.spellings
    assert pickle.loads(pickle.dumps(found)).spellings == found.spellings
    assert "spellings" not in repr(found)


def test_display_forms_pool_the_spellings_of_the_values_they_join() -> None:
    def places(*written: tuple[str, dict[str, int]]) -> Entities:
        return Entities(places=tuple(v for v, _ in written), spellings=Spellings.of(
            {Facet.PLACES: {v: Counter(c) for v, c in written}}))

    shown = unify_displays([places(("São Paulo", {"São Paulo": 1})),
                            places(("São Paulo", {"São Paulo": 1})),
                            places(("Sao Paulo", {"Sao Paulo": 2}),
                                   ("U.S.", {"U.S.": 1}), ("US", {"US": 2}))])
    (us,) = set(shown[2].places) - {"São Paulo"}  # the best form of "U.S." and "US"
    assert shown[2].places == ("São Paulo", us)
    assert spelled(shown[2], Facet.PLACES) == {"São Paulo": {"Sao Paulo": 2},
                                               us: {"US": 2, "U.S.": 1}}


def test_the_stored_form_is_compact_and_reads_back() -> None:
    entities = Entities(people=("Sergei Shoigu",), countries=("Russia",),
                        spellings=Spellings.of({
                            Facet.PEOPLE: {"Sergei Shoigu": Counter({"Shoigu": 3,
                                                                     "Sergei Shoigu": 1})},
                            Facet.COUNTRIES: {"Russia": Counter({"Moscow": 2})}}))
    stored = StoredRecord(entities=entities).to_dict()
    # A spelling equal to its value is "", aligned with the entities; empty facets left out.
    assert stored["spellings"] == {"people": [["Shoigu", 3, "", 1]],
                                   "countries": [["Moscow", 2]]}
    back = StoredRecord.from_dict(json.loads(json.dumps(stored))).entities
    assert back == entities and back.spellings == entities.spellings


def test_a_damaged_stored_form_reads_as_no_spellings() -> None:
    stored = StoredRecord(entities=Entities(people=("A B", "C D"))).to_dict()
    stored["spellings"] = {"people": [["A", 1]]}  # one list for two values
    assert StoredRecord.from_dict(stored).entities.spellings.get(Facet.PEOPLE) == {}


#: Three articles: the second names the minister in full only, the third by surname only
#: and uses the agency's acronym without spelling it out. Only the corpus links them.
CORPUS = {
    "a1.txt": "Brennick sets out coastal patrol plan\n\nDefence Minister Halvard Brennick said "
              "on Monday that the Northern Maritime Coordination Agency (NMCA) would expand "
              "its patrols along the coast. Brennick met harbour officials in Bergen, Norway, "
              "and said the Texas-based contractor would deliver new boats.\n",
    "a2.txt": "Minister visits shipyard\n\nHalvard Brennick visited a shipyard in Stavanger on "
              "Tuesday. Halvard Brennick told workers that the government would order six "
              "vessels. American engineers attended the visit.\n",
    "a3.txt": "Patrol budget to rise\n\nBrennick told reporters on Wednesday that the NMCA "
              "budget would rise by a fifth next year. The agency said the money would pay for "
              "crews and fuel. Critics in parliament said Brennick had not explained where "
              "the money would come from.\n",
}
MINISTER, AGENCY = "Halvard Brennick", "Northern Maritime Coordination Agency"


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spellings")
    write_articles(folder / "articles", CORPUS)
    build_index([folder / "articles"], folder / "index", workers=1)
    return folder / "index"


def test_the_corpus_links_a_lone_surname_and_acronym_and_records_it(small_index: Path) -> None:
    with NewsIndex(small_index) as news:
        third = news.get("a3.txt")
        assert third.people == (MINISTER,) and third.organizations == (AGENCY,)
        assert spelled_doc(third.spellings, Facet.PEOPLE) == {MINISTER: {"Brennick": 2}}
        assert spelled_doc(third.spellings, Facet.ORGANIZATIONS) == {AGENCY: {"NMCA": 1}}
        people = {e.name: e for e in list_entities(news, "people")}
        organizations = {e.name: e for e in list_entities(news, "organizations")}
        countries = {e.name: e for e in list_entities(news, "countries")}
    assert people[MINISTER].count == 3 and people[MINISTER].variants == ("Brennick",)
    assert organizations[AGENCY].variants == ("NMCA",)
    assert countries["United States"].implied_by == ("American", "Texas")
    assert countries["Norway"].variants == () and countries["Norway"].implied_by == ("Bergen",)


def spelled_doc(spellings: Spellings, facet: Facet) -> dict[str, dict[str, int]]:
    return {value: dict(written) for value, written in spellings.get(facet).items()}


def test_entities_command_lists_the_recorded_spellings(small_index: Path) -> None:
    result = CliRunner().invoke(app, ["entities", "people", "--index", str(small_index),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)["entities"]
    assert {"facet": "people", "name": MINISTER, "count": 3, "variants": ["Brennick"],
            "implied_by": []} in listed


def test_an_index_without_recorded_spellings_asks_for_a_rebuild(
        small_index: Path, tmp_path: Path) -> None:
    # An index written before spellings were recorded has schema version 5.
    old = tmp_path / "old"
    old.mkdir()
    for item in small_index.iterdir():
        if item.is_file():
            (old / item.name).write_bytes(item.read_bytes())
    meta = json.loads((old / META_FILE).read_text(encoding="utf-8"))
    (old / META_FILE).write_text(json.dumps({**meta, "schema_version": 5}), encoding="utf-8")
    with pytest.raises(IndexVersionError, match=r"schema version 5.*--rebuild"):
        NewsIndex(old)
    result = CliRunner().invoke(app, ["entities", "people", "--index", str(old)])
    assert result.exit_code != 0
    assert "schema version 5" in result.output and "--rebuild" in result.output
