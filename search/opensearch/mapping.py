"""What a published index looks like in OpenSearch: templates, documents, entity rows.

Two indexes per published name (an alias): ``NAME-docs-STAMP`` holds the articles and
``NAME-entities-STAMP`` the entity table used to resolve filter values (surnames, aliases,
case and accents). Each is created from an index template, so a re-publish gets the same
settings, and reached through an alias (``NAME`` and ``NAME-entities``) that a re-publish
swaps in one atomic step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from index import BODY, DATE, ID, TITLE, Facet, country_for_name, name_key
from search.results import Document

#: Alias of the articles when none is given.
DEFAULT_ALIAS = "newsfacet"
#: Key of newsfacet's own metadata in the articles index's mapping ``_meta``.
META_KEY = "newsfacet"
#: Sub-field of each facet holding its value lowercased and accent-free.
FOLDED = "folded"
_TEXT_ANALYZER = "newsfacet_english"
_NORMALIZER = "newsfacet_folded"


def entities_alias(alias: str) -> str:
    """The alias of the entity table published with ``alias``."""
    return f"{alias}-entities"


def docs_pattern(alias: str) -> str:
    """Name pattern of the article indexes published under ``alias``."""
    return f"{alias}-docs-*"


def entities_pattern(alias: str) -> str:
    """Name pattern of the entity-table indexes published under ``alias``."""
    return f"{alias}-entities-*"


def _settings(shards: int, replicas: int) -> dict[str, Any]:
    return {
        "number_of_shards": shards, "number_of_replicas": replicas,
        "analysis": {
            # The English analyzer's chain (possessives, stop words, stemming) with accents
            # folded, so "Zelenskyy" and "Zelenskyy's", "Mélenchon" and "Melenchon" meet.
            # Possessives go in a char filter: the possessive_english stemmer breaks the
            # in-memory test server (every match query then matches every document).
            "char_filter": {"newsfacet_possessive": {
                "type": "pattern_replace", "pattern": "(\\w)['\u2019][sS]\\b",
                "replacement": "$1"}},
            "filter": {
                "newsfacet_stop": {"type": "stop", "stopwords": "_english_"},
                "newsfacet_stemmer": {"type": "stemmer", "language": "english"},
            },
            "analyzer": {_TEXT_ANALYZER: {
                "type": "custom", "char_filter": ["newsfacet_possessive"],
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "newsfacet_stop", "newsfacet_stemmer"]}},
            "normalizer": {_NORMALIZER: {"type": "custom",
                                         "filter": ["lowercase", "asciifolding"]}},
        },
    }


def _facet_field() -> dict[str, Any]:
    return {"type": "keyword",
            "fields": {FOLDED: {"type": "keyword", "normalizer": _NORMALIZER}}}


def docs_template(alias: str, *, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """The index template of the articles: text analysed in English, facets as keywords
    (with a folded sub-field), the date, and the raw mentions stored but not indexed."""
    properties: dict[str, Any] = {
        ID: {"type": "keyword"},
        TITLE: {"type": "text", "analyzer": _TEXT_ANALYZER},
        BODY: {"type": "text", "analyzer": _TEXT_ANALYZER},
        DATE: {"type": "date", "format": "strict_date"},
        "path": {"type": "keyword", "index": False},
        "source": {"type": "keyword"},
        "language": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "mentions": {"type": "object", "enabled": False},
        **{facet.value: _facet_field() for facet in Facet},
    }
    return {"index_patterns": [docs_pattern(alias)], "priority": 100,
            "template": {"settings": _settings(shards, replicas),
                         "mappings": {"dynamic": "strict", "properties": properties}}}


def entities_template(alias: str, *, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """The index template of the entity table (one row per facet value)."""
    keyword = {"type": "keyword"}
    properties = {"facet": keyword, "value": keyword, "key": keyword, "runs": keyword,
                  "variants": keyword, "country": keyword, "documents": {"type": "integer"}}
    return {"index_patterns": [entities_pattern(alias)], "priority": 100,
            "template": {"settings": _settings(shards, replicas),
                         "mappings": {"dynamic": "strict", "properties": properties}}}


def document_source(doc: Document, canonical: Mapping[Facet, Mapping[str, str]]
                    ) -> dict[str, Any]:
    """An article as an OpenSearch document.

    Facet values go through ``canonical`` (name key -> the index's display value) so a
    value spelt two ways in two articles is one value, as the Whoosh engine counts it.
    """
    source: dict[str, Any] = {
        ID: doc.id, TITLE: doc.title, BODY: doc.text, "path": doc.path,
        DATE: doc.date.isoformat() if doc.date else None,
        "source": doc.source, "url": doc.url, "language": doc.language,
        "mentions": [list(m) for m in doc.mentions],
    }
    for facet in Facet:
        shown = canonical.get(facet, {})
        values = (shown.get(name_key(v), v) for v in doc.entities(facet))
        source[facet.value] = list(dict.fromkeys(values))
    return source


def document_of(source: Mapping[str, Any], *, text: bool = True,
                highlight: str | None = None) -> Document:
    """The :class:`Document` of an OpenSearch ``_source``."""
    date = source.get(DATE)
    facets: dict[str, Any] = {f.value: tuple(source.get(f.value) or ()) for f in Facet}
    return Document(
        id=source[ID], title=source.get(TITLE, ""), path=source.get("path") or "",
        date=dt.date.fromisoformat(date[:10]) if date else None,
        source=source.get("source"), url=source.get("url"), language=source.get("language"),
        **facets,
        text=source.get(BODY, "") if text else "",
        mentions=tuple((str(m[0]), str(m[1]), int(m[2])) for m in source.get("mentions") or ())
        if text else (),
    )


def word_runs(value: str) -> list[str]:
    """The keys of the word runs of a name shorter than the name (a surname, a first
    name): what a person filter given one of them finds."""
    words = name_key(value).split()
    return sorted({" ".join(words[i:j]) for i in range(len(words))
                   for j in range(i + 1, len(words) + 1) if j - i < len(words)})


def entity_row(facet: Facet, value: str, documents: int,
               variants: Iterable[str] = ()) -> dict[str, Any]:
    """One row of the entity table: the display value, its key, the keys of its spelling
    variants and word runs, its country (places and countries) and its document count."""
    row: dict[str, Any] = {"facet": facet.value, "value": value, "key": name_key(value),
                           "variants": sorted({name_key(v) for v in variants}),
                           "documents": documents}
    if facet is Facet.PEOPLE:
        row["runs"] = word_runs(value)
    if facet in (Facet.PLACES, Facet.COUNTRIES):
        row["country"] = country_for_name(value)
    return row
