"""newsfacet queries as OpenSearch request bodies: pure functions, no client, no network.

The text goes through newsfacet's own parser (so its strict syntax errors are kept) and the
parsed tree is translated node by node. Facet values, in the text or as filters, are first
resolved to the display values stored in the documents (``resolve``), the way the Whoosh
engine resolves them against its vocabulary; the filters then become exact term filters:

- all-of: one ``terms`` clause per value (a value may name several entities: a surname);
- any-of: one ``terms`` clause over every value's entities;
- none-of: ``must_not`` of their entities;
- dates: a ``range`` on ``date`` (inclusive; undated articles never pass).

Facet counts are ``terms`` aggregations ordered by count then value; with disjunctive
counts the facet filters move to ``post_filter`` and each facet is counted under a
``filter`` aggregation holding the other facets' filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from index import BODY, DATE, ID, SURFACE, TITLE, Facet, QuerySyntaxError, name_key
from search.query.arguments import SortOrder
from search.query.filters import Filters

#: Resolves a facet value to the display values of the entities it names (none: empty).
Resolver = Callable[[Facet, str], tuple[str, ...]]
#: Resolves a facet pattern with ``*`` and ``?`` to the display values it matches.
PatternResolver = Callable[[Facet, str], tuple[str, ...]]

MATCH_ALL: dict[str, Any] = {"match_all": {}}
MATCH_NONE: dict[str, Any] = {"match_none": {}}
#: Buckets asked for when a caller wants every value of a facet (size 0).
ALL_VALUES = 10_000
#: Name of the terms aggregation under a facet's filter aggregation (disjunctive counts).
VALUES_AGG = "values"
#: Name of the date histogram aggregation.
DATES_AGG = "dates"
#: Characters of body text a snippet shows around the matches.
SNIPPET_CHARS = 180
#: Fields of a hit's ``_source``: the body and raw mentions are only read by ``get``.
HIT_EXCLUDES = (BODY, "mentions")
_ORDER: list[dict[str, str]] = [{"_count": "desc"}, {"_key": "asc"}]
_TEXT_FIELDS = (TITLE, BODY)
_DATE_FORMATS = {"month": "yyyy-MM", "year": "yyyy"}


def values_clause(facet: Facet, values: Iterable[str]) -> dict[str, Any]:
    """Documents carrying at least one of ``values`` in ``facet`` (none: no document)."""
    chosen = sorted(set(values))
    return {"terms": {facet.value: chosen}} if chosen else MATCH_NONE


def facet_clauses(filters: Filters, facet: Facet, resolve: Resolver) -> list[dict[str, Any]]:
    """The filter clauses ``filters`` put on one facet (all-of, any-of, none-of)."""
    clauses = [values_clause(facet, resolve(facet, value)) for value in filters.values(facet)]
    if filters.any_values(facet):
        clauses.append(values_clause(facet, [v for value in filters.any_values(facet)
                                             for v in resolve(facet, value)]))
    excluded = sorted({v for value in filters.not_values(facet) for v in resolve(facet, value)})
    if excluded:
        clauses.append({"bool": {"must_not": [{"terms": {facet.value: excluded}}]}})
    return clauses


def date_clause(since: dt.date | None, until: dt.date | None) -> dict[str, Any] | None:
    """A ``range`` on the date, inclusive; ``None`` without bounds."""
    if since is None and until is None:
        return None
    bounds: dict[str, Any] = {"format": "yyyy-MM-dd"}
    if since is not None:
        bounds["gte"] = since.isoformat()
    if until is not None:
        bounds["lte"] = until.isoformat()
    return {"range": {DATE: bounds}}


def base_clauses(filters: Filters) -> list[dict[str, Any]]:
    """The filters that are not facets: the date bounds and the languages (any of them)."""
    clauses = []
    dates = date_clause(filters.since, filters.until)
    if dates:
        clauses.append(dates)
    if filters.languages:
        clauses.append({"terms": {"language": sorted(filters.languages)}})
    return clauses


def text_query(query: wq.Query, resolve: Resolver, pattern: PatternResolver) -> dict[str, Any]:
    """A parsed newsfacet text query as an OpenSearch query.

    Raises:
        QuerySyntaxError: the query holds a construct with no OpenSearch counterpart.
    """
    if isinstance(query, wq.Every):
        return MATCH_ALL
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        return MATCH_NONE
    if isinstance(query, wq.AndNot):
        return _bool(must=[text_query(query.a, resolve, pattern)],
                     must_not=[text_query(query.b, resolve, pattern)])
    if isinstance(query, wq.AndMaybe):
        return _bool(must=[text_query(query.a, resolve, pattern)],
                     should=[text_query(query.b, resolve, pattern)])
    if isinstance(query, wq.Require):
        return _bool(must=[text_query(query.a, resolve, pattern)],
                     filter=[text_query(query.b, resolve, pattern)])
    if isinstance(query, wq.And):
        return _group_boost(_bool(must=[text_query(q, resolve, pattern)
                                        for q in query.subqueries]), query)
    if isinstance(query, wq.Or):
        should: list[dict[str, Any]] = []
        for sub in query.subqueries:
            clause = text_query(sub, resolve, pattern)
            if clause not in should:  # a word and its written form can give one clause
                should.append(clause)
        return _group_boost(_bool(should=should, minimum_should_match=1), query)
    if isinstance(query, wq.Not):
        return _bool(must_not=[text_query(query.query, resolve, pattern)])
    fieldname = getattr(query, "fieldname", None)
    facet = next((f for f in Facet if f.value == fieldname), None)
    if facet is not None:
        return _facet_query(facet, query, resolve, pattern)
    if fieldname == DATE and isinstance(query, wq.NumericRange):
        return _date_range(query)
    if fieldname in _TEXT_FIELDS:
        return _text_leaf(query)
    raise QuerySyntaxError(f"Query part {query!r} has no OpenSearch form; search words, "
                           "phrases, prefixes, facets or dates")


def sort_clause(order: SortOrder, has_text: bool) -> list[Any]:
    """The ``sort`` of a page of hits: relevance (ties by id) or date (undated last)."""
    if order is SortOrder.RELEVANCE and has_text:
        return ["_score", {ID: "asc"}]
    newest = order is not SortOrder.DATE
    return [{DATE: {"order": "desc" if newest else "asc", "missing": "_last"}}, {ID: "asc"}]


def terms_agg(facet: Facet, size: int, include: Iterable[str] | None = None) -> dict[str, Any]:
    """A facet's counts: ``size`` values (0: all) by count, then value."""
    body: dict[str, Any] = {"field": facet.value, "size": size or ALL_VALUES,
                            "order": _ORDER, "show_term_doc_count_error": True}
    if include is not None:
        body["include"] = sorted(include)
    return {"terms": body}


