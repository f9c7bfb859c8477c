"""Bad input at scale: every problem listed with path and reason, the rest indexed."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from cli.indexing import EXIT_PARTIAL
from index import ProblemKind, Progress, build_index
from index.ingest.records import MAX_TEXT_CHARS
from search import Facet, NewsIndex
from tests.helpers import write_articles

GOOD = {
    "good/one.txt": "Merkel meets Macron in Paris\n\nAngela Merkel met Emmanuel Macron in Paris.",
    "good/two.txt": "Toyota opens plant in Kentucky\n\nToyota said the plant employs 500 people.",
}


def test_a_folder_of_bad_files_is_indexed_around_them(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", GOOD)
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x00\x01\x02" * 1000)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "garbled.txt").write_bytes(b"Title\n\n" + bytes(range(0x80, 0x100)) * 4)
    with (corpus / "huge.txt").open("w", encoding="utf-8") as handle:
        handle.write("A very long report\n\n")
        sentence = "The committee in Geneva heard evidence again today. "
        handle.write(sentence * (50 * 2**20 // len(sentence)))  # 50 MB
    lines = [json.dumps({"id": f"feed-{n}", "title": f"Story {n} from Berlin",
                         "text": "Olaf Scholz spoke in Berlin."}) for n in range(5)]
    lines.insert(2, '{"id": "broken", "title": ')
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "loop.txt").symlink_to(corpus / "loop2.txt")
    (corpus / "loop2.txt").symlink_to(corpus / "loop.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to(corpus, target_is_directory=True)

    result = CliRunner().invoke(app, ["index", str(corpus), "--index", str(tmp_path / "ix"),
                                      "--format", "json"])

    assert result.exit_code == EXIT_PARTIAL, result.output
    report = json.loads(result.stdout)
    problems = {(Path(p["path"]).name, p["line"]): p for p in report["problems"]}
    assert "binary" in problems[("binary.txt", None)]["reason"]
    assert problems[("empty.txt", None)]["reason"] == "empty file"
    assert "not valid UTF-8" in problems[("garbled.txt", None)]["reason"]
    assert "bad JSON" in problems[("feed.jsonl", 3)]["reason"]
    assert problems[("feed.jsonl", 3)]["kind"] == "failed"
    assert "indexed up to" in problems[("huge.txt", None)]["reason"]
    assert problems[("huge.txt", None)]["kind"] == "warning"
    assert "symbolic link loop" in problems[("loop.txt", None)]["reason"]
    assert problems[("loop.txt", None)]["kind"] == "skipped"
    assert "folder" in problems[("up", None)]["reason"]
    assert report["failed"] == 4  # binary, empty, garbled, one JSONL line
    assert report["indexed"] == 2 + 5 + 1
    with NewsIndex(tmp_path / "ix") as news:
        assert news.search("", limit=1).total == 8
        huge = news.get("huge.txt")
        assert 0 < len(huge.text) <= MAX_TEXT_CHARS
        assert "Berlin" in news.get("feed-4").title


def test_a_first_run_whose_every_file_fails_leaves_an_empty_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    index_dir = tmp_path / "ix"

    result = CliRunner().invoke(app, ["index", str(corpus), "--index", str(index_dir),
                                      "--format", "json"])

    assert result.exit_code == EXIT_PARTIAL, result.output
    report = json.loads(result.stdout)
    assert report["indexed"] == 0 and report["failed"] == 1
    with NewsIndex(index_dir) as news:
        assert news.search().total == 0
    # The next run, once the file is fixed, indexes it.
    (corpus / "binary.txt").write_text(GOOD["good/one.txt"], encoding="utf-8")
    assert build_index([corpus], index_dir, workers=1).indexed == 1


def test_files_that_vanish_or_change_mid_run(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", {
        **GOOD, "later/gone.txt": "Gone\n\nThis file disappears.",
        "later/moving.txt": "Before\n\nThe first version, about Madrid.",
    })
    index_dir = tmp_path / "ix"
    seen: list[Progress] = []

    def meddle(event: Progress) -> None:
        if not seen:  # after the first document, before the reader reaches later/
            (corpus / "later" / "gone.txt").unlink()
            (corpus / "later" / "moving.txt").write_text("After\n\nThe second, about Rome.")
        seen.append(event)

    report = build_index([corpus], index_dir, batch_size=1, workers=1, progress=meddle)

    [problem] = [p for p in report.problems if p.kind is ProblemKind.FAILED]
    assert problem.path.endswith("gone.txt") and "No such file" in problem.reason
    assert report.indexed == 3 and not report.ok
    with NewsIndex(index_dir) as news:
        assert news.get("later/moving.txt").title == "After"
    again = build_index([corpus], index_dir)
    assert (again.indexed, again.unchanged, again.failed, again.removed) == (0, 3, 0, 0)


def test_rebuild_takes_entities_from_the_cache(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", GOOD)
    cache = tmp_path / "cache"
    first = build_index([corpus], tmp_path / "ix", cache_dir=cache)
    rebuilt = build_index([corpus], tmp_path / "ix", cache_dir=cache, rebuild=True)
    assert (first.cached, rebuilt.cached, rebuilt.indexed) == (0, 2, 2)
    with NewsIndex(tmp_path / "ix") as news:
        assert "Angela Merkel" in news.get("good/one.txt").entities(Facet.PEOPLE)


def test_cache_info_and_clear(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", GOOD)
    env = {**os.environ, "NEWSFACET_CACHE": str(tmp_path / "cache")}
    runner = CliRunner(env=env)
    assert runner.invoke(app, ["index", str(corpus), "-i", str(tmp_path / "ix")]).exit_code == 0
    info = json.loads(runner.invoke(app, ["cache", "info", "--format", "json"]).stdout)
    assert info["entries"] == 2 and info["bytes"] > 0
    assert info["path"] == str(tmp_path / "cache" / "ner-cache.sqlite")
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and cleared.stdout.startswith("Cleared 2 texts")
    info = json.loads(runner.invoke(app, ["cache", "info", "--format", "json"]).stdout)
    assert info["entries"] == 0


def test_summary_is_the_only_output_in_a_pipe(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", GOOD)
    runner = CliRunner(env={**os.environ, "NEWSFACET_CACHE": str(tmp_path / "cache")})
    result = runner.invoke(app, ["index", str(corpus), "-i", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert result.output.startswith("Indexed 2, unchanged 0, removed 0, skipped 0, failed 0 in")
    assert len(result.output.splitlines()) == 1


def test_a_duplicate_id_in_one_batch_leaves_one_document(tmp_path: Path) -> None:
    records = [{"id": "same", "title": "First copy", "text": "In Oslo."},
               {"id": "other", "title": "Other", "text": "In Bergen."},
               {"id": "same", "title": "Second copy", "text": "In Oslo again."}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    report = build_index([tmp_path / "feed.jsonl"], tmp_path / "ix")
    assert [p.reason.split(";")[0] for p in report.problems] == ["duplicate id 'same'"]
    with NewsIndex(tmp_path / "ix") as news:
        assert sorted(d.id for d in news.export("")) == ["other", "same"]
        assert news.get("same").title == "Second copy"
