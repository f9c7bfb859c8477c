"""Finding the files to read under the paths given to ``index``, safely.

A folder may come from anywhere (a leak, a scraped site, an archive someone shared), so
the walk trusts nothing in it:

* only regular files are read: named pipes, sockets and devices are skipped with the
  reason, never opened (a FIFO would block the run, ``/dev/zero`` would never end);
* a symbolic link whose target leaves the folder given to ``index`` is skipped unless
  links are followed (``follow_links``), so a link to ``/etc/passwd`` is never indexed;
  links to folders are followed only then, and a folder is never walked twice;
* a file reached through two names (a link and its target, two hard links) is read once,
  under the name that is not a link;
* hidden files and folders, broken links, link loops and paths too long for the system
  are skipped and listed with the reason.

Opening (:func:`open_regular`) checks again that what is opened is a regular file,
without blocking, as a file can be swapped between the walk and the read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from index.errors import InputError
from index.ingest.records import ProblemKind, ReadProblem, SourceFile

#: Links are not followed out of the indexed folder unless asked.
DEFAULT_FOLLOW_LINKS = False

_SPECIAL = (
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "folder"),
)


class NotRegularFile(OSError):
    """What was opened is not a regular file (it changed since the walk)."""


@dataclass(slots=True)
class _Candidate:
    source: SourceFile
    key: tuple[int, int]
    via_link: bool


def walk_sources(paths: Iterable[str | os.PathLike[str]], *,
                 follow_links: bool = DEFAULT_FOLLOW_LINKS
                 ) -> Iterator[SourceFile | ReadProblem]:
    """Every regular file under ``paths`` (files or folders, recursively), in a stable
    order, and a skipped :class:`ReadProblem` for each entry left out and why.

    Raises:
        InputError: a path does not exist.
    """
    candidates: list[_Candidate] = []
    problems: list[ReadProblem] = []
    for raw in paths:
        given = Path(raw).expanduser()
        if not os.path.lexists(given):
            raise InputError(f"No such file or folder: '{raw}'. Check the path and try again.")
        try:
            root = given.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise InputError(f"Cannot follow '{raw}': {_why(exc)}. Give the real path.") from None
        if root.is_dir():
            _walk(root, root, follow_links, candidates, problems, {_dir_key(root)})
        else:
            _consider(root, root, follow_links, candidates, problems, via_link=False)
    yield from problems
    yield from _once_each(candidates)


def iter_source_files(paths: Iterable[str | os.PathLike[str]], *,
                      follow_links: bool = DEFAULT_FOLLOW_LINKS) -> Iterator[SourceFile]:
    """The files :func:`walk_sources` would read, without the skipped entries."""
    for item in walk_sources(paths, follow_links=follow_links):
        if isinstance(item, SourceFile):
            yield item


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file, never blocking on a FIFO.

    Raises:
        NotRegularFile: it is not a regular file (any more).
        OSError: it cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"{_kind_of(mode)}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _walk(start: Path, root: Path, follow_links: bool, candidates: list[_Candidate],
          problems: list[ReadProblem], seen_dirs: set[tuple[int, int]]) -> None:
    """Depth first, a folder's files before its subfolders, without recursion (a folder
    nested a thousand deep must not end the run).

    Paths are strings from the listing itself: making a ``Path`` of every file was half
    the walk's time."""
    stack = [os.fspath(start)]
    while stack:
        folder = stack.pop()
        inner = _list(folder, root, follow_links, candidates, problems, seen_dirs)
        stack.extend(reversed(inner))


def _list(folder: str, root: Path, follow_links: bool, candidates: list[_Candidate],
          problems: list[ReadProblem], seen_dirs: set[tuple[int, int]]) -> list[str]:
    """Take in one folder's files; return its subfolders to walk, in order."""
    inner: list[str] = []
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        problems.append(ReadProblem(folder, f"{_cannot(exc, 'list folder')}; not read",
                                    ProblemKind.SKIPPED))
        return inner
    for entry in entries:
        path = entry.path
        if entry.name.startswith("."):
            what = "folder" if _is_dir(entry) else "file"
            problems.append(ReadProblem(path, f"hidden {what}; not read",
                                        ProblemKind.SKIPPED))
            continue
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            problems.append(ReadProblem(path, f"cannot read entry: {_why(exc)}",
                                        ProblemKind.SKIPPED))
            continue
        if is_dir:
            try:
                key = _dir_key(path)
            except OSError as exc:
                problems.append(ReadProblem(path, f"{_cannot(exc)}; not read",
                                            ProblemKind.SKIPPED))
                continue
            if key not in seen_dirs:
                seen_dirs.add(key)
                inner.append(path)
        elif is_link:
            followed = _link(path, root, follow_links, candidates, problems, seen_dirs)
            if followed is not None:
                inner.append(followed)
        else:
            _consider(path, root, follow_links, candidates, problems, via_link=False,
                      entry=entry)
    return inner


