"""The article in a web page, without the page's chrome, and its metadata.

Shared by the HTML and WARC readers. ``trafilatura`` finds the article text, leaving out
navigation, comments, footers and other boilerplate. The metadata (title, date, author,
site name, canonical URL, language) is read here from the page's ``<meta>`` tags,
canonical link, ``<time>`` elements and ``<html lang>``: trafilatura's own metadata pass
doubled the cost of a page (see benchmarks/extraction.py), for the same fields on news
pages. A page without a date in its markup gets one from ``htmldate``'s quick search of
the page, never a guess from its text or from the day it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: trafilatura's fast mode skips its fallback extractors (jusText, readability); on news
#: pages the main extractor finds the article.
FAST_EXTRACTION = True
#: Extracted text shorter than this (a menu, a "page not found") is no article.
MIN_ARTICLE_CHARS = 80
_DATE_PARAMS = {"extensive_search": False, "original_date": True}

# Meta tag names (property, name or itemprop, lower case) of each field, best first.
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "dc.title")
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher")
_DATE_KEYS = ("article:published_time", "datepublished", "og:published_time", "pubdate",
              "publishdate", "publish-date", "date", "dc.date", "dc.date.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
              "article:modified_time", "datemodified")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "byl", "parsely-author")
_URL_KEYS = ("og:url", "twitter:url")


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
    meta = _meta(tree)  # before extraction, which prunes the tree
    title = _first(meta, _TITLE_KEYS) or _text_of(tree, ".//h1") or _page_title(tree)
    date = _first(meta, _DATE_KEYS) or _time_element(tree)
    if not date:
        from htmldate import find_date

        date = find_date(tree, **_DATE_PARAMS) or None  # type: ignore[arg-type]
    canonical = tree.find(".//link[@rel='canonical']")
    found: Any = bare_extraction(tree, url=url, fast=FAST_EXTRACTION, include_comments=False,
                                 include_tables=False, with_metadata=False)
    if found is None:
        return None
    text = (found.text or "").strip()
    if title and text.startswith(title):  # the headline is often the article's first line
        text = text[len(title):].lstrip()
    if len(text) < MIN_ARTICLE_CHARS:
        return None
    page_url = (canonical.get("href") if canonical is not None else None) or \
        _first(meta, _URL_KEYS) or url
    return Page(title=title, text=text, date=date, author=_first(meta, _AUTHOR_KEYS),
                site=_first(meta, _SITE_KEYS), url=page_url,
                language=tree.get("lang") or meta.get("content-language") or
                _first(meta, ("og:locale", "language", "dc.language")))


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        content = (node.get("content") or "").strip()
        key = (node.get("property") or node.get("name") or node.get("itemprop") or
               node.get("http-equiv") or "").strip().lower()
        if content and key and key not in found:
            found[key] = content
    return found


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key]
    return None


def _text_of(tree: Any, path: str) -> str:
    node = tree.find(path)
    return " ".join(node.text_content().split()) if node is not None else ""


def _page_title(tree: Any) -> str:
    """``<title>`` without the site's name after a separator."""
    whole = _text_of(tree, ".//title")
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        if separator in whole:
            return max(whole.split(separator), key=len).strip()
    return whole


def _time_element(tree: Any) -> str | None:
    node = tree.find(".//time[@datetime]")
    return str(node.get("datetime")) if node is not None else None
