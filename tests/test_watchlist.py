"""Watchlists: a list of names, each resolved like a filter value, counted over the matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import Facet, InvalidValueError, UnknownFacetError
from search import NewsIndex, WatchName, read_watchlist
from tests.helpers import SEED_ARTICLE

runner = CliRunner()


def test_names_in_several_spellings_and_an_unknown_one(news: NewsIndex) -> None:
    result = news.watchlist(["Sergei Shoigu", "shoigu", "SERGEI SHOÏGU", "person:Kirby",
                             "Vladimir Putn"])
    rows = {row.name: row for row in result.rows}
    for spelling in ("Sergei Shoigu", "shoigu", "SERGEI SHOÏGU"):
        row = rows[spelling]
        assert (row.facet, row.matched, row.articles) == ("people", ("Sergei Shoigu",), 1)
        assert row.top_ids == (SEED_ARTICLE,)
        assert "Sergei Shoigu" not in [c.value for c in row.co_mentioned]
        assert len(row.co_mentioned) == 3
    assert rows["Kirby"].matched == ("John Kirby",)
    unknown = rows["Vladimir Putn"]
    assert not unknown.found and unknown.articles == 0
    assert unknown.suggestion is not None and unknown.suggestion.suggestion == "Vladimir Putin"
    assert result.found == 4


def test_counts_dates_and_co_mentions_agree_with_search(news: NewsIndex) -> None:
    row = news.watchlist(["russia"]).rows[0]
    search = news.search(countries=["Russia"], facet_size=5)
    assert (row.facet, row.articles) == ("countries", search.total)
    assert row.first_date is not None and row.last_date is not None
    assert row.first_date <= row.last_date
    people = dict((f.value, f.count) for f in search.facet("people"))
    for item in row.co_mentioned:
        if item.facet == "people":
            assert people[item.value] == item.count
    assert len(row.ids) == row.articles and set(row.top_ids) <= set(row.ids)


def test_query_and_filters_scope_the_counts(news: NewsIndex) -> None:
    everywhere = news.watchlist(["Russia"]).rows[0].articles
    scoped = news.watchlist(["Russia"], "strikes", countries=["Syria"])
    assert 0 < scoped.rows[0].articles < everywhere
    assert scoped.total == news.search("strikes", countries=["Syria"]).total


def test_facet_and_aliases_from_a_csv(tmp_path: Path, news: NewsIndex) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,facet,aliases\nDefence Ministry Head,person,Shoigu;S. Shoigu\n"
                     "Russia,place,\nNobody Known,,\n", encoding="utf-8")
    entries = read_watchlist(names)
    assert entries[0] == WatchName("Defence Ministry Head", Facet.PEOPLE,
                                   ("Shoigu", "S. Shoigu"))
    rows = news.watchlist(entries).rows
    assert rows[0].matched == ("Sergei Shoigu",)
    assert rows[1].facet == "places"
    assert not rows[2].found


def test_bad_names_are_errors(tmp_path: Path, news: NewsIndex) -> None:
    with pytest.raises(InvalidValueError, match="must not be empty"):
        news.watchlist([""])
    with pytest.raises(UnknownFacetError, match="Unknown facet 'planet'"):
        news.watchlist([{"name": "Mars", "facet": "planet"}])
    with pytest.raises(InvalidValueError, match="cannot be read"):
        read_watchlist(tmp_path / "missing.txt")


def test_cli_formats_and_export(tmp_path: Path, seeds_index: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# watched\nShoigu\norg:Pentagon\nZzyzx Qwerty\n", encoding="utf-8")
    base = ["watchlist", str(names), "--index", str(seeds_index)]
    table = runner.invoke(app, base)
    assert table.exit_code == 0, table.output
    assert "2 of 3 names found" in table.output
    out = runner.invoke(app, [*base, "--format", "json", "--export", str(tmp_path / "out")])
    data = json.loads(out.stdout)
    assert [r["found"] for r in data["rows"]] == [True, True, False]
    lines = (tmp_path / "out" / "001-shoigu.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [SEED_ARTICLE]
    assert json.loads(lines[0])["text"]
    csv_out = runner.invoke(app, [*base, "--format", "csv"]).stdout.splitlines()
    assert csv_out[0].startswith("name,facet,found,matched,articles")
    assert len(csv_out) == 4
