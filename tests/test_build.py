"""Index runs on small hand-made corpora: incremental updates, bad files, locking."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import index.build as build_module
from index import (
    IndexInterrupted,
    IndexLockedError,
    IndexWriteError,
    InputError,
    ProblemKind,
    build_index,
)
from index.store.folder import STALE_FILE, open_index, write_lock
from search import NewsIndex
from tests.helpers import SEEDS, seed_corpus, write_articles

STORIES = {
    "politics/a.txt": "Merkel meets Macron in Berlin\n\nAngela Merkel met Emmanuel Macron in "
                      "Berlin on Monday. Merkel said Germany and France agree.",
    "politics/b.txt": "Putin visits Ankara\n\nVladimir Putin flew to Ankara to meet Recep Tayyip "
                      "Erdogan. Putin and Erdogan discussed Syria.",
    "sport/c.txt": "Liverpool win in Madrid\n\nLiverpool beat Tottenham in Madrid to win the "
                   "Champions League, UEFA said.",
}


def doc_ids(index_dir: Path) -> set[str]:
    with NewsIndex(index_dir) as news:
        return {d.id for d in news.export()}


def test_incremental_add_change_delete_and_unchanged(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    first = build_index([corpus], index_dir)
    assert (first.indexed, first.unchanged, first.removed, first.failed) == (3, 0, 0, 0)

    again = build_index([corpus], index_dir)
    assert (again.indexed, again.unchanged, again.removed) == (0, 3, 0)

    (corpus / "politics" / "a.txt").write_text(
        "Merkel meets Johnson in London\n\nAngela Merkel met Boris Johnson in London.")
    (corpus / "sport" / "c.txt").unlink()
    write_articles(corpus, {"world/d.txt": "Floods in Jakarta\n\nFloods hit Jakarta, Indonesia."})
    third = build_index([corpus], index_dir)
    assert (third.indexed, third.unchanged, third.removed) == (2, 1, 1)
    assert doc_ids(index_dir) == {"politics/a.txt", "politics/b.txt", "world/d.txt"}
    with NewsIndex(index_dir) as news:
        changed = news.get("politics/a.txt")
        assert "London" in changed.title and "Boris Johnson" in changed.people
        assert news.search(countries=["France"]).total == 0
        assert news.search(countries=["Indonesia"]).total == 1


def test_rebuild_starts_over(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir)
    report = build_index([corpus / "sport"], index_dir, rebuild=True)
    assert report.indexed == 1
    assert doc_ids(index_dir) == {"c.txt"}


def test_indexing_one_folder_keeps_documents_of_another(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus / "politics"], index_dir)
    build_index([corpus / "sport"], index_dir)
    assert doc_ids(index_dir) == {"a.txt", "b.txt", "c.txt"}


def test_record_removed_from_jsonl_is_removed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"id": f"r{i}", "title": f"Story {i}", "text": "Police in Paris said so."}
               for i in range(3)]
    feed.write_text("\n".join(json.dumps(r) for r in records))
    index_dir = tmp_path / "index"
    build_index([feed], index_dir)
    feed.write_text("\n".join(json.dumps(r) for r in records[:2]))
    report = build_index([feed], index_dir)
    assert (report.unchanged, report.removed) == (2, 1)
    assert doc_ids(index_dir) == {"r0", "r1"}


def test_bad_files_are_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 in Lyon\n\nStory".encode("latin-1"))
    (corpus / "image.png").write_bytes(b"\x89PNG\x00\x00")
    (corpus / "feed.jsonl").write_text('{"id": "ok", "title": "Fine", "text": "Rome"}\n{oops\n')
    report = build_index([corpus], tmp_path / "index")
    assert (report.indexed, report.failed, report.skipped) == (5, 2, 1)
    assert not report.ok
    failed = {(Path(p.path).name, p.line) for p in report.problems
              if p.kind is ProblemKind.FAILED}
    assert failed == {("empty.txt", None), ("feed.jsonl", 2)}
    assert doc_ids(tmp_path / "index") == {"politics/a.txt", "politics/b.txt", "sport/c.txt",
                                           "ok", "latin1.txt"}


def test_a_file_that_turns_unreadable_keeps_its_indexed_document(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir)
    (corpus / "sport" / "c.txt").write_bytes(b"Liverpool " + bytes(range(0x80, 0x100)) * 4)
    report = build_index([corpus], index_dir)
    assert (report.failed, report.removed) == (1, 0)
    assert "sport/c.txt" in doc_ids(index_dir)


def test_missing_input_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file or folder"):
        build_index([tmp_path / "nowhere"], tmp_path / "index")
    assert not (tmp_path / "index").exists()


def test_refuses_to_write_into_a_foreign_folder(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(IndexWriteError, match="not a newsfacet index"):
        build_index([corpus], tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir)
    with write_lock(index_dir), pytest.raises(IndexLockedError, match=f"pid {os.getpid()}"):
        build_index([corpus], index_dir)
    assert build_index([corpus], index_dir).unchanged == 3


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_index_is_a_clear_error(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus / "politics"], index_dir)
    index_dir.chmod(0o555)
    try:
        with pytest.raises(IndexWriteError, match="not writable"):
            build_index([corpus], index_dir)
    finally:
        index_dir.chmod(0o755)
    assert doc_ids(index_dir) == {"a.txt", "b.txt"}


def _mount_read_only(folder: Path) -> bool:
    """Make ``folder`` a read-only bind mount of itself; False where mounting is not allowed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        return False
    ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True)
    if ro.returncode != 0:
        subprocess.run(["umount", str(folder)], check=True)
        return False
    return True


