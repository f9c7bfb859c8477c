"""The one error tree of newsfacet.

Every error a user can cause is a subclass of :class:`NewsfacetError`; its message is one
line that names the value at fault and the fix. The CLI prints that line and exits non-zero.

    NewsfacetError
    ├── ModelNotFoundError      the spaCy pipeline asked for is not installed
    ├── InputError              a path to index does not exist or cannot be read at all
    ├── IndexNotFoundError      no index at the given directory
    ├── IndexLockedError        another process is writing to the index
    ├── IndexVersionError       the index was written by an incompatible version
    ├── CorruptIndexError       an index file is damaged or holds what an index never does
    ├── IndexWriteError         the index directory cannot be written (read-only, disk full)
    ├── NerWorkerError          an NER worker process died (out of memory, killed)
    ├── CacheError              the NER cache cannot be read or cleared
    ├── ClusterError            the Dask cluster cannot be reached or failed a task, or
                                the dask extra is not installed
    ├── QuerySyntaxError        the text query does not parse
    ├── QueryTooCostlyError     wildcards and ranges expand to too many words
    ├── QueryTimeoutError       a search ran past its time limit and was stopped
    ├── UnknownFacetError       a facet name is not one of people/organizations/places/countries
    ├── InvalidValueError       an option value is out of range or malformed (dates, limits)
    ├── DocumentNotFoundError   no document with the given id
    ├── BackendError            a search cluster (OpenSearch) is unreachable, refuses a
                                request, or its client package is not installed
    └── SavedSearchNotFoundError  no saved search with the given name

Besides the tree, :class:`IndexInterrupted` is the ``KeyboardInterrupt`` an index run
raises after Ctrl-C, once it has committed what was done; it carries the run's report.
"""

from __future__ import annotations

from typing import Any


class NewsfacetError(Exception):
    """Root of every error newsfacet raises on purpose."""


class ModelNotFoundError(NewsfacetError):
    """Raised when the spaCy pipeline asked for is not installed."""


class InputError(NewsfacetError):
    """Raised when a path given to index does not exist or cannot be listed."""


class IndexNotFoundError(NewsfacetError):
    """Raised when no newsfacet index exists at the given directory."""


class IndexLockedError(NewsfacetError):
    """Raised when another live process holds the index's write lock."""


class IndexVersionError(NewsfacetError):
    """Raised when the index on disk was written with an incompatible schema version."""


class CorruptIndexError(NewsfacetError):
    """Raised when an index file is truncated, damaged or crafted; rebuilding fixes it."""


class IndexWriteError(NewsfacetError):
    """Raised when the index directory cannot be written (read-only, disk full)."""


class NerWorkerError(NewsfacetError):
    """Raised when an NER worker process dies before returning its batch."""


class CacheError(NewsfacetError):
    """Raised when the NER cache cannot be read or cleared on request."""


class ClusterError(NewsfacetError):
    """Raised when an enrichment's Dask cluster is unreachable, fails a task for good, or
    the ``dask`` extra is not installed."""


class IndexInterrupted(KeyboardInterrupt):
    """Raised by an index run stopped with Ctrl-C after it committed the work done so far.

    A ``KeyboardInterrupt``, so code that handles Ctrl-C keeps working; ``report`` says
    what was committed.
    """

    def __init__(self, report: Any) -> None:
        super().__init__("index run interrupted")
        self.report = report  # an index.build.IndexReport (imported there, not here)


class QuerySyntaxError(NewsfacetError):
    """Raised when a text query has a syntax error."""


class QueryTooCostlyError(NewsfacetError):
    """Raised when a query's wildcards, ranges and fuzzy terms match too many words."""


class QueryTimeoutError(NewsfacetError):
    """Raised when a search runs past the time limit it was given; its work is stopped."""


class UnknownFacetError(NewsfacetError):
    """Raised when a facet name is not one of the four facets."""


class InvalidValueError(NewsfacetError):
    """Raised when an option value is malformed or out of range."""


class DocumentNotFoundError(NewsfacetError):
    """Raised when no document has the given id."""


class BackendError(NewsfacetError):
    """Raised when an OpenSearch cluster fails a request or its client is not installed."""


class SavedSearchNotFoundError(NewsfacetError):
    """Raised when no saved search has the given name."""
