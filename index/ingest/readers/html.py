"""Saved web pages (``.html``, ``.htm``): the article, not the page's chrome
(:mod:`index.ingest.extract`). The id is the path; ``url`` and ``source`` come from the
page's metadata (canonical URL, site name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.extract import extract_page
from index.ingest.formats import Format
from index.ingest.records import ProblemKind, ReadItem, ReadProblem, SourceFile, make_article
from index.ingest.streams import MAX_DOCUMENT_BYTES, read_capped

#: Why a page without an article is skipped.
NO_ARTICLE = "no article text in the page (navigation, an index page or empty)"


def read_html(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """One article per page, or a skip when the page holds none."""
    data, cut = read_capped(stream, MAX_DOCUMENT_BYTES)
    if not data.strip():
        yield ReadProblem(source.shown, "empty file")
        return
    if cut:
        yield ReadProblem(source.shown, f"page larger than {MAX_DOCUMENT_BYTES:,} bytes; read "
                          "up to that size", ProblemKind.WARNING)
    page = extract_page(data)
    if page is None:
        yield ReadProblem(source.shown, NO_ARTICLE, ProblemKind.SKIPPED)
        return
    yield from make_article(source, doc_id=source.relpath, title=page.title, text=page.text,
                            date=page.date, url=page.url, source_name=page.site,
                            language=page.language)


FORMAT = Format("HTML page", (".html", ".htm"), read_html)
