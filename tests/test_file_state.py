"""A run skips the files whose size and modification time are those it read last time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import index.build as build_module
from index import build_index
from index.store.file_state import STATE_FILE
from tests.helpers import seed_corpus


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = build_module.read_source

    def counting(source: object) -> object:
        opened.append(str(getattr(source, "path", "")))
        return real(source)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "read_source", counting)
    return opened


def test_unchanged_files_are_not_opened_again(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 8)
    index_dir = tmp_path / "ix"
    assert build_index([corpus], index_dir, workers=1).indexed == 8
    assert (index_dir / STATE_FILE).exists()
    opened = _count_reads(monkeypatch)
    report = build_index([corpus], index_dir, workers=1)
    assert (report.indexed, report.unchanged, opened) == (0, 8, [])

    files = sorted(corpus.iterdir())
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\nOne more line.\n",
                        encoding="utf-8")
    report = build_index([corpus], index_dir, workers=1)
    assert (report.indexed, report.unchanged) == (1, 7)
    assert opened == [str(files[0])]


def test_a_file_with_its_old_size_and_time_is_taken_as_unchanged(
        tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 3)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    target = sorted(corpus.iterdir())[1]
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("a", "e", 1), encoding="utf-8")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert build_index([corpus], index_dir, workers=1).indexed == 0  # as make would
    # A rebuild reads everything.
    assert build_index([corpus], index_dir, workers=1, rebuild=True).indexed == 3


def test_a_file_whose_articles_failed_is_read_again(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 2)
    (corpus / "broken.jsonl").write_text('{"title": "Good", "text": "Fine."}\n{not json\n',
                                        encoding="utf-8")
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    opened = _count_reads(monkeypatch)
    build_index([corpus], index_dir, workers=1)
    assert set(opened) == {str(corpus / "broken.jsonl")}  # the articles files are not read


def test_the_walk_takes_each_files_size_and_time_as_it_finds_it(tmp_path: Path) -> None:
    """An index run compares the walk's own stat with the saved one: no second stat per
    file."""
    from index.ingest.files import walk_sources
    from index.ingest.records import SourceFile
    from index.store.file_state import file_key

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("A title\n\nSome text.", encoding="utf-8")
    (tmp_path / "sub" / "b.jsonl").write_text('{"id": "b", "text": "x"}\n', encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    found = [s for s in walk_sources([tmp_path]) if isinstance(s, SourceFile)]
    assert {s.path.name for s in found} == {"a.txt", "b.jsonl"}
    for source in found:
        assert source.key is not None and source.key == file_key(source.path)
