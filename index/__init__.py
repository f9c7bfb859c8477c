"""newsfacet's indexing side: read articles, find their entities, write the index.

Typical use::

    from index import build_index
    report = build_index(["seeds/"], "news-index")
    print(report.indexed, report.failed)
"""

from importlib import metadata as _metadata

from index.build import IndexReport, Progress, build_index
from index.corpus_pass import RenormalizeReport, renormalize
from index.enrichment.checkpoint import CacheImport, import_checkpoints
from index.enrichment.load import index_enriched
from index.enrichment.run import DEFAULT_WORKERS, EnrichReport, enrich
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

try:
    #: The installed newsfacet's version, from its package metadata.
    __version__ = _metadata.version("newsfacet")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

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
    "split_joined",
    "table_order",
    "write_columns",
]
