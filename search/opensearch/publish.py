"""``publish``: copy a newsfacet index to an OpenSearch cluster, swapping it in at once.

Each publish writes two new indexes (articles and the entity table) from their templates,
bulk-loads them with retries, and only then moves the aliases from the old indexes to the
new ones in one atomic request: searches see the old index until the new one is complete,
never a half-loaded one. The old indexes are deleted afterwards; a failed publish deletes
what it wrote and leaves the published index as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from index import BackendError, Facet, name_key, read_meta, read_stored
from search.engine import NewsIndex
from search.opensearch.client import call, cluster_errors, make_client, split_url
from search.opensearch.mapping import (
    DEFAULT_ALIAS,
    META_KEY,
    docs_template,
    document_source,
    entities_alias,
    entities_template,
    entity_row,
)
from search.results import Document

#: Documents per bulk request.
DEFAULT_CHUNK = 500
#: Times a bulk chunk refused with 429 (cluster busy) is sent again, backing off.
BULK_RETRIES = 5
#: Called with (documents loaded, documents to load) as the bulk load goes.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What a publish did: the alias and the new indexes behind it, what they hold, the
    indexes it replaced, and how long it took."""

    url: str
    alias: str
    index: str
    entities_index: str
    documents: int
    entities: int
    replaced: tuple[str, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"url": self.url, "alias": self.alias, "index": self.index,
                "entities_index": self.entities_index, "documents": self.documents,
                "entities": self.entities, "replaced": list(self.replaced),
                "seconds": round(self.seconds, 2)}


def publish(index: str | os.PathLike[str], url: str, *, alias: str | None = None,
            shards: int = 1, replicas: int = 0, chunk_size: int = DEFAULT_CHUNK,
            progress: ProgressCallback | None = None, client: Any = None) -> PublishReport:
    """Publish the Whoosh index at ``index`` to the OpenSearch cluster at ``url``.

    Args:
        index: a newsfacet index directory.
        url: the cluster (``http(s)://HOST:PORT``, optionally ``/ALIAS``).
        alias: the name to search it by; default the URL's path, else ``newsfacet``.
        shards, replicas: of the new indexes.
        chunk_size: documents per bulk request.
        progress: called with (loaded, total) after each bulk chunk.
        client: an ``opensearchpy.OpenSearch`` client to use instead of a new one.

    Raises:
        IndexNotFoundError: there is no index at ``index``.
        BackendError: the cluster is unreachable or refuses the templates or documents.
    """
    started = time.monotonic()
    base, from_url = split_url(url)
    name = alias or from_url or DEFAULT_ALIAS
    os_client = client if client is not None else make_client(base)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    docs_index, entity_index = f"{name}-docs-{stamp}", f"{name}-entities-{stamp}"
    with NewsIndex(index) as news:
        total = news.stats().documents
        canonical = {f: {name_key(c.value): c.value for c in news.facet(f, size=0)}
                     for f in Facet}
        aliases = read_stored(news.path)
        meta = {META_KEY: {"model": read_meta(news.path).model, "aliases": aliases.to_dict(),
                           "source": str(news.path), "published": stamp}}
        put = os_client.indices.put_index_template
        call(base, name, put, name=f"{name}-docs", body=docs_template(
            name, shards=shards, replicas=replicas))
        call(base, name, put, name=f"{name}-entities", body=entities_template(
            name, shards=shards, replicas=replicas))
        call(base, name, os_client.indices.create, index=docs_index,
             body={"mappings": {"_meta": meta}})
        call(base, name, os_client.indices.create, index=entity_index)
        try:
            variants: dict[Facet, dict[str, Counter[str]]] = {f: defaultdict(Counter)
                                                              for f in Facet}
            loaded = _bulk(os_client, base, name, docs_index,
                           _doc_actions(news.export(), docs_index, canonical, variants),
                           total, chunk_size, progress)
            rows = [entity_row(f, c.value, c.count, variants[f].get(name_key(c.value), ()))
                    for f in Facet for c in news.facet(f, size=0)]
            entity_actions = ({"_index": entity_index, "_id": f"{r['facet']}:{r['key']}",
                               "_source": r} for r in rows)
            _bulk(os_client, base, name, entity_index, entity_actions, len(rows), chunk_size,
                  None)
            call(base, name, os_client.indices.refresh, index=f"{docs_index},{entity_index}")
            replaced = _swap(os_client, base, name, docs_index, entity_index)
        except BaseException:
            # Leave the published index as it was: drop what this run wrote.
            call(base, name, os_client.indices.delete, index=f"{docs_index},{entity_index}",
                 params={"ignore_unavailable": "true"})
            raise
    for old in replaced:
        call(base, name, os_client.indices.delete, index=old,
             params={"ignore_unavailable": "true"})
    return PublishReport(base, name, docs_index, entity_index, loaded, len(rows), replaced,
                         time.monotonic() - started)


def _doc_actions(docs: Iterator[Document], target: str,
                 canonical: dict[Facet, dict[str, str]],
                 variants: dict[Facet, dict[str, Counter[str]]]) -> Iterator[dict[str, Any]]:
    """Bulk actions of the articles; on the way, the spellings each entity is written as
    (the entity table's variants, as ``newsfacet entities`` lists them)."""
    for doc in docs:
        for facet in Facet:
            for value, written in doc.spellings.get(facet).items():
                variants[facet][name_key(value)].update(dict(written))
        yield {"_index": target, "_id": doc.id, "_source": document_source(doc, canonical)}


def _bulk(client: Any, base: str, name: str, target: str, actions: Iterator[dict[str, Any]],
          total: int, chunk_size: int, progress: ProgressCallback | None) -> int:
    from opensearchpy import helpers  # loaded with the client already

    loaded = 0
    with cluster_errors(base, name):
        for ok, item in helpers.streaming_bulk(client, actions, chunk_size=chunk_size,
                                               max_retries=BULK_RETRIES, initial_backoff=1,
                                               raise_on_error=False):
            if not ok:
                detail: dict[str, Any] = next(iter(item.values()), {})
                raise BackendError(f"OpenSearch at {base} refused document "
                                   f"{detail.get('_id')!r} of {target}: "
                                   f"{detail.get('error')}")
            loaded += 1
            if progress is not None and (loaded % chunk_size == 0 or loaded == total):
                progress(loaded, total)
    return loaded


def _swap(client: Any, base: str, name: str, docs_index: str,
          entity_index: str) -> tuple[str, ...]:
    """Point the aliases at the new indexes in one request; the old indexes' names."""
    actions: list[dict[str, Any]] = []
    old: list[str] = []
    for alias, new in ((name, docs_index), (entities_alias(name), entity_index)):
        exists = call(base, name, client.indices.exists_alias, name=alias)
        if exists:
            current = call(base, name, client.indices.get_alias, name=alias)
            for held in current:
                actions.append({"remove": {"index": held, "alias": alias}})
                old.append(held)
        actions.append({"add": {"index": new, "alias": alias}})
    call(base, name, client.indices.update_aliases, body={"actions": actions})
    return tuple(sorted(old))
