"""Searching an index published to OpenSearch, with the API of :class:`search.NewsIndex`.

    from search import connect
    with connect("opensearch+http://localhost:9200/news") as news:
        result = news.search("air strikes", countries=["Syria"], disjunctive=True)

Results are the same values the Whoosh engine returns, with the same totals and facet
counts (see README, "Scaling out"). What differs: relevance is OpenSearch's BM25 (the
order of equally relevant hits may differ), facet counts over several shards are
approximate (``SearchResult.count_errors`` holds each terms aggregation's
``doc_count_error_upper_bound``), near-duplicate collapsing and text "did you mean" are
not available, and ``similar`` ranks by shared title words and entities.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rapidfuzz import fuzz

from index import (
    BODY,
    ID,
    TITLE,
    Aliases,
    DocumentNotFoundError,
    Facet,
    InvalidValueError,
    build_schema,
    name_key,
)
from search.counting.dates import MAX_MONTH_BUCKETS, DateInterval
from search.counting.facets import DEFAULT_FACET_SIZE
from search.counting.related import DEFAULT_RELATED_SIZE, RELATED_FACETS, CoMention, RelatedResult
from search.engine import DEFAULT_LIMIT, MAX_LIMIT, SUGGEST_BELOW
from search.opensearch import translate as tr
from search.opensearch.client import call, make_client, split_url
from search.opensearch.mapping import (
    DEFAULT_ALIAS,
    META_KEY,
    document_of,
    entities_alias,
)
from search.query.arguments import SortOrder, check_range, choice, sort_order
from search.query.filters import Filters, coerce_filters
from search.query.parser import make_parser, parse_text, value_candidates
from search.query.suggest import MIN_SIMILARITY
from search.results import Document, FacetCount, Hit, IndexStats, SearchResult, Suggestion

#: Past this many hits OpenSearch refuses ``from``/``size`` (``index.max_result_window``):
#: deeper pages walk a point in time with ``search_after``.
MAX_WINDOW = 10_000
#: Hits per request when exporting or walking to a deep page.
EXPORT_BATCH = 500
#: How long a point in time stays open between two requests of one walk.
KEEP_ALIVE = "2m"
#: Entities a filter value may resolve to (a common first name names many people).
MAX_RESOLVED = 1_000
_FUZZY_CANDIDATES = 20


class OpenSearchBackend:
    """An index published with ``newsfacet publish``, searched on an OpenSearch cluster.

    Args:
        url: the cluster, ``http(s)://HOST:PORT`` or ``opensearch+http(s)://HOST:PORT``,
            optionally followed by ``/ALIAS``.
        alias: the published name; default the URL's path, else ``newsfacet``.
        client: an ``opensearchpy.OpenSearch`` client to use instead of a new one.

    Raises:
        InvalidValueError: the URL is malformed.
        BackendError: opensearch-py is not installed.
    """

    def __init__(self, url: str, *, alias: str | None = None, client: Any = None) -> None:
        self.url, from_url = split_url(url)
        self.alias = alias or from_url or DEFAULT_ALIAS
        self.path = f"{self.url}/{self.alias}"
        #: Folders the articles were read from, for showing paths relative to them.
        self.roots: tuple[str, ...] = ()
        self._client = client if client is not None else make_client(self.url)
        self._parser = make_parser(build_schema())
        self._lock = threading.Lock()
        self._meta: dict[str, Any] | None = None

    def __enter__(self) -> OpenSearchBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm(self) -> None:
        """Read the published index's metadata (the alias table), so that no request pays
        it; fails early when nothing is published there."""
        self._read_meta()

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def __repr__(self) -> str:
        return f"OpenSearchBackend({self.path!r})"

    # -- searching -------------------------------------------------------------------
    def search(self, text: str = "", *, filters: Filters | None = None,
               limit: int = DEFAULT_LIMIT, page: int = 1,
               facet_size: int = DEFAULT_FACET_SIZE, facets: bool = True,
               disjunctive: bool = False, sort: SortOrder | str | None = None,
               date_interval: DateInterval | str = DateInterval.AUTO, collapse: bool = False,
               timeout: float | None = None, **filter_keywords: Any) -> SearchResult:
        """Search the published index; arguments and errors as :meth:`NewsIndex.search`."""
        check_range("limit", limit, 1, MAX_LIMIT)
        check_range("page", page, 1, None)
        check_range("facet_size", facet_size, 0, None)
        _no_collapse(collapse)
        order = sort_order(sort, text)
        interval = choice("date_interval", date_interval, DateInterval)
        flt = coerce_filters(filters, filter_keywords)
        unmatched: list[tuple[Facet, str]] = []
        resolve = self._resolver(unmatched)
        query = tr.text_query(parse_text(text, self._parser), resolve, self._pattern)
        start = (page - 1) * limit
        deep = start + limit > MAX_WINDOW
        body = tr.search_body(query, flt, resolve, size=0 if deep else limit,
                              start=0 if deep else start, facet_size=facet_size,
                              facets=facets, disjunctive=disjunctive, order=order,
                              has_text=bool(text.strip()),
                              interval="year" if interval is DateInterval.YEAR else "month")
        found = self._search(body, timeout=timeout)
        raw_hits = found["hits"]["hits"]
        if deep:
            walk = {k: body[k] for k in ("query", "sort", "highlight", "_source")}
            if "post_filter" in body:
                walk["post_filter"] = body["post_filter"]
            raw_hits = list(self._walk(walk, skip=start, take=limit))
        scored = order is SortOrder.RELEVANCE and bool(text.strip())
        hits = tuple(_hit(h, rank, scored) for rank, h in enumerate(raw_hits, start=start + 1))
        total = int(found["hits"]["total"]["value"])
        counts: dict[str, tuple[FacetCount, ...]] = {}
        errors: dict[str, int] = {}
        histogram: tuple[FacetCount, ...] = ()
        used = None
        if facets:
            aggs = found["aggregations"]
            for facet in Facet:
                agg = _inner(aggs[facet.value])
                counts[facet.value] = _table(agg["buckets"], facet_size)
                errors[facet.value] = int(agg.get("doc_count_error_upper_bound", 0))
            chosen, histogram = _histogram(_inner(aggs[tr.DATES_AGG])["buckets"], interval)
            used = chosen.value
        suggestions = self._suggest(unmatched) if total < SUGGEST_BELOW else ()
        return SearchResult(text, total, hits, counts, page, limit, flt.to_dict(),
                            dates=histogram, date_interval=used, suggestions=suggestions,
                            sort=order.value, collapsed=False, count_errors=errors)

    def facet(self, facet: Facet | str, text: str = "", *, size: int = DEFAULT_FACET_SIZE,
              match: str | None = None, disjunctive: bool = False,
              filters: Filters | None = None, timeout: float | None = None,
              **filter_keywords: Any) -> tuple[FacetCount, ...]:
        """Counts of one facet; arguments and errors as :meth:`NewsIndex.facet`."""
        chosen = Facet.parse(str(getattr(facet, "value", facet)))
        check_range("size", size, 0, None)
        flt = coerce_filters(filters, filter_keywords)
        resolve = self._resolver([])
        query = tr.text_query(parse_text(text, self._parser), resolve, self._pattern)
        include = None
        if match is not None:
            include = self._entities(chosen, {"wildcard": {"key": {
                "value": f"*{_escape(name_key(match))}*"}}})
            if not include:
                return ()
        body = tr.count_body(query, flt, resolve,
                             aggs={"values": tr.terms_agg(chosen, size, include)},
                             without=chosen if disjunctive else None)
        found = self._search(body, timeout=timeout)
        return _table(found["aggregations"]["values"]["buckets"], size)

    def related(self, text: str = "", *, facets: Iterable[Facet | str] = RELATED_FACETS,
                size: int = DEFAULT_RELATED_SIZE, filters: Filters | None = None,
                timeout: float | None = None, **filter_keywords: Any) -> RelatedResult:
        """Co-mentioned entities and their lift; as :meth:`NewsIndex.related`."""
        chosen = [Facet.parse(str(getattr(f, "value", f))) for f in facets]
        check_range("size", size, 0, None)
        flt = coerce_filters(filters, filter_keywords)
        resolve = self._resolver([])
        query = tr.text_query(parse_text(text, self._parser), resolve, self._pattern)
        asked = {f: {v for value in (*flt.values(f), *flt.any_values(f))
                     for v in resolve(f, value)} for f in chosen}
        aggs = {f.value: tr.terms_agg(f, size + len(asked[f]) if size else 0) for f in chosen}
        found = self._search(tr.count_body(query, flt, resolve, aggs=aggs), timeout=timeout)
        total = int(found["hits"]["total"]["value"])
        live = self._count()
        out: dict[str, tuple[CoMention, ...]] = {}
        for facet in chosen:
            rows = [c for c in _table(found["aggregations"][facet.value]["buckets"], 0)
                    if c.value not in asked[facet]]
            rows = rows[:size] if size else rows
            base = self._documents(facet, [c.value for c in rows])
            out[facet.value] = tuple(
                CoMention(facet.value, c.value, c.count,
                          float((c.count / total) / (base.get(c.value, c.count) / max(1, live))))
                for c in rows) if total else ()
        return RelatedResult(text, total, out, flt.to_dict())

    def similar(self, doc_id: str, *, limit: int = DEFAULT_LIMIT, page: int = 1,
                facet_size: int = DEFAULT_FACET_SIZE, facets: bool = False,
                collapse: bool = False, filters: Filters | None = None,
                timeout: float | None = None, **filter_keywords: Any) -> SearchResult:
        """Articles sharing ``doc_id``'s title words and entities, best first (OpenSearch's
        ranking, not the Whoosh engine's key terms)."""
        check_range("limit", limit, 1, MAX_LIMIT)
        check_range("page", page, 1, None)
        _no_collapse(collapse)
        flt = coerce_filters(filters, filter_keywords)
        doc = self.get(doc_id)
        like = [{"match": {TITLE: {"query": doc.title}}},
                {"match": {BODY: {"query": doc.title}}},
                *({"terms": {f.value: list(doc.entities(f)), "boost": 0.5}}
                  for f in Facet if doc.entities(f))]
        query = {"bool": {"should": like, "minimum_should_match": 1,
                          "must_not": [{"term": {ID: doc_id}}]}}
        body = tr.search_body(query, flt, self._resolver([]), size=limit,
                              start=(page - 1) * limit, facet_size=facet_size, facets=facets,
                              disjunctive=False, order=SortOrder.RELEVANCE, has_text=True)
        found = self._search(body, timeout=timeout)
        start = (page - 1) * limit
        hits = tuple(_hit(h, rank, True)
                     for rank, h in enumerate(found["hits"]["hits"], start=start + 1))
        counts = {f.value: _table(found["aggregations"][f.value]["buckets"], facet_size)
                  for f in Facet} if facets else {}
        return SearchResult(f"similar:{doc_id}", int(found["hits"]["total"]["value"]), hits,
                            counts, page, limit, flt.to_dict(), sort=SortOrder.RELEVANCE.value)

    def get(self, doc_id: str) -> Document:
        """The document with id ``doc_id``, text and mentions included.

        Raises:
            DocumentNotFoundError: no document has that id.
        """
        found = self._search({"size": 1, "query": {"term": {ID: doc_id}}})
        if not found["hits"]["hits"]:
            raise DocumentNotFoundError(
                f"No document with id {doc_id!r} in {self.path}. Find ids with: newsfacet "
                f"search TEXT --backend opensearch --url {self.path}")
        return document_of(found["hits"]["hits"][0]["_source"])

    def export(self, text: str = "", *, sort: SortOrder | str | None = None,
               collapse: bool = False, filters: Filters | None = None,
               **filter_keywords: Any) -> Iterator[Document]:
        """Every matching document, text included, through a point in time (a consistent
        view while it streams); ``sort=None`` is id order."""
        _no_collapse(collapse)
        flt = coerce_filters(filters, filter_keywords)
        resolve = self._resolver([])
        query = tr.text_query(parse_text(text, self._parser), resolve, self._pattern)
        order = sort_order(sort, text) if sort is not None else None
        body = tr.count_body(query, flt, resolve, aggs={})
        del body["aggs"], body["size"], body["track_total_hits"]
        body["sort"] = [{ID: "asc"}] if order is None else \
            tr.sort_clause(order, bool(text.strip()))
        for hit in self._walk(body, skip=0, take=None):
            yield document_of(hit["_source"])

    def stats(self) -> IndexStats:
        """Documents, date span, distinct entities per facet and size of the published index."""
        found = self._search({"size": 0, "track_total_hits": True, "aggs": {
            "earliest": {"min": {"field": "date", "format": "yyyy-MM-dd"}},
            "latest": {"max": {"field": "date", "format": "yyyy-MM-dd"}}}})
        aggs = found["aggregations"]
        rows = self._search({"size": 0, "aggs": {"facets": {"terms": {"field": "facet"}}}},
                            index=entities_alias(self.alias))
        per_facet = {b["key"]: int(b["doc_count"])
                     for b in rows["aggregations"]["facets"]["buckets"]}
        segments, size = self._storage()
        return IndexStats(self.path, int(found["hits"]["total"]["value"]),
                          self._read_meta().get("model"), _agg_date(aggs["earliest"]),
                          _agg_date(aggs["latest"]),
                          {f.value: per_facet.get(f.value, 0) for f in Facet}, segments, size)

    # -- resolving filter values -----------------------------------------------------
    def _resolver(self, unmatched: list[tuple[Facet, str]]) -> tr.Resolver:
        def resolve(facet: Facet, value: str) -> tuple[str, ...]:
            found = self._resolve(facet, value)
            if not found:
                unmatched.append((facet, value))
            return found
        return resolve

    def _resolve(self, facet: Facet, value: str) -> tuple[str, ...]:
        """The values ``value`` names in ``facet``, by the rules of the Whoosh engine: the
        alias table, then country names and codes, then (people) the full names holding
        it as a run of words."""
        candidates, country = value_candidates(facet, value, self._aliases())
        keys = [name_key(c) for c in candidates]
        should: list[dict[str, Any]] = [{"terms": {"key": keys}}]
        if facet is Facet.PLACES and country:
            should.append({"term": {"country": country}})
        if facet is Facet.PEOPLE:
            should.append({"term": {"runs": keys[0]}})
        rows = self._rows(facet, {"bool": {"should": should, "minimum_should_match": 1}})
        by_key = {row["key"]: row["value"] for row in rows}
        found = {next((by_key[k] for k in keys if k in by_key), None)}
        if facet is Facet.PLACES and country:
            found |= {row["value"] for row in rows if row.get("country") == country}
        if facet is Facet.PEOPLE:
            found |= {row["value"] for row in rows if keys[0] in (row.get("runs") or ())}
        return tuple(sorted(v for v in found if v is not None))

    def _pattern(self, facet: Facet, pattern: str) -> tuple[str, ...]:
        return self._entities(facet, {"wildcard": {"key": {"value": tr.key_pattern(pattern)}}})

    def _entities(self, facet: Facet, query: dict[str, Any]) -> tuple[str, ...]:
        return tuple(sorted(row["value"] for row in self._rows(facet, query)))

    def _rows(self, facet: Facet, query: dict[str, Any],
              size: int = MAX_RESOLVED) -> list[dict[str, Any]]:
        body = {"size": size, "query": {"bool": {
            "filter": [{"term": {"facet": facet.value}}], "must": [query]}},
            "sort": [{"documents": "desc"}, {"value": "asc"}]}
        found = self._search(body, index=entities_alias(self.alias))
        return [hit["_source"] for hit in found["hits"]["hits"]]

    def _documents(self, facet: Facet, values: list[str]) -> dict[str, int]:
        if not values:
            return {}
        rows = self._rows(facet, {"terms": {"value": values}}, size=len(values))
        return {row["value"]: int(row["documents"]) for row in rows}

    def _suggest(self, unmatched: list[tuple[Facet, str]]) -> tuple[Suggestion, ...]:
        out = []
        for facet, value in dict.fromkeys(unmatched):
            key = name_key(value)
            rows = self._rows(facet, {"fuzzy": {"key": {"value": key, "fuzziness": "AUTO"}}},
                              size=_FUZZY_CANDIDATES)
            scored = [(fuzz.ratio(key, row["key"]), int(row["documents"]), row["value"])
                      for row in rows]
            scored = [s for s in scored if s[0] >= MIN_SIMILARITY * 100]
            if scored:
                out.append(Suggestion(facet.value, value, max(scored)[2]))
        return tuple(out)

    # -- requests --------------------------------------------------------------------
    def _search(self, body: Mapping[str, Any], *, index: str | None = None,
                timeout: float | None = None) -> Any:
        """One search request; ``timeout`` (seconds) bounds it (the HTTP API's limit)."""
        target = index or self.alias
        extra = {} if timeout is None else {"request_timeout": max(0.001, timeout)}
        return call(self.url, target, self._client.search, index=target, body=body, **extra)

    def _count(self) -> int:
        return int(call(self.url, self.alias, self._client.count, index=self.alias)["count"])

    def _walk(self, body: dict[str, Any], *, skip: int, take: int | None
              ) -> Iterator[dict[str, Any]]:
        """Hits of ``body`` (which has a ``sort``) from the ``skip``-th, ``take`` of them
        (``None``: all), read in batches over a point in time."""
        opened = call(self.url, self.alias, self._client.create_pit, index=self.alias,
                      params={"keep_alive": KEEP_ALIVE})
        pit = opened["pit_id"]
        after: list[Any] | None = None
        try:
            while take is None or take > 0:
                if skip:
                    batch = min(EXPORT_BATCH, skip)
                else:
                    batch = EXPORT_BATCH if take is None else min(EXPORT_BATCH, take)
                request = {**body, "size": batch, "pit": {"id": pit, "keep_alive": KEEP_ALIVE},
                           "track_total_hits": False}
                if skip:
                    request["_source"] = False
                    request.pop("highlight", None)
                if after is not None:
                    request["search_after"] = after
                hits = call(self.url, self.alias, self._client.search, body=request)["hits"]["hits"]
                if not hits:
                    return
                after = hits[-1]["sort"]
                if skip:
                    skip -= len(hits)
                    continue
                if take is not None:
                    take -= len(hits)
                yield from hits
        finally:
            call(self.url, self.alias, self._client.delete_pit, body={"pit_id": [pit]})

    def _read_meta(self) -> dict[str, Any]:
        with self._lock:
            if self._meta is None:
                mapping = call(self.url, self.alias, self._client.indices.get_mapping,
                               index=self.alias)
                metas = [m.get("mappings", {}).get("_meta", {}).get(META_KEY, {})
                         for m in mapping.values()]
                self._meta = metas[0] if metas else {}
            return self._meta

    def _aliases(self) -> Aliases:
        return Aliases.from_dict(self._read_meta().get("aliases") or {})

    def _storage(self) -> tuple[int, int]:
        try:
            found = call(self.url, self.alias, self._client.indices.stats, index=self.alias)
            primaries = found["_all"]["primaries"]
            return int(primaries["segments"]["count"]), int(primaries["store"]["size_in_bytes"])
        except (KeyError, TypeError):
            return 0, 0  # a cluster that does not report them