@pytest.mark.root
def test_an_index_on_a_read_only_file_system_is_a_clear_error(tmp_path: Path) -> None:
    # The same check as the one above, for a user (root) whom permissions do not stop.
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus / "politics"], index_dir)
    before = sorted(p.name for p in index_dir.iterdir())
    if not _mount_read_only(index_dir):
        pytest.skip("cannot mount a read-only folder here (needs root and mount rights)")
    try:
        with pytest.raises(IndexWriteError, match="not writable"):
            build_index([corpus], index_dir)
        assert doc_ids(index_dir) == {"a.txt", "b.txt"}
    finally:
        subprocess.run(["umount", str(index_dir)], check=True)
    assert sorted(p.name for p in index_dir.iterdir()) == before
    assert doc_ids(index_dir) == {"a.txt", "b.txt"}


def _all_facets(index_dir: Path) -> dict[str, tuple[tuple[str, ...], ...]]:
    with NewsIndex(index_dir) as news:
        return {d.id: (d.people, d.organizations, d.places, d.countries) for d in news.export()}


def test_a_run_stopped_before_its_corpus_pass_has_it_done_by_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 40)
    clean = tmp_path / "clean"
    build_index([corpus], clean, workers=1)
    expected = _all_facets(clean)

    stopped = tmp_path / "stopped"

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "refresh_facets", killed)
    with pytest.raises(IndexInterrupted):
        build_index([corpus], stopped, workers=1)
    monkeypatch.undo()
    assert (stopped / STALE_FILE).exists()
    # Every document is committed, with the facets it had before the corpus pass.
    assert set(_all_facets(stopped)) == set(expected)
    assert _all_facets(stopped) != expected

    again = build_index([corpus], stopped, workers=1)
    assert (again.indexed, again.unchanged) == (0, 40)
    assert _all_facets(stopped) == expected
    assert not (stopped / STALE_FILE).exists()
    assert build_index([corpus], stopped, workers=1).unchanged == 40


def test_a_fresh_build_ends_as_one_segment_without_deleted_documents(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus", STORIES)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, commit_every=1)
    ix = open_index(index_dir)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 1
        assert reader.doc_count_all() == reader.doc_count() == 3
    assert not (index_dir / STALE_FILE).exists()


def test_many_segments_merge_the_small_ones_and_keep_the_big(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that leaves too many segments merges the small ones into one; the big
    segment of the build is not written again."""
    from index.store import writer

    monkeypatch.setattr(writer, "MAX_FINAL_SEGMENTS", 3)
    files = sorted(SEEDS.glob("*.txt"))
    corpus = seed_corpus(tmp_path / "corpus", 60)
    path = tmp_path / "index"
    build_index([corpus], path, workers=1)

    def segments() -> dict[str, int]:
        with open_index(path).reader() as reader:
            return {seg.segment_id(): seg.doc_count() for seg in reader.segments() or ()}

    (big,) = segments()
    for extra in files[60:64]:  # each run adds one small segment
        shutil.copy(extra, corpus / extra.name)
        build_index([corpus], path, workers=1)
    left = segments()
    assert big in left and left[big] == 60
    assert len(left) <= 3 + 1
    with NewsIndex(path) as news:
        assert news.search().total == 64
        assert news.search(files[63].read_text(encoding="utf-8").split("\n")[0]).total >= 1
