"""An index folder from elsewhere is data: crafted pickles run nothing, damage is one line.

Each crafted index is written by Whoosh itself with one of its pickle writers swapped for
one that writes a pickle calling ``os.system``; opening and searching it must raise
``CorruptIndexError`` and never create the marker file the command would.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pickle
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import whoosh
import whoosh.columns
from whoosh import index as whoosh_index

from index import CorruptIndexError, Facet, build_index
from index.store import safe_pickle
from index.store.folder import SCHEMA_VERSION, IndexMeta, write_meta
from index.store.schema import build_schema
from search import NewsIndex
from tests.conftest import seed_corpus

NEWSFACET = [sys.executable, "-c", "from cli.app import main; main()"]
SERVE_TIMEOUT_S = 60


class Command:
    """A value whose pickle runs a shell command when loaded by ``pickle.loads``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


def _documents() -> Iterator[dict[str, Any]]:
    for n, (title, body) in enumerate([
        ("Police station reopens", "The police station by the river reopened, police said."),
        ("Election called", "An election was called by the prime minister on the river."),
    ]):
        yield {"id": f"doc{n}.txt", "title": title, "body": body, "path": f"doc{n}.txt",
               "hash": f"h{n}", "date": dt.datetime(2020, 1, n + 1),
               "record": {"entities": {"people": ["Jan Smith"]}, "mentions": []},
               Facet.PEOPLE.value: "Jan Smith", Facet.COUNTRIES.value: "France"}


def write_index(folder: Path, swap: Callable[[], None] | None = None) -> Path:
    """A two-article newsfacet index; ``swap`` runs after the writer opened, before the
    documents are added, so the crafted pickles land in this commit's files."""
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), build_schema())
    write_meta(folder, IndexMeta(SCHEMA_VERSION))
    writer = ix.writer()
    if swap is not None:
        swap()
    for doc in _documents():
        writer.add_document(**doc)
    writer.commit()
    return folder


def _evil(marker: Path) -> Callable[..., bytes]:
    def dumps(*_: Any, **__: Any) -> bytes:
        return pickle.dumps(Command(marker), 2)
    return dumps


def _evil_dump_of(kind: Callable[[Any], bool]) -> Callable[[Path], Callable[..., None]]:
    """A ``dump_pickle`` writing a command instead of the values ``kind`` picks."""
    def make(marker: Path) -> Callable[..., None]:
        def dump(value: Any, file: Any, *args: Any, **kwargs: Any) -> None:
            pickle.dump(Command(marker) if kind(value) else value, file, 2)
        return dump
    return make


def _segment_list(value: Any) -> bool:
    return isinstance(value, list) and any(type(v).__name__ == "W3Segment" for v in value)


def _compound_directory(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(v, dict) and "offset" in v
                                           for v in value.values())


class _EvilPickle:
    """``pickle`` as ``whoosh.index`` sees it, writing a command instead of the schema."""

    def __init__(self, marker: Path) -> None:
        self.dumps = _evil(marker)
        self.PicklingError = pickle.PicklingError


#: Whoosh's pickle writers: (module, attribute, what it writes, replacement, first query).
#: "river" is in both articles, so its postings are a block of their own; "police" in one,
#: so they are inlined in its term info.
WRITERS: list[tuple[str, str, str, Callable[[Path], Any], str]] = [
    ("whoosh.index", "pickle", "the schema in the TOC", _EvilPickle, "police"),
    ("whoosh.filedb.structfile", "dump_pickle", "the TOC's segment list",
     _evil_dump_of(_segment_list), "police"),
    ("whoosh.filedb.structfile", "dump_pickle", "the compound file's directory",
     _evil_dump_of(_compound_directory), "police"),
    ("whoosh.codec.whoosh3", "dumps", "posting blocks", _evil, "river"),
    ("whoosh.codec.whoosh3", "dumps", "inline postings of term infos", _evil, "police"),
    ("whoosh.columns", "dumps", "stored fields", _evil, "police"),
    ("whoosh.formats", "dumps", "term positions", _evil, '"the river"'),
]


def _use_everything(path: Path, first: str = "police") -> None:
    with NewsIndex(path) as news:
        news.search(first)
        news.search("police")
        news.search('"police station"')
        news.search("pol*", people=["Jan Smith"])
        news.get("doc0.txt")
        news.stats()
        list(news.export())
        news.check()


@pytest.mark.parametrize(("module", "name", "what", "make", "first"), WRITERS,
                         ids=[w[2] for w in WRITERS])
def test_a_crafted_pickle_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       module: str, name: str, what: str,
                                       make: Callable[[Path], Any], first: str) -> None:
    marker = tmp_path / "ran"
    target = importlib.import_module(module)
    path = write_index(tmp_path / "index",
                       lambda: monkeypatch.setattr(target, name, make(marker)))
    monkeypatch.undo()
    with pytest.raises(CorruptIndexError) as caught:
        _use_everything(path, first)
    assert not marker.exists(), f"a pickle in {what} ran a command"
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "--rebuild" in message
    assert "refused to load posix.system" in message


