"""Alias files: parsing, errors, and the round trip through a real index and renormalize."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import (
    Aliases,
    Facet,
    InputError,
    InvalidValueError,
    build_index,
    load_aliases,
    renormalize,
)
from search import NewsIndex, list_entities
from tests.helpers import write_articles

ARTICLES = {
    "putin.txt": "Putin visit\n\nVladimir Putin met Angela Merkel in Berlin on Monday. "
                 "Putin said talks went well.\n",
    "kremlin.txt": "Kremlin statement\n\nPresident Putin spoke to reporters in Moscow on "
                   "Tuesday about gas prices.\n",
    "gas.txt": "Gas deal\n\nGazprom signed a new contract with Uniper in Berlin, the Russian "
               "company said.\n",
    "james.txt": "Baker hearing\n\nJames Baker testified before the committee. Baker said he "
                 "regretted nothing.\n",
    "howard.txt": "Senate vote\n\nHoward Baker led the Senate for years. Baker retired in 1985.\n",
}
TOML = """
[people]
"Vladimir Putin" = ["Putin"]

[organizations]
"Uniper SE" = ["Uniper"]

[drop]
places = ["Berlin"]
"""


@pytest.fixture()
def small_index(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "articles", ARTICLES)
    index_dir = tmp_path / "index"
    assert build_index([folder], index_dir).indexed == len(ARTICLES)
    return index_dir


def counts(index_dir: Path, facet: Facet) -> dict[str, int]:
    with NewsIndex(index_dir) as news:
        return {c.value: c.count for c in news.facet(facet, size=0)}


def found(index_dir: Path, **filters: object) -> set[str]:
    with NewsIndex(index_dir) as news:
        return {Path(d.id).stem for d in news.export(**filters)}


def test_toml_and_csv_read_the_same(tmp_path: Path) -> None:
    toml = tmp_path / "aliases.toml"
    toml.write_text(TOML, encoding="utf-8")
    csv = tmp_path / "aliases.csv"
    csv.write_text("facet,variant,canonical\npeople,Putin,Vladimir Putin\n"
                   "organizations,Uniper,Uniper SE\nplaces,Berlin,\n", encoding="utf-8")
    assert load_aliases(toml) == load_aliases(csv)
    table = load_aliases(toml)
    assert table.resolve(Facet.PEOPLE, "PUTIN") == "Vladimir Putin"
    assert table.resolve(Facet.PLACES, "berlin") is None
    assert table.resolve(Facet.PLACES, "Moscow") == "Moscow"
    assert Aliases.from_dict(table.to_dict()) == table


def test_drop_for_all_facets(tmp_path: Path) -> None:
    file = tmp_path / "a.toml"
    file.write_text('[drop]\nall = ["Reuters"]\n', encoding="utf-8")
    table = load_aliases(file)
    assert all(table.resolve(facet, "Reuters") is None for facet in Facet)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.toml", "[people\n", "is not valid TOML"),
        ("bad.toml", '[planets]\n"Mars" = ["Red Planet"]\n', "Unknown facet 'planets'"),
        ("bad.toml", '[people]\n"Vladimir Putin" = 3\n', "must be a list of names"),
        ("bad.csv", "people,Putin,Vladimir Putin,extra\n", "line 1: expected facet,variant"),
        ("bad.csv", 'people,Putin,"Putin, Vladimir"\n', "has a comma"),
    ],
)
def test_malformed_alias_files_are_reported(tmp_path: Path, name: str, content: str,
                                            message: str) -> None:
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidValueError, match=message):
        load_aliases(file)


def test_missing_alias_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read alias file"):
        load_aliases(tmp_path / "nope.toml")


def test_alias_round_trip(small_index: Path, tmp_path: Path) -> None:
    assert counts(small_index, Facet.PEOPLE)["Putin"] == 1
    assert counts(small_index, Facet.PLACES)["Berlin"] == 2
    assert found(small_index, organizations=["Uniper SE"]) == set()

    file = tmp_path / "aliases.toml"
    file.write_text(TOML, encoding="utf-8")
    report = renormalize(small_index, aliases=file)
    assert report.documents == len(ARTICLES)
    assert report.changed == 3

    people = counts(small_index, Facet.PEOPLE)
    assert people["Vladimir Putin"] == 2 and "Putin" not in people
    assert "Berlin" not in counts(small_index, Facet.PLACES)
    assert "Germany" not in counts(small_index, Facet.COUNTRIES)  # Berlin implied it
    # Filters go through the same table: the variant finds the canonical name.
    assert found(small_index, organizations=["Uniper"]) == {"gas"}
    assert found(small_index, organizations=["Uniper SE"]) == {"gas"}
    with NewsIndex(small_index) as news:
        (putin,) = list_entities(news, "people", match="putin")
    assert putin.count == 2 and "Putin" in putin.variants

    # Edit the file: drop nothing any more, and renormalise again.
    file.write_text(TOML.replace('places = ["Berlin"]', "places = []"), encoding="utf-8")
    assert renormalize(small_index, aliases=file).changed == 2
    assert counts(small_index, Facet.PLACES)["Berlin"] == 2
    # Without --aliases, renormalize keeps the table stored in the index.
    assert renormalize(small_index).changed == 0
    assert found(small_index, organizations=["Uniper"]) == {"gas"}


def test_country_from_capital_or_nationality_only(tmp_path: Path, small_index: Path) -> None:
    assert found(small_index, countries=["Russia"]) == {"kremlin", "gas"}
    assert found(small_index, countries=["Germany"]) == {"putin", "gas"}


def test_surname_finds_full_names_and_full_names_stay_apart(small_index: Path) -> None:
    assert found(small_index, people=["Baker"]) == {"james", "howard"}
    assert found(small_index, people=["James Baker"]) == {"james"}
    assert found(small_index, people=["Howard Baker"]) == {"howard"}
    assert found(small_index, people=["Putin"]) == {"putin", "kremlin"}


def test_cli_renormalize_and_entities(small_index: Path, tmp_path: Path) -> None:
    file = tmp_path / "aliases.csv"
    file.write_text("facet,variant,canonical\npeople,Putin,Vladimir Putin\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["index", "--renormalize", "--index", str(small_index)],
                           env={"NEWSFACET_ALIASES": str(file)})
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Renormalised {len(ARTICLES)} documents, 1 changed")

    result = runner.invoke(app, ["entities", "people", "--match", "putin", "--format", "json",
                                 "--index", str(small_index)])
    assert result.exit_code == 0, result.output
    assert '"name": "Vladimir Putin"' in result.output and '"count": 2' in result.output

    result = runner.invoke(app, ["entities", "countries", "--format", "csv", "--top", "1",
                                 "--index", str(small_index)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "name,count,variants" and len(lines) == 2

    result = runner.invoke(app, ["entities", "planets", "--index", str(small_index)])
    assert result.exit_code == 1 and "Unknown facet 'planets'" in result.output


def test_cli_index_needs_paths_or_renormalize(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["index", "--index", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "give the files or folders to index, or --renormalize" in result.output
    result = CliRunner().invoke(app, ["index", str(tmp_path), "--renormalize"])
    assert result.exit_code == 2 and "takes no paths" in result.output
    result = CliRunner().invoke(app, ["index", "--renormalize", "--index", str(tmp_path / "x")])
    assert result.exit_code == 1 and "No index at" in result.output
