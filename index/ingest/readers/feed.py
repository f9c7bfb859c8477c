"""RSS and Atom feeds (``.rss``, ``.atom``, and ``.xml`` files that are feeds), with
``feedparser``: each entry is an article (title, content or summary with the HTML
stripped, link as url and id, published date, the feed's title as source).

A feed is parsed whole, up to :data:`index.ingest.streams.MAX_DOCUMENT_BYTES`; a
``.xml`` file that is not a feed is skipped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from index.ingest.formats import Format
from index.ingest.records import ProblemKind, ReadItem, ReadProblem, SourceFile, make_article
from index.ingest.streams import MAX_DOCUMENT_BYTES, read_capped

_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/h[1-6]|/li|/blockquote)\s*>")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def read_feed(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """One article per feed entry."""
    # feedparser is only needed for feeds; importing it costs a twentieth of a second.
    import feedparser

    data, cut = read_capped(stream, MAX_DOCUMENT_BYTES)
    if not data.strip():
        yield ReadProblem(source.shown, "empty file")
        return
    if cut:
        yield ReadProblem(source.shown, f"feed larger than {MAX_DOCUMENT_BYTES:,} bytes; split "
                          "it or convert it to JSON Lines")
        return
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        if source.name.lower().removesuffix(".gz").endswith(".xml"):
            yield ReadProblem(source.shown, "XML file that is not an RSS or Atom feed",
                              ProblemKind.SKIPPED)
        else:
            why = parsed.get("bozo_exception")
            yield ReadProblem(source.shown, f"not an RSS or Atom feed ({why})" if why else
                              "not an RSS or Atom feed")
        return
    feed = parsed.get("feed", {})
    site = feed.get("title") or None
    language = feed.get("language") or None
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or None
        doc_id = entry.get("id") or link or f"{source.relpath}#{number}"
        yield from make_article(source, doc_id=str(doc_id), title=strip_html(entry.get("title")),
                                text=strip_html(_body(entry)), line=number, date=_date(entry),
                                url=link, source_name=site, language=language)


def strip_html(value: Any) -> str:
    """Text of an HTML fragment: tags dropped, paragraphs kept as lines, entities decoded."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", str(value or "")))
    text = _SPACES.sub(" ", html.unescape(text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    values = [c.get("value", "") for c in contents if c.get("value")]
    longest = max(values, key=len) if values else ""
    summary = entry.get("summary") or ""
    return longest if len(longest) >= len(summary) else summary


def _date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                continue
    return None


FORMAT = Format("RSS or Atom feed", (".rss", ".atom", ".xml"), read_feed)