def _link(path: str, root: Path, follow_links: bool, candidates: list[_Candidate],
          problems: list[ReadProblem], seen_dirs: set[tuple[int, int]]) -> str | None:
    """Take in a symbolic link's file, or return the folder it names when that is walked."""
    try:
        target = Path(path).resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        problems.append(ReadProblem(path, "symbolic link loop; not read",
                                    ProblemKind.SKIPPED))
        return None
    except OSError as exc:
        reason = "symbolic link loop" if exc.errno == errno.ELOOP else \
            "broken symbolic link (its target does not exist)" \
            if exc.errno == errno.ENOENT else f"cannot follow symbolic link: {_why(exc)}"
        problems.append(ReadProblem(str(path), f"{reason}; not read", ProblemKind.SKIPPED))
        return None
    inside = target == root or root in target.parents
    if not inside and not follow_links:
        problems.append(ReadProblem(
            str(path), f"symbolic link to '{target}', outside the indexed folder; not "
            "followed (use --follow-links to read it)", ProblemKind.SKIPPED))
        return None
    if target.is_dir():
        if not follow_links:
            problems.append(ReadProblem(str(path), "symbolic link to a folder; not followed "
                                        "(use --follow-links to read it)", ProblemKind.SKIPPED))
            return None
        try:
            key = _dir_key(target)
        except OSError as exc:
            problems.append(ReadProblem(str(path), f"{_cannot(exc)}; not read",
                                        ProblemKind.SKIPPED))
            return None
        if key in seen_dirs:
            problems.append(ReadProblem(str(path), "symbolic link to a folder already read "
                                        "(a loop or a second name); not read again",
                                        ProblemKind.SKIPPED))
            return None
        seen_dirs.add(key)
        return path
    _consider(path, root, follow_links, candidates, problems, via_link=True)
    return None


def _consider(path: str | Path, root: Path, follow_links: bool, candidates: list[_Candidate],
              problems: list[ReadProblem], *, via_link: bool,
              entry: os.DirEntry[str] | None = None) -> None:
    try:
        # A listed entry that is no link: stat it through the open folder.
        info = entry.stat(follow_symlinks=False) if entry is not None else os.stat(path)
    except OSError as exc:
        problems.append(ReadProblem(str(path), f"{_cannot(exc)}; not read",
                                    ProblemKind.SKIPPED))
        return
    if not stat.S_ISREG(info.st_mode):
        problems.append(ReadProblem(str(path), f"{_kind_of(info.st_mode)}, not a regular file; "
                                    "not read", ProblemKind.SKIPPED))
        return
    candidates.append(_Candidate(SourceFile(os.fspath(path), root,
                                            (info.st_size, info.st_mtime_ns)),
                                 (info.st_dev, info.st_ino), via_link))


def _once_each(candidates: list[_Candidate]) -> Iterator[SourceFile | ReadProblem]:
    """Each file once: under its own name rather than a link's, else its first name."""
    keep: dict[tuple[int, int], _Candidate] = {}
    for candidate in candidates:
        kept = keep.get(candidate.key)
        if kept is None or (kept.via_link and not candidate.via_link):
            keep[candidate.key] = candidate
    for candidate in candidates:
        kept = keep[candidate.key]
        if kept is candidate:
            yield candidate.source
        else:
            yield ReadProblem(candidate.source.shown, f"same file as '{kept.source.path}'; "
                              "read once, under that name", ProblemKind.SKIPPED)


def _dir_key(path: str | Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _kind_of(mode: int) -> str:
    for test, name in _SPECIAL:
        if test(mode):
            return name
    return "special file"


def _cannot(exc: OSError, what: str = "read") -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the system"
    return f"cannot {what}: {_why(exc)}"


def _why(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)).lower()
