"""Web archives (``.warc``, ``.warc.gz``): every ``response`` record of an HTML page with
status 200 is a page, extracted like a saved one (:mod:`index.ingest.extract`).

Records are streamed with ``fastwarc`` (about 4x faster than ``warcio`` at reading; see
benchmarks/extraction.py), so a WARC of any size is read in the memory of one record,
capped at :data:`index.ingest.streams.MAX_DOCUMENT_BYTES`. A document's id is the
record's WARC-Target-URI, with the record id after ``#`` when the same URI comes again in
the file; its date is the page's own, else the WARC-Date.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from index.ingest.extract import extract_page
from index.ingest.formats import Format
from index.ingest.readers.html import NO_ARTICLE
from index.ingest.records import ProblemKind, ReadItem, ReadProblem, SourceFile, make_article
from index.ingest.streams import MAX_DOCUMENT_BYTES

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """The pages of a WARC file, one article per HTML response with status 200."""
    # fastwarc is a compiled extension that only WARC files need.
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    seen: set[str] = set()
    left_out = 0
    number = 0
    for number, record in enumerate(ArchiveIterator(stream, record_types=WarcRecordType.response,
                                                    parse_http=True), start=1):
        page_record = _page(record)
        if page_record is None:
            left_out += 1
            continue
        uri, date = page_record
        body = record.reader.read(MAX_DOCUMENT_BYTES)
        try:
            page = extract_page(body, url=uri or None)
        except Exception as exc:  # one bad page is that record's failure
            yield ReadProblem(source.shown, f"record {uri or number}: cannot extract the "
                              f"page ({type(exc).__name__}: {exc})", line=number)
            continue
        if page is None:
            yield ReadProblem(source.shown, f"record {uri or number}: {NO_ARTICLE}",
                              ProblemKind.SKIPPED, line=number)
            continue
        doc_id = uri or f"{source.relpath}#{number}"
        if doc_id in seen:
            doc_id = f"{doc_id}#{_header(record.headers, 'WARC-Record-ID').strip('<>')}"
        seen.add(doc_id)
        yield from make_article(source, doc_id=doc_id, title=page.title, text=page.text,
                                line=number, date=page.date or date,
                                url=page.url or uri or None, source_name=page.site,
                                language=page.language)
    if number == 0:
        yield ReadProblem(source.shown, "no WARC response records (not a WARC file, or empty)")
    elif left_out:
        yield ReadProblem(source.shown, f"{left_out:,} response records that are not HTML pages "
                          "with status 200 left out", ProblemKind.SKIPPED)


def _page(record: Any) -> tuple[str, str] | None:
    """The target URI and WARC-Date of a response that is an HTML page with status 200."""
    http = record.http_headers
    if http is None or http.status_code != 200:
        return None
    kind = _header(http, "Content-Type").lower()
    if kind and not kind.startswith(_HTML_TYPES):
        return None
    return _header(record.headers, "WARC-Target-URI"), _header(record.headers, "WARC-Date")


def _header(headers: Any, name: str) -> str:
    value = headers.get(name)
    return str(value).strip() if value else ""


FORMAT = Format("WARC web archive", (".warc", ".warc.gz"), read_warc, reads_gzip=True)