def _no_collapse(collapse: bool) -> None:
    if collapse:
        raise InvalidValueError("collapse is not available on the OpenSearch backend; leave "
                                "it off, or search the Whoosh index with --index")


def _inner(agg: Mapping[str, Any]) -> Mapping[str, Any]:
    """A counting aggregation, under its facet's filter aggregation when disjunctive."""
    inner: Mapping[str, Any] = agg.get(tr.VALUES_AGG, agg)
    return inner


def _table(buckets: Iterable[Mapping[str, Any]], size: int) -> tuple[FacetCount, ...]:
    """Buckets by count, then name ignoring case, as the Whoosh engine orders them."""
    rows = sorted((FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets),
                  key=lambda c: (-c.count, c.value.casefold()))
    return tuple(rows[:size] if size else rows)


def _histogram(buckets: list[Mapping[str, Any]], interval: DateInterval
               ) -> tuple[DateInterval, tuple[FacetCount, ...]]:
    """Monthly buckets as the Whoosh engine gives them: rolled up into years with
    ``auto`` past :data:`MAX_MONTH_BUCKETS` months."""
    rows = [FacetCount(str(b["key_as_string"]), int(b["doc_count"])) for b in buckets]
    while rows and not rows[0].count:
        rows.pop(0)
    while rows and not rows[-1].count:
        rows.pop()
    if interval is DateInterval.AUTO:
        interval = DateInterval.YEAR if len(rows) > MAX_MONTH_BUCKETS else DateInterval.MONTH
        if interval is DateInterval.YEAR:
            years: dict[str, int] = {}
            for row in rows:
                years[row.value[:4]] = years.get(row.value[:4], 0) + row.count
            rows = [FacetCount(year, n) for year, n in years.items()]
    return interval, tuple(rows)


def _hit(raw: Mapping[str, Any], rank: int, scored: bool) -> Hit:
    fragments = raw.get("highlight", {}).get(BODY) or [""]
    score = raw.get("_score")
    return Hit(document_of(raw["_source"], text=False),
               float(score) if scored and score is not None else None, fragments[0], rank)


def _agg_date(agg: Mapping[str, Any]) -> dt.date | None:
    text = agg.get("value_as_string")
    return dt.date.fromisoformat(text[:10]) if agg.get("value") is not None and text else None


def _escape(text: str) -> str:
    return "".join("\\" + c if c in "*?\\" else c for c in text)

