"""The values reading produces: articles, read problems, source files, and record fields.

Every reader turns its format into the same :class:`Article` values; a problem with one
file or one record is a :class:`ReadProblem` in the same stream, never an exception.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.ingest.dates import parse_date

#: Text beyond this many characters (about 30,000 words, ten times a long feature) is not
#: indexed: the article is indexed up to here and reported as truncated. NER of a text
#: this long takes seconds and a few hundred MB in one worker; spaCy's own limit, a
#: million characters, would take most of a minute and a GB. The limit is per article:
#: a file of many records has no size limit of its own.
MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from disk, before any NLP.

    ``language`` is an ISO 639-1 code (``"en"``) as the source declares it or as detected
    from the text, or ``None`` when neither says.
    """

    id: str
    title: str
    text: str
    path: str
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    truncated: bool = False
    language: str | None = None


class ProblemKind(enum.StrEnum):
    """How bad a read problem is."""

    FAILED = "failed"  # the file or record was not indexed
    SKIPPED = "skipped"  # not an article file (unsupported extension, README, link out)
    WARNING = "warning"  # indexed, with a caveat (truncated, unreadable date)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A file or record that could not be read as it is, and why."""

    path: str
    reason: str
    kind: ProblemKind = ProblemKind.FAILED
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read and the root its document ids are relative to.

    The path is kept as the string the walk found (a :class:`~pathlib.Path` is made only
    for the files read: a run that finds most files unchanged compares strings alone).
    """

    #: The path, as problems report it and ``files.json`` records it.
    shown: str
    root: Path
    #: Size and modification time (ns) when the walk found it, before anything read it.
    key: tuple[int, int] | None = field(default=None, compare=False)

    @property
    def path(self) -> Path:
        """The path."""
        return Path(self.shown)

    @property
    def name(self) -> str:
        """The file's name, without its folder."""
        return os.path.basename(self.shown)

    @property
    def relpath(self) -> str:
        """The path relative to the indexed root, with forward slashes."""
        path = self.path
        if self.root == path:
            return path.name
        return path.relative_to(self.root).as_posix()


#: What a reader yields.
ReadItem = Article | ReadProblem


def ner_text(article: Article) -> str:
    """The text NER reads: title and body, separated so the title is a sentence of its own."""
    return joined_text(article.title, article.text)


def joined_text(title: str, body: str) -> str:
    """Title and body as NER reads them (see :func:`ner_text`)."""
    return f"{title}\n\n{body}" if body else title


def truncation_warning(path: str, line: int | None = None) -> ReadProblem:
    """The warning for an article indexed up to :data:`MAX_TEXT_CHARS`."""
    return ReadProblem(path, f"text longer than {MAX_TEXT_CHARS:,} characters; indexed up to "
                       "that limit", ProblemKind.WARNING, line)


def make_article(source: SourceFile, *, doc_id: str, title: Any, text: Any,
                 line: int | None = None, date: Any = None, url: Any = None,
                 source_name: Any = None, language: Any = None) -> Iterator[ReadItem]:
    """One article from the fields a reader found, with its warnings, or why it is none.

    Applies the rules every format shares: a title or a text is needed, the text is cut at
    :data:`MAX_TEXT_CHARS`, an unreadable date is a warning and the article is indexed
    without one.
    """
    title, text = as_text(title).strip(), as_text(text).strip()
    if not title and not text:
        yield ReadProblem(source.shown, "no title and no text", line=line)
        return
    try:
        day = parse_date(date)
    except ValueError as exc:
        day = None
        yield ReadProblem(source.shown, f"{exc}; indexed without a date", ProblemKind.WARNING,
                          line)
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        text = text[:MAX_TEXT_CHARS]
        yield truncation_warning(source.shown, line)
    yield Article(id=doc_id, title=title[:MAX_TEXT_CHARS], text=text, path=source.shown,
                  date=day, url=as_text(url).strip() or None,
                  source=as_text(source_name).strip() or None, truncated=truncated,
                  language=_language_code(language))


def record_article(source: SourceFile, record: Any, line: int) -> Iterator[ReadItem]:
    """An article from a JSON object or CSV row with ``id``, ``title``, ``text``/``body``,
    ``date``, ``url``, ``source`` and ``language``."""
    if not isinstance(record, Mapping):
        yield ReadProblem(source.shown, f"expected a JSON object, got {type(record).__name__}",
                          line=line)
        return
    text = record.get("text") if record.get("text") is not None else record.get("body")
    if not as_text(record.get("title")).strip() and not as_text(text).strip():
        yield ReadProblem(source.shown, "record has no 'title' and no 'text' or 'body'",
                          line=line)
        return
    raw_id = record.get("id")
    doc_id = as_text(raw_id).strip() if raw_id not in (None, "") else f"{source.relpath}#{line}"
    yield from make_article(source, doc_id=doc_id, title=record.get("title"), text=text,
                            line=line, date=record.get("date"), url=record.get("url"),
                            source_name=record.get("source"),
                            language=record.get("language") or record.get("lang"))


def as_text(value: Any) -> str:
    """A field value as text (``None`` is empty)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _language_code(value: Any) -> str | None:
    """``"en-GB"``, ``"EN"``, ``"en_US"`` -> ``"en"``; anything that is no code -> None."""
    code = as_text(value).strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isascii() and code.isalpha() else None