def test_a_crafted_index_runs_nothing_from_the_command_line(tmp_path: Path) -> None:
    """``newsfacet stats`` and ``serve`` on a crafted TOC: one line, exit 1, nothing run."""
    marker = tmp_path / "ran"
    target = importlib.import_module("whoosh.index")
    saved = target.pickle
    try:
        path = write_index(tmp_path / "index",
                           lambda: setattr(target, "pickle", _EvilPickle(marker)))
    finally:
        target.pickle = saved
    for command in (["stats"], ["search", "police"], ["serve", "--port", "0"]):
        done = subprocess.run([*NEWSFACET, *command, "--index", str(path)], capture_output=True,
                              text=True, timeout=SERVE_TIMEOUT_S)
        assert done.returncode == 1, done
        assert done.stderr.count("\n") == 1 and "is damaged" in done.stderr, done.stderr
    assert not marker.exists()


def test_an_intact_index_reads_through_the_safe_unpickler(tmp_path: Path) -> None:
    path = write_index(tmp_path / "index")
    _use_everything(path)
    with NewsIndex(path) as news:
        assert news.search('"police station"').total == 1


def test_no_whoosh_module_keeps_the_plain_unpickler() -> None:
    """Every module global of Whoosh that was pickle's loader is the safe one."""
    unsafe = {id(pickle), id(pickle.loads), id(pickle.load), id(pickle.Unpickler)}
    found = [f"{module.__name__}.{name}" for module in safe_pickle.whoosh_modules()
             for name, value in vars(module).items() if id(value) in unsafe]
    assert not found
    assert whoosh.index.toc_loaders == {}


def test_the_safe_unpickler_refuses_names_outside_an_index(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(safe_pickle.UnsafePickleError, match="posix.system"):
        safe_pickle.loads(pickle.dumps(Command(marker)))
    with pytest.raises(safe_pickle.UnsafePickleError, match="encoding"):
        safe_pickle.loads(b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00"
                          b"utf-7\x86R.")
    assert not marker.exists()
    value = {"d": dt.datetime(2020, 1, 2), "b": b"\xff\x00", "s": {1, 2}}
    assert safe_pickle.loads(pickle.dumps(value, 2)) == value


# -- damaged indexes ------------------------------------------------------------------
def _truncate_segment(path: Path) -> None:
    segment = next(path.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])


def _garble_toc(path: Path) -> None:
    toc = next(path.glob("_MAIN_*.toc"))
    data = bytearray(toc.read_bytes())
    data[40:80] = b"\xff" * 40
    toc.write_bytes(bytes(data))


def _garble_meta(path: Path) -> None:
    (path / "newsfacet.json").write_text('{"schema_version": ', encoding="utf-8")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated segment": _truncate_segment,
    "corrupt TOC": _garble_toc,
    "corrupt newsfacet.json": _garble_meta,
}


@pytest.fixture()
def copy_of_seeds(seeds_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(seeds_index, target)
    return target


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_index_is_one_line_and_serve_refuses_it(copy_of_seeds: Path,
                                                          kind: str) -> None:
    DAMAGE[kind](copy_of_seeds)
    for command in (["stats"], ["search", "police"], ["serve", "--port", "0"]):
        done = subprocess.run([*NEWSFACET, *command, "--index", str(copy_of_seeds)],
                              capture_output=True, text=True, timeout=SERVE_TIMEOUT_S)
        assert done.returncode == 1, (command, done)
        line = done.stderr
        assert line.count("\n") == 1 and "Traceback" not in line, line
        assert f"The index at '{copy_of_seeds}' is damaged" in line
        assert f"--index {copy_of_seeds} --rebuild" in line


def test_a_corrupt_stored_field_is_one_line_and_serve_refuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_index(tmp_path / "index", lambda: monkeypatch.setattr(
        whoosh.columns, "dumps", lambda *_, **__: b"\x80\x02\xff\xfe garbled"))
    monkeypatch.undo()
    for command in (["show", "doc0.txt"], ["search", "police"], ["serve", "--port", "0"]):
        done = subprocess.run([*NEWSFACET, *command, "--index", str(path)],
                              capture_output=True, text=True, timeout=SERVE_TIMEOUT_S)
        assert done.returncode == 1, (command, done)
        assert done.stderr.count("\n") == 1, done.stderr
        assert f"The index at '{path}' is damaged" in done.stderr and "--rebuild" in done.stderr


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_rebuild_repairs_a_damaged_index(copy_of_seeds: Path, tmp_path: Path,
                                         kind: str) -> None:
    DAMAGE[kind](copy_of_seeds)
    corpus = seed_corpus(tmp_path / "corpus", 3)
    report = build_index([corpus], copy_of_seeds, rebuild=True, workers=1)
    assert report.failed == 0
    with NewsIndex(copy_of_seeds) as news:
        news.check()
        assert news.stats().documents == 3