def histogram_agg(interval: str) -> dict[str, Any]:
    """Matches per calendar month or year; empty buckets between the first and last kept."""
    return {"date_histogram": {"field": DATE, "calendar_interval": interval,
                               "format": _DATE_FORMATS[interval], "min_doc_count": 0}}


def search_body(text: dict[str, Any], filters: Filters, resolve: Resolver, *,
                size: int, start: int, facet_size: int, facets: bool, disjunctive: bool,
                order: SortOrder, has_text: bool, interval: str = "month") -> dict[str, Any]:
    """The request of one page of hits, with facet counts and the date histogram.

    Args:
        text: the translated text query.
        filters: the entity and date filters.
        resolve: see :data:`Resolver`.
        size, start: the page: ``size`` hits from the ``start``-th (0-based).
        facet_size: values per facet (0: all).
        facets: count the facets and dates.
        disjunctive: count each facet without its own filters.
        order: the sort order.
        has_text: whether the text query is not empty (relevance needs text).
        interval: ``month`` or ``year`` for the histogram.
    """
    per_facet = {facet: facet_clauses(filters, facet, resolve)
                 for facet in Facet if filters.narrows(facet)}
    everything = [c for clauses in per_facet.values() for c in clauses]
    base = base_clauses(filters)
    body: dict[str, Any] = {
        "track_total_hits": True, "size": size, "from": start,
        "sort": sort_clause(order, has_text),
        "_source": {"excludes": list(HIT_EXCLUDES)},
        "highlight": highlight(),
    }
    if disjunctive and everything:
        body["query"] = _bool(must=[text], filter=base)
        body["post_filter"] = _bool(filter=everything)
    else:
        body["query"] = _bool(must=[text], filter=base + everything)
    if facets:
        aggs: dict[str, Any] = {}
        for facet in Facet:
            counted = terms_agg(facet, facet_size)
            if disjunctive and everything:
                others = [c for f, clauses in per_facet.items() if f is not facet
                          for c in clauses]
                counted = {"filter": _bool(filter=others), "aggs": {VALUES_AGG: counted}}
            aggs[facet.value] = counted
        histogram = histogram_agg(interval)
        if disjunctive and everything:
            histogram = {"filter": _bool(filter=everything), "aggs": {VALUES_AGG: histogram}}
        aggs[DATES_AGG] = histogram
        body["aggs"] = aggs
    return body


