"""Reading one source file with the reader of its format, whatever the file holds.

:func:`read_source` is the one place a file is opened and handed to a reader. Whatever
goes wrong in a reader (a bug, a library's exception on a crafted file, a too-deep
nesting) is that file's failure, reported with the path and, where known, the line; the
articles read before it stand and the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from index.ingest.decode import Undecodable
from index.ingest.files import DEFAULT_FOLLOW_LINKS, NotRegularFile, walk_sources
from index.ingest.formats import format_of, supported_suffixes
from index.ingest.records import ProblemKind, ReadItem, ReadProblem, SourceFile
from index.ingest.streams import is_gzip, open_source

#: Files in a corpus folder that document it rather than being articles.
DOC_FILE_PREFIXES = ("readme", "license", "licence", "notice", "copying", "changelog")


def read_source(source: SourceFile) -> Iterator[ReadItem]:
    """Read one file into articles, yielding a :class:`ReadProblem` for what cannot be read."""
    shown = source.shown
    name = source.name.lower()
    if name.startswith(DOC_FILE_PREFIXES):
        yield ReadProblem(shown, "documentation file, not an article", ProblemKind.SKIPPED)
        return
    fmt = format_of(name)
    if fmt is None:
        suffix = source.path.suffix.lower()
        what = f"extension {suffix!r}" if suffix else "no extension"
        kinds = ", ".join(supported_suffixes())
        yield ReadProblem(shown, f"unsupported file type ({what}); use one of {kinds} (or "
                          "any of them .gz)", ProblemKind.SKIPPED)
        return
    last_line: int | None = None
    try:
        with open_source(source, decompress=not fmt.reads_gzip) as stream:
            for item in fmt.read(source, stream):
                if isinstance(item, ReadProblem) and item.line is not None:
                    last_line = item.line
                yield item
    except NotRegularFile as exc:
        yield ReadProblem(shown, f"{exc.strerror}; not read", ProblemKind.SKIPPED)
    except Undecodable as exc:
        yield ReadProblem(shown, str(exc))
    except (EOFError, OSError) as exc:
        if is_gzip(source) and not isinstance(exc, FileNotFoundError | PermissionError):
            yield ReadProblem(shown, f"broken gzip file: {exc}")
        else:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            yield ReadProblem(shown, f"cannot read file: {why}")
    except RecursionError:
        yield ReadProblem(shown, "nested too deeply to read; the rest of the file is not read",
                          line=last_line)
    except Exception as exc:  # a crafted or broken file must not end the run
        yield ReadProblem(shown, f"cannot read {fmt.name}: {type(exc).__name__}: "
                          f"{str(exc)[:200]}; the rest of the file is not read", line=last_line)


def estimate_documents(sources: Iterable[SourceFile]) -> int:
    """About how many articles ``sources`` hold, cheaply: for progress totals.

    Each format says (a JSONL file counts its lines, a page is one, an archive or a feed
    counts as one until it is read).
    """
    total = 0
    for source in sources:
        fmt = format_of(source.name)
        if fmt is None or source.name.lower().startswith(DOC_FILE_PREFIXES):
            continue
        try:
            total += fmt.estimate(source)
        except Exception:  # an estimate is only for the progress bar
            total += 1
    return total


def read_articles(paths: Iterable[str | os.PathLike[str]], *,
                  follow_links: bool = DEFAULT_FOLLOW_LINKS) -> Iterator[ReadItem]:
    """Stream the articles (and read problems) of every file under ``paths``."""
    for item in walk_sources(paths, follow_links=follow_links):
        if isinstance(item, ReadProblem):
            yield item
        else:
            yield from read_source(item)
