"""A folder from elsewhere: links out, pipes, sockets, endless lines, deep nesting, odd
dates, files too big for a per-file limit. Exactly the good records are indexed, each bad
entry is listed once with its reason, and the run ends with exit 3 within a memory and a
time limit."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import ProblemKind, ReadProblem, read_articles
from index.ingest.records import MAX_TEXT_CHARS
from index.ingest.streams import MAX_LINE_BYTES
from search import NewsIndex
from tests.helpers import ROOT, write_articles

#: Address space the indexing process may use: the spaCy model and Python take about
#: 1.5 GB of it; reading ``/dev/zero`` or a 20 MB line whole would not fit in what is left
#: once the parser's copies are counted.
MEMORY_LIMIT = 3 * 2**30
TIME_LIMIT = 300


def _deep_path(folder: Path) -> Path:
    """A folder whose path is longer than the system allows (made relative to fds)."""
    name = "d" * 250
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(20):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as out:
            out.write("Deep\n\nToo deep to reach.")
    finally:
        os.close(fd)
    return folder / name


def hostile_folder(base: Path) -> tuple[Path, set[str], set[str]]:
    """The folder, the ids of the good records and the names of the bad entries."""
    corpus = write_articles(base / "corpus", {
        "good.txt": "Merkel meets Macron in Paris\n\nAngela Merkel met Emmanuel Macron.",
        "other/good2.md": "Toyota opens plant\n\nToyota opened a plant in Kentucky.",
    })
    good = {"good.txt", "other/good2.md"}
    # A CSV and a JSON list far beyond the per-article limit: every record counts. (Long
    # tokens: NER's cost is per token, and these files need size, not sentences.)
    filler = "Councilsessionbudgetreviewminutesrecordedthereafter " * 30
    row_text = "The council of Leeds met. " + filler
    rows = [f"c{n},Council meeting {n},\"{row_text}\"" for n in range(150)]
    (corpus / "council.csv").write_text("id,title,text\n" + "\n".join(rows) + "\n")
    assert (corpus / "council.csv").stat().st_size > MAX_TEXT_CHARS
    good |= {f"c{n}" for n in range(150)}
    big = [{"id": f"j{n}", "title": f"Report {n}",
            "text": "Officials in Oslo spoke. " + filler * 10} for n in range(20)]
    (corpus / "reports.json").write_text(json.dumps(big))
    assert (corpus / "reports.json").stat().st_size > MAX_TEXT_CHARS
    good |= {f"j{n}" for n in range(20)}
    # JSONL: good lines around an endless line, a deep nesting and a huge timestamp.
    with (corpus / "feed.jsonl").open("w") as out:
        out.write(json.dumps({"id": "l1", "title": "Line one", "text": "In Madrid."}) + "\n")
        out.write('{"id": "long", "text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        out.write("[" * 200_000 + "\n")
        out.write(json.dumps({"id": "l4", "title": "Far future", "date": 10**20}) + "\n")
        out.write(json.dumps({"id": "l5", "title": "Line five", "text": "In Rome."}) + "\n")
    good |= {"l1", "l4", "l5"}
    (corpus / "nested.json").write_text("[" + "[" * 200_000 + "]" * 200_000 + "]")
    # Entries that are not (or not only) files of this folder.
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "zero.jsonl").symlink_to("/dev/zero")
    (corpus / "alias.txt").symlink_to(corpus / "good.txt")
    os.link(corpus / "good.txt", corpus / "hardlink.txt")
    (corpus / "loop1.txt").symlink_to(corpus / "loop2.txt")
    (corpus / "loop2.txt").symlink_to(corpus / "loop1.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "nowhere.txt")
    os.mkfifo(corpus / "pipe.jsonl")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(corpus / "sock.txt"))
    sock.close()
    (corpus / ".secret.txt").write_text("Hidden\n\nNot for the index.")
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x00\x01" * 100)
    deep = _deep_path(corpus)
    bad = {"passwd.txt", "zero.jsonl", "alias.txt", "hardlink.txt", "loop1.txt", "loop2.txt",
           "dangling.txt", "pipe.jsonl", "sock.txt", ".secret.txt", "binary.txt", deep.name,
           "nested.json", "feed.jsonl"}
    return corpus, good, bad


@pytest.mark.slow
def test_a_hostile_folder_indexes_exactly_the_good_records(tmp_path: Path) -> None:
    corpus, good, bad = hostile_folder(tmp_path)
    index_dir = tmp_path / "ix"
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
        sys.argv = ["newsfacet", "index", {str(corpus)!r}, "--index", {str(index_dir)!r},
                    "--format", "json", "--workers", "1"]
        from cli.app import main
        main()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=TIME_LIMIT, cwd=ROOT, env={**os.environ,
                                                             "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 3, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["indexed"] == len(good)
    by_name: dict[str, list[dict[str, object]]] = {}
    for problem in report["problems"]:
        if problem["kind"] != "warning":
            by_name.setdefault(Path(str(problem["path"])).name, []).append(problem)
    assert set(by_name) == bad
    assert {n: len(p) for n, p in by_name.items() if len(p) > 1} == {"feed.jsonl": 2}
    reasons = {n: str(p[0]["reason"]) for n, p in by_name.items()}
    assert "outside the indexed folder" in reasons["passwd.txt"]
    assert "outside the indexed folder" in reasons["zero.jsonl"]
    assert "same file as" in reasons["alias.txt"] and "same file as" in reasons["hardlink.txt"]
    assert "loop" in reasons["loop1.txt"] and "broken" in reasons["dangling.txt"]
    assert "named pipe" in reasons["pipe.jsonl"] and "socket" in reasons["sock.txt"]
    assert "hidden" in reasons[".secret.txt"] and "binary" in reasons["binary.txt"]
    assert "too long" in reasons["d" * 250]
    assert "nested too deeply" in reasons["nested.json"]
    feed = {p["line"]: str(p["reason"]) for p in by_name["feed.jsonl"]}
    assert "longer than" in feed[2] and "nested too deeply" in feed[3]
    warnings = [p for p in report["problems"] if p["kind"] == "warning"]
    assert [(Path(p["path"]).name, p["line"]) for p in warnings] == [("feed.jsonl", 4)]
    assert "out of range" in warnings[0]["reason"]

    with NewsIndex(index_dir) as news:
        assert {doc.id for doc in news.export()} == good


def test_links_out_are_read_when_asked_but_never_devices(tmp_path: Path) -> None:
    outside = write_articles(tmp_path / "outside", {"story.txt": "Outside\n\nA story."})
    corpus = write_articles(tmp_path / "corpus", {"in.txt": "Inside\n\nA story."})
    (corpus / "story.txt").symlink_to(outside / "story.txt")
    (corpus / "zero.jsonl").symlink_to("/dev/zero")
    (corpus / "more").symlink_to(outside, target_is_directory=True)

    def ids(follow: bool) -> tuple[list[str], dict[str, ReadProblem]]:
        items = list(read_articles([corpus], follow_links=follow))
        return (sorted(i.id for i in items if not isinstance(i, ReadProblem)),
                {Path(i.path).name: i for i in items if isinstance(i, ReadProblem)})

    found, problems = ids(False)
    assert found == ["in.txt"]
    assert set(problems) == {"story.txt", "zero.jsonl", "more"}
    assert all(p.kind is ProblemKind.SKIPPED for p in problems.values())
    found, problems = ids(True)
    assert found == ["in.txt", "more/story.txt"]
    assert "character device" in problems["zero.jsonl"].reason
    assert "same file as" in problems["story.txt"].reason  # read once, as more/story.txt


@pytest.mark.parametrize("value", [10**20, -10**20, 1e300, float("nan")])
def test_numeric_dates_out_of_range_are_warnings(tmp_path: Path, value: float) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "title": "T", "date": value}))
    items = list(read_articles([tmp_path]))
    assert [type(i).__name__ for i in items] == ["ReadProblem", "Article"]
    assert items[0].kind is ProblemKind.WARNING  # type: ignore[union-attr]


def test_a_folder_nested_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(sys.getrecursionlimit() + 200):  # pathlib's mkdir(parents=True) recurses
        deep = deep / "d"
        deep.mkdir()
    (deep / "story.txt").write_text("Deep story\n\nFound at the bottom.")
    try:
        items = list(read_articles([tmp_path]))
    finally:  # bottom up: shutil.rmtree, which pytest cleans up with, would recurse too
        (deep / "story.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent
    assert [i.title for i in items if not isinstance(i, ReadProblem)] == ["Deep story"]
