"""The article in a web page, without the page's chrome, and its metadata: ``trafilatura``.

Shared by the HTML and WARC readers. trafilatura removes navigation, comments, footers
and other boilerplate and reads the title, date, author, site name and canonical URL
from the page's metadata; the language comes from the page's own declaration
(``<html lang>``), and is detected from the text later when the page declares none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: trafilatura's fast mode skips its fallback extractors (jusText, readability), which
#: run on every page they are enabled for; on news pages the main extractor finds the
#: article. See benchmarks/extraction.py for what each costs.
FAST_EXTRACTION = True
#: Extracted text shorter than this (a menu, a "page not found") is no article.
MIN_ARTICLE_CHARS = 80
#: Dates only from the page's metadata and markup, never guessed from its text or the
#: day it is read (htmldate's "extensive search" gave an undated page today's date).
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class Page:
    """What a page holds: the article and its metadata (any of which may be missing)."""

    title: str
    text: str
    date: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None


def extract_page(html: bytes | str, *, url: str | None = None) -> Page | None:
    """The article of ``html`` (bytes are decoded by the page's own charset), or None
    when the page has no article text."""
    # trafilatura takes about a second to import; only reading web pages needs it.
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None
    language = tree.get("lang") or _meta_language(tree)
    found: Any = bare_extraction(tree, url=url, fast=FAST_EXTRACTION, include_comments=False,
                                 include_tables=False, with_metadata=True,
                                 date_extraction_params=_DATE_PARAMS)
    if found is None:
        return None
    text = (found.text or "").strip()
    title = (found.title or "").strip()
    if title and text.startswith(title):  # the headline is often the article's first line
        text = text[len(title):].lstrip()
    if len(text) < MIN_ARTICLE_CHARS:
        return None
    return Page(title=title, text=text, date=found.date or None, author=found.author or None,
                site=found.sitename or found.hostname or None, url=found.url or url,
                language=language)


def _meta_language(tree: Any) -> str | None:
    for node in tree.iterfind(".//meta[@http-equiv]"):
        if str(node.get("http-equiv", "")).lower() == "content-language":
            return str(node.get("content", "")) or None
    return None
