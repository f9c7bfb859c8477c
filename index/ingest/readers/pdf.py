"""PDF (``.pdf``): the text layer, with ``pypdf``; the title from the document's metadata,
else its first line. A PDF with no text layer (a scan) is skipped: it needs OCR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.dates import date_from_name
from index.ingest.formats import Format
from index.ingest.records import (
    MAX_TEXT_CHARS,
    ProblemKind,
    ReadItem,
    ReadProblem,
    SourceFile,
    make_article,
)

NO_TEXT = "no text layer (needs OCR)"


def read_pdf(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """One article per PDF, its pages' text read until :data:`MAX_TEXT_CHARS` is passed."""
    # pypdf takes a quarter of a second to import; only PDFs need it.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            yield ReadProblem(source.shown, "encrypted PDF; decrypt it first")
            return
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else ""
        created = meta.creation_date if meta else None
    except PdfReadError as exc:
        yield ReadProblem(source.shown, f"unreadable PDF: {exc}")
        return
    body = "\n".join(p.strip() for p in parts if p.strip())
    if not body.strip():
        yield ReadProblem(source.shown, NO_TEXT, ProblemKind.SKIPPED)
        return
    first, _, rest = body.strip().partition("\n")
    if not title or first.strip() == title:  # the title is the first line, or stands for it
        title, body = first.strip(), rest
    yield from make_article(source, doc_id=source.relpath, title=title, text=body,
                            date=date_from_name(source.name) or created)


FORMAT = Format("PDF", (".pdf",), read_pdf)
