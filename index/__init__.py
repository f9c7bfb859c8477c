"""newsfacet's indexing side: read articles, find their entities, write the index.

Typical use::

    from index import build_index
    report = build_index(["seeds/"], "news-index")
    print(report.indexed, report.failed)
"""

from importlib import metadata as _metadata

from index.build import IndexReport, Progress, build_index
from index.corpus_pass import RenormalizeReport, renormalize
from index.entities.aliases import ALIASES_ENV, Aliases, load_aliases
from index.entities.normalize import Entities, normalize_mentions
from index.errors import (
    CacheError,
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
    UnknownFacetError,
)
from index.ingest.articles import Article, ProblemKind, ReadProblem, read_articles
from index.ner.cache import CACHE_ENV, CacheInfo, cache_info, clear_cache, default_cache_dir
from index.ner.pipeline import EntityExtractor, Mention, load_pipeline
from index.store.folder import DEFAULT_INDEX_DIR, INDEX_ENV, default_index_dir
from index.store.schema import FACETS, Facet

try:
    #: The installed newsfacet's version, from its package metadata.
    __version__ = _metadata.version("newsfacet")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ALIASES_ENV",
    "Aliases",
    "Article",
    "CACHE_ENV",
    "CacheError",
    "CacheInfo",
    "DEFAULT_INDEX_DIR",
    "DocumentNotFoundError",
    "Entities",
    "EntityExtractor",
    "FACETS",
    "Facet",
    "INDEX_ENV",
    "IndexInterrupted",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "IndexVersionError",
    "IndexWriteError",
    "InputError",
    "InvalidValueError",
    "Mention",
    "ModelNotFoundError",
    "NerWorkerError",
    "NewsfacetError",
    "ProblemKind",
    "Progress",
    "QuerySyntaxError",
    "ReadProblem",
    "RenormalizeReport",
    "UnknownFacetError",
    "build_index",
    "cache_info",
    "clear_cache",
    "default_cache_dir",
    "default_index_dir",
    "load_aliases",
    "load_pipeline",
    "normalize_mentions",
    "read_articles",
    "renormalize",
]