def count_body(text: dict[str, Any], filters: Filters, resolve: Resolver, *,
               aggs: dict[str, Any], without: Facet | None = None) -> dict[str, Any]:
    """A request for aggregations only, over the matches (leaving out ``without``'s
    filters: disjunctive counts of one facet)."""
    clauses = [c for facet in Facet if filters.narrows(facet) and facet is not without
               for c in facet_clauses(filters, facet, resolve)]
    return {"track_total_hits": True, "size": 0,
            "query": _bool(must=[text], filter=base_clauses(filters) + clauses),
            "aggs": aggs}


def highlight() -> dict[str, Any]:
    """Snippets of the body: matched terms in ``<b>``, the text HTML-escaped, the start
    of the body when nothing matched (as the Whoosh engine's snippets)."""
    return {"pre_tags": ["<b>"], "post_tags": ["</b>"], "encoder": "html",
            "fields": {BODY: {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1,
                              "no_match_size": SNIPPET_CHARS}}}


def key_pattern(pattern: str) -> str:
    """A facet pattern (``shoi*``) as a pattern over entity keys (folded, accent-free)."""
    folded = name_key(pattern.replace("*", "\x00").replace("?", "\x01"))
    return folded.replace("\x00", "*").replace("\x01", "?")


def _bool(**parts: Any) -> dict[str, Any]:
    """A ``bool`` query without its empty parts; a lone ``must`` clause stands alone."""
    kept = {k: v for k, v in parts.items() if v or k == "minimum_should_match"}
    if set(kept) == {"must"} and len(kept["must"]) == 1:
        return kept["must"][0]  # type: ignore[no-any-return]
    if "minimum_should_match" in kept and "should" not in kept:
        del kept["minimum_should_match"]
    return {"bool": kept} if kept else MATCH_ALL


def _group_boost(body: dict[str, Any], query: wq.Query) -> dict[str, Any]:
    """``body`` with the boost of a group (``(a OR b)^2``, or a word's boost that the
    parser put on the OR of its fields)."""
    boost = float(getattr(query, "boost", 1.0))
    if boost != 1.0 and "bool" in body:
        body = {"bool": {**body["bool"], "boost": boost}}
    return body


def _boosted(body: dict[str, Any], query: wq.Query) -> dict[str, Any]:
    boost = float(getattr(query, "boost", 1.0))
    if boost != 1.0:
        body["boost"] = boost
    return body


def _text_leaf(query: wq.Query) -> dict[str, Any]:
    field = query.fieldname
    if isinstance(query, wq.Phrase):
        # Whoosh's slop 1 means "adjacent"; OpenSearch's 0 does.
        spec = {"query": " ".join(query.words), "slop": max(0, query.slop - 1)}
        return {"match_phrase": {field: _boosted(spec, query)}}
    # Whoosh's index also keeps words as written, marked with SURFACE; OpenSearch's
    # analyzer has no such terms, so a pattern over written words is the plain pattern.
    if isinstance(query, wq.Prefix):
        value = query.text.removeprefix(SURFACE)
        return {"prefix": {field: _boosted({"value": value}, query)}}
    if isinstance(query, wq.Wildcard):
        value = query.text.removeprefix(SURFACE)
        return {"wildcard": {field: _boosted({"value": value}, query)}}
    if isinstance(query, wq.Term):
        # The parser already analysed the word (lowercase, stem); OpenSearch analyses it
        # again with its English analyzer, which leaves a stem as it is.
        return {"match": {field: _boosted({"query": query.text}, query)}}
    raise QuerySyntaxError(f"Query part {query!r} has no OpenSearch form; search words, "
                           "phrases or prefixes in title and body")


def _facet_query(facet: Facet, query: wq.Query, resolve: Resolver,
                 pattern: PatternResolver) -> dict[str, Any]:
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        text = query.text + ("*" if isinstance(query, wq.Prefix) else "")
        return values_clause(facet, pattern(facet, text))
    if isinstance(query, wq.Phrase):
        return values_clause(facet, resolve(facet, " ".join(query.words)))
    text = getattr(query, "text", None)
    if isinstance(text, str):
        return values_clause(facet, resolve(facet, text))
    raise QuerySyntaxError(f"Query part {query!r}: a facet takes a name or a pattern "
                           f"({facet.field_alias}:NAME, {facet.field_alias}:NA*)")


def _date_range(query: wq.NumericRange) -> dict[str, Any]:
    bounds: dict[str, Any] = {"format": "yyyy-MM-dd"}
    if query.start is not None:
        start = long_to_datetime(query.start).date()
        bounds["gt" if query.startexcl else "gte"] = start.isoformat()
    if query.end is not None:
        end = long_to_datetime(query.end).date()
        bounds["lt" if query.endexcl else "lte"] = end.isoformat()
    return {"range": {DATE: bounds}}
