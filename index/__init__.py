"""newsfacet's indexing side: read articles, find their entities, write the index.

Typical use::

    from index import build_index
    report = build_index(["seeds/"], "news-index")
    print(report.indexed, report.failed)
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from index.build import IndexReport, Progress, build_index
    from index.corpus_pass import RenormalizeReport, renormalize
    from index.enrichment import DEFAULT_WORKERS
    from index.enrichment.checkpoint import CacheImport, import_checkpoints
    from index.enrichment.load import index_enriched
    from index.enrichment.run import EnrichReport, enrich
    from index.enrichment.shards import EnrichedRecord, EntityRow, read_shards
    from index.entities.aliases import ALIASES_ENV, Aliases, load_aliases, read_stored
    from index.entities.names import clean_name, name_key
    from index.entities.normalize import Entities, normalize_mentions
    from index.entities.places import (
        country_for_name,
        country_for_nationality,
        country_for_place,
        country_for_query,
    )
    from index.entities.spellings import Spellings
    from index.errors import (
        BackendError,
        CacheError,
        ClusterError,
        CorruptIndexError,
        DocumentNotFoundError,
        IndexInterrupted,
        IndexLockedError,
        IndexNotFoundError,
        IndexVersionError,
        IndexWriteError,
        InputError,
        InvalidValueError,
        ModelNotFoundError,
        NerWorkerError,
        NewsfacetError,
        QuerySyntaxError,
        QueryTimeoutError,
        QueryTooCostlyError,
        SavedSearchNotFoundError,
        UnknownFacetError,
    )
    from index.ingest.reading import read_articles
    from index.ingest.records import Article, ProblemKind, ReadProblem
    from index.ner.cache import CACHE_ENV, CacheInfo, cache_info, clear_cache, default_cache_dir
    from index.ner.pipeline import DEFAULT_BATCH_SIZE, Mention, load_pipeline
    from index.store.analysis import SURFACE, fold, split_joined
    from index.store.columns import (
        BodyTerms,
        FacetArrays,
        SearchColumns,
        read_columns,
        read_dates,
        sorted_unique,
        table_order,
        write_columns,
    )
    from index.store.folder import (
        DEFAULT_INDEX_DIR,
        INDEX_ENV,
        POSTING_ERRORS,
        default_index_dir,
        open_index,
        read_meta,
        reading_index,
        relative_path,
    )
    from index.store.lengths import field_lengths
    from index.store.positions import mention_term
    from index.store.record import StoredRecord
    from index.store.safe_pickle import loads as safe_loads
    from index.store.schema import (
        BODY,
        DATE,
        FACETS,
        ID,
        LANGUAGE,
        MENTIONS,
        RECORD,
        TITLE,
        Facet,
        build_schema,
    )
    from index.store.whoosh_types import (
        WhooshAnalyzer,
        WhooshBlockMatcher,
        WhooshBM25F,
        WhooshIndex,
        WhooshMatcher,
        WhooshReader,
        WhooshSchema,
        WhooshSearcher,
    )
    from index.store.writer import DEFAULT_COMMIT_EVERY

    __version__: str

#: Where each public name lives ("module" or "module:name"). A name's module is imported on
#: its first use, not with the package: ``import search``, and so a terminal search, loads
#: only the modules searching needs, not the indexing side (the NER pipeline, the corpus
#: pass, enrichment), which took about a third of a cold search's 0.5 s of imports
#: (``python -X importtime``). ``tests/test_exports.py`` checks that this table and the
#: imports above name the same things.
_LAZY: dict[str, str] = {
    "IndexReport": "index.build",
    "Progress": "index.build",
    "build_index": "index.build",
    "RenormalizeReport": "index.corpus_pass",
    "renormalize": "index.corpus_pass",
    "CacheImport": "index.enrichment.checkpoint",
    "import_checkpoints": "index.enrichment.checkpoint",
    "index_enriched": "index.enrichment.load",
    "DEFAULT_WORKERS": "index.enrichment",
    "EnrichReport": "index.enrichment.run",
    "enrich": "index.enrichment.run",
    "EnrichedRecord": "index.enrichment.shards",
    "EntityRow": "index.enrichment.shards",
    "read_shards": "index.enrichment.shards",
    "ALIASES_ENV": "index.entities.aliases",
    "Aliases": "index.entities.aliases",
    "load_aliases": "index.entities.aliases",
    "read_stored": "index.entities.aliases",
    "clean_name": "index.entities.names",
    "name_key": "index.entities.names",
    "Entities": "index.entities.normalize",
    "normalize_mentions": "index.entities.normalize",
    "country_for_name": "index.entities.places",
    "country_for_nationality": "index.entities.places",
    "country_for_place": "index.entities.places",
    "country_for_query": "index.entities.places",
    "Spellings": "index.entities.spellings",
    "BackendError": "index.errors",
    "CacheError": "index.errors",
    "ClusterError": "index.errors",
    "CorruptIndexError": "index.errors",
    "DocumentNotFoundError": "index.errors",
    "IndexInterrupted": "index.errors",
    "IndexLockedError": "index.errors",
    "IndexNotFoundError": "index.errors",
    "IndexVersionError": "index.errors",
    "IndexWriteError": "index.errors",
    "InputError": "index.errors",
    "InvalidValueError": "index.errors",
    "ModelNotFoundError": "index.errors",
    "NerWorkerError": "index.errors",
    "NewsfacetError": "index.errors",
    "QuerySyntaxError": "index.errors",
    "QueryTimeoutError": "index.errors",
    "QueryTooCostlyError": "index.errors",
    "SavedSearchNotFoundError": "index.errors",
    "UnknownFacetError": "index.errors",
    "read_articles": "index.ingest.reading",
    "Article": "index.ingest.records",
    "ProblemKind": "index.ingest.records",
    "ReadProblem": "index.ingest.records",
    "CACHE_ENV": "index.ner.cache",
    "CacheInfo": "index.ner.cache",
    "cache_info": "index.ner.cache",
    "clear_cache": "index.ner.cache",
    "default_cache_dir": "index.ner.cache",
    "DEFAULT_BATCH_SIZE": "index.ner.pipeline",
    "Mention": "index.ner.pipeline",
    "load_pipeline": "index.ner.pipeline",
    "SURFACE": "index.store.analysis",
    "fold": "index.store.analysis",
    "split_joined": "index.store.analysis",
    "BodyTerms": "index.store.columns",
    "FacetArrays": "index.store.columns",
    "SearchColumns": "index.store.columns",
    "read_columns": "index.store.columns",
    "read_dates": "index.store.columns",
    "sorted_unique": "index.store.columns",
    "table_order": "index.store.columns",
    "write_columns": "index.store.columns",
    "DEFAULT_INDEX_DIR": "index.store.folder",
    "INDEX_ENV": "index.store.folder",
    "POSTING_ERRORS": "index.store.folder",
    "default_index_dir": "index.store.folder",
    "open_index": "index.store.folder",
    "read_meta": "index.store.folder",
    "reading_index": "index.store.folder",
    "relative_path": "index.store.folder",
    "field_lengths": "index.store.lengths",
    "mention_term": "index.store.positions",
    "StoredRecord": "index.store.record",
    "safe_loads": "index.store.safe_pickle:loads",
    "BODY": "index.store.schema",
    "DATE": "index.store.schema",
    "FACETS": "index.store.schema",
    "Facet": "index.store.schema",
    "ID": "index.store.schema",
    "LANGUAGE": "index.store.schema",
    "MENTIONS": "index.store.schema",
    "RECORD": "index.store.schema",
    "TITLE": "index.store.schema",
    "build_schema": "index.store.schema",
    "WhooshAnalyzer": "index.store.whoosh_types",
    "WhooshBM25F": "index.store.whoosh_types",
    "WhooshBlockMatcher": "index.store.whoosh_types",
    "WhooshIndex": "index.store.whoosh_types",
    "WhooshMatcher": "index.store.whoosh_types",
    "WhooshReader": "index.store.whoosh_types",
    "WhooshSchema": "index.store.whoosh_types",
    "WhooshSearcher": "index.store.whoosh_types",
    "DEFAULT_COMMIT_EVERY": "index.store.writer",
}


def __getattr__(name: str) -> _typing.Any:
    """A public name, imported from its module on first use (then kept here)."""
    if name == "__version__":
        value: _typing.Any = _version()
    elif name in _LAZY:
        module, _, attr = _LAZY[name].partition(":")
        value = getattr(_importlib.import_module(module), attr or name)
    else:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _version() -> str:
    """The installed newsfacet's version, from its package metadata."""
    from importlib import metadata

    try:
        return metadata.version("newsfacet")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__all__ = [
    "ALIASES_ENV",
    "Aliases",
    "Article",
    "BODY",
    "BackendError",
    "BodyTerms",
    "CACHE_ENV",
    "CacheError",
    "CacheImport",
    "CacheInfo",
    "ClusterError",
    "CorruptIndexError",
    "DATE",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_COMMIT_EVERY",
    "DEFAULT_INDEX_DIR",
    "DEFAULT_WORKERS",
    "DocumentNotFoundError",
    "EnrichReport",
    "EnrichedRecord",
    "Entities",
    "EntityRow",
    "FACETS",
    "Facet",
    "FacetArrays",
    "ID",
    "INDEX_ENV",
    "IndexInterrupted",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "IndexVersionError",
    "IndexWriteError",
    "InputError",
    "InvalidValueError",
    "LANGUAGE",
    "MENTIONS",
    "Mention",
    "ModelNotFoundError",
    "NerWorkerError",
    "NewsfacetError",
    "POSTING_ERRORS",
    "ProblemKind",
    "Progress",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryTooCostlyError",
    "RECORD",
    "ReadProblem",
    "RenormalizeReport",
    "SURFACE",
    "SavedSearchNotFoundError",
    "SearchColumns",
    "Spellings",
    "StoredRecord",
    "TITLE",
    "UnknownFacetError",
    "WhooshAnalyzer",
    "WhooshBM25F",
    "WhooshBlockMatcher",
    "WhooshIndex",
    "WhooshMatcher",
    "WhooshReader",
    "WhooshSchema",
    "WhooshSearcher",
    "build_index",
    "build_schema",
    "cache_info",
    "clean_name",
    "clear_cache",
    "country_for_name",
    "country_for_nationality",
    "country_for_place",
    "country_for_query",
    "default_cache_dir",
    "default_index_dir",
    "enrich",
    "field_lengths",
    "fold",
    "import_checkpoints",
    "index_enriched",
    "load_aliases",
    "load_pipeline",
    "mention_term",
    "name_key",
    "normalize_mentions",
    "open_index",
    "read_articles",
    "read_columns",
    "read_dates",
    "read_meta",
    "read_shards",
    "read_stored",
    "reading_index",
    "relative_path",
    "renormalize",
    "safe_loads",
    "sorted_unique",
    "split_joined",
    "table_order",
    "write_columns",
]
