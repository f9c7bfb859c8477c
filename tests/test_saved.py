"""Saved searches: stored in the index folder, and told about the articles an index run adds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from index import InvalidValueError, SavedSearchNotFoundError, build_index
from search import SAVED_FILE, NewsIndex, SavedSearches
from tests.helpers import SEED_ARTICLE, SEEDS

runner = CliRunner()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An index of five seed articles (not the Shoigu one) and its source folder."""
    root = tmp_path_factory.mktemp("saved")
    folder = root / "articles"
    folder.mkdir()
    for file in sorted(SEEDS.glob("*.txt"))[1:6]:
        shutil.copy(file, folder / file.name)
    build_index([folder], root / "index")
    return folder, root / "index"


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_saved_search_reports_an_article_added_by_a_later_run(
        small: tuple[Path, Path]) -> None:
    folder, index = small
    cli("saved", "add", "shoigu-watch", "strikes", "--country", "Russia", "--index", str(index))
    assert cli("saved", "show", "shoigu-watch", "--new", "--index", str(index)).startswith(
        "'shoigu-watch': 0 new of 0")
    shutil.copy(SEEDS / SEED_ARTICLE, folder / SEED_ARTICLE)
    out = cli("index", str(folder), "--index", str(index), "-q")
    assert "1 new article matches 'shoigu-watch'" in out
    shown = json.loads(cli("saved", "show", "shoigu-watch", "--new", "--format", "json",
                           "--index", str(index)))
    assert (shown["new"], shown["total"]) == (1, 1)
    assert [d["id"] for d in shown["documents"]] == [SEED_ARTICLE]
    again = json.loads(cli("saved", "show", "shoigu-watch", "--new", "--format", "json",
                           "--index", str(index)))
    assert (again["new"], again["documents"]) == (0, [])


def test_index_json_lists_new_matches(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[1], folder)
    index = tmp_path / "index"
    build_index([folder], index)
    with NewsIndex(index) as news:
        SavedSearches(news).add("syria", countries=["Syria"])
    shutil.copy(SEEDS / SEED_ARTICLE, folder / SEED_ARTICLE)
    report = json.loads(cli("index", str(folder), "--index", str(index), "--format", "json"))
    assert report["saved"] == [{"name": "syria", "query": "", "count": 1,
                                "ids": [SEED_ARTICLE]}]


def test_add_list_remove(small: tuple[Path, Path]) -> None:
    _, index = small
    with NewsIndex(index) as news:
        saved = SavedSearches(news)
        saved.add("a-1", "election", since="2019-01-01", people=["Trump"])
        with pytest.raises(InvalidValueError, match="already a saved search"):
            saved.add("a-1", "other")
        assert saved.add("a-1", "vote", replace=True).query == "vote"
        listed = json.loads(cli("saved", "list", "--format", "json", "--index", str(index)))
        assert {"name": "a-1", "query": "vote", "filters": {}, "shown": None} \
            .items() <= listed["saved"][0].items()
        stored = json.loads((index / SAVED_FILE).read_text(encoding="utf-8"))
        assert [s["name"] for s in stored["searches"]][0] == "a-1"
        saved.remove("a-1")
        assert "a-1" not in [s.name for s in saved.list()]
        with pytest.raises(SavedSearchNotFoundError, match="No saved search 'a-1'"):
            saved.show("a-1")


def test_bad_names_and_queries_are_errors(small: tuple[Path, Path]) -> None:
    _, index = small
    result = runner.invoke(app, ["saved", "add", "no spaces", "x", "--index", str(index)])
    assert result.exit_code == 1
    assert "name must be" in result.output
    result = runner.invoke(app, ["saved", "add", "ok", '"open', "--index", str(index)])
    assert result.exit_code == 1 and "Unbalanced quote" in result.output
    result = runner.invoke(app, ["saved", "remove", "missing", "--index", str(index)])
    assert result.exit_code == 1 and "No saved search 'missing'" in result.output


def test_a_rebuild_reports_no_new_articles(small: tuple[Path, Path]) -> None:
    folder, index = small
    with NewsIndex(index) as news:
        SavedSearches(news).add("everything", replace=True)
    out = cli("index", str(folder), "--index", str(index), "--rebuild", "-q")
    assert "0 new articles match" not in out  # nothing added: no report at all
    assert "new article" not in out
