"""--rebuild replaces an index in place: the old one is searchable until the first commit."""

from __future__ import annotations

from pathlib import Path

from index import Progress, build_index
from search import NewsIndex
from tests.helpers import write_articles


def ids(index_dir: Path) -> list[str]:
    with NewsIndex(index_dir) as news:
        return sorted(d.id for d in news.export(""))


def test_rebuild_keeps_the_old_index_searchable_until_its_first_commit(tmp_path: Path) -> None:
    old = write_articles(tmp_path / "old", {"a.txt": "Alpha\n\nIn Lisbon.",
                                            "b.txt": "Beta\n\nIn Porto."})
    new = write_articles(tmp_path / "new", {"c.txt": "Gamma\n\nIn Faro.",
                                            "d.txt": "Delta\n\nIn Braga."})
    index_dir = tmp_path / "ix"
    build_index([old], index_dir)
    during: list[list[str]] = []

    def look(event: Progress) -> None:
        if event.stage == "indexing":
            during.append(ids(index_dir))

    report = build_index([new], index_dir, rebuild=True, commit_every=10, progress=look)
    assert report.indexed == 2 and report.removed == 0
    assert during[-1] == ["a.txt", "b.txt"]  # nothing of the rebuild committed yet
    assert ids(index_dir) == ["c.txt", "d.txt"]


def test_rebuild_with_nothing_to_index_empties_the_index(tmp_path: Path) -> None:
    old = write_articles(tmp_path / "old", {"a.txt": "Alpha\n\nIn Lisbon."})
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("")
    build_index([old], tmp_path / "ix")
    report = build_index([empty], tmp_path / "ix", rebuild=True)
    assert (report.indexed, report.failed) == (0, 1)
    assert ids(tmp_path / "ix") == []
