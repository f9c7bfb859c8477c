"""The Whoosh objects newsfacet uses, as typing Protocols: exactly the methods it calls.

Whoosh ships no type hints, so to mypy every Whoosh object is ``Any`` and a misspelt method
or a wrong argument passes unseen. Annotating with these Protocols instead makes mypy check
each call against what newsfacet relies on, and names that reliance in one place:
``tests/test_whoosh_types.py`` checks them against real objects of a real index (every
member present, every declared argument accepted), so a Whoosh upgrade that drops or
renames one fails there first.

Only what newsfacet calls is declared; a method used for the first time is added here.
``query`` arguments keep Whoosh's own ``wq.Query`` class: queries are built and taken
apart by their class (``wq.Term``, ``wq.And``...), so the classes are the description.

::

    WhooshIndex ──searcher()──► WhooshSearcher ──search()──► WhooshResults ─► WhooshHit
        │                            │
        ├──reader()─────────────► WhooshReader ──leaf_readers()──► WhooshReader (one segment)
        │                            ├─postings()──► WhooshMatcher (WhooshBlockMatcher)
        │                            ├─column_reader()──► WhooshColumn
        │                            └─schema──► WhooshSchema ─[field]─► WhooshField
        └──writer()──────────────► WhooshWriter            analyzer ─► WhooshAnalyzer ─► WhooshToken
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from whoosh import query as wq


@runtime_checkable
class WhooshToken(Protocol):
    """One token an analyzer yields (Whoosh reuses one object for every token)."""

    text: str
    mode: str
    pos: int
    startchar: int
    endchar: int


@runtime_checkable
class WhooshAnalyzer(Protocol):
    """A field's analyzer: text to tokens."""

    def __call__(self, value: str, *, positions: bool = ..., chars: bool = ...,
                 mode: str = ...) -> Iterator[WhooshToken]: ...


@runtime_checkable
class WhooshFormat(Protocol):
    """How a field's postings are encoded."""

    def supports(self, name: str) -> bool: ...

    def decode_positions(self, value: bytes) -> list[int]: ...


@runtime_checkable
class WhooshField(Protocol):
    """One field of a schema."""

    analyzer: WhooshAnalyzer
    format: WhooshFormat
    scorable: bool

    def from_bytes(self, bs: bytes) -> object: ...


@runtime_checkable
class WhooshSchema(Protocol):
    """An index's fields by name."""

    def __getitem__(self, name: str) -> WhooshField: ...

    def __contains__(self, name: object) -> bool: ...

    def copy(self) -> WhooshSchema: ...

    def remove(self, name: str) -> None: ...

    def add(self, name: str, fieldtype: object) -> None: ...


@runtime_checkable
class WhooshMatcher(Protocol):
    """A term's posting list, walked one document at a time."""

    def is_active(self) -> bool: ...

    def id(self) -> int: ...

    def weight(self) -> float: ...

    def value(self) -> bytes: ...

    def next(self) -> object: ...

    def all_ids(self) -> Iterator[int]: ...


@runtime_checkable
class WhooshBlockMatcher(WhooshMatcher, Protocol):
    """A posting list of Whoosh's W3 codec, with the private members through which
    :mod:`search.ranking.postings` reads it a block at a time instead of a document at a
    time; other codecs are read through :class:`WhooshMatcher`."""

    _blocklength: int
    _ids: Sequence[int]
    _weights: Sequence[float]
    _values: Sequence[bytes]

    def _read_ids(self) -> object: ...

    def _read_weights(self) -> object: ...

    def _read_values(self) -> object: ...

    def _next_block(self) -> None: ...


@runtime_checkable
class WhooshColumn(Protocol):
    """One column of a segment: a value per document number."""

    def __getitem__(self, docnum: int) -> object: ...

    def __iter__(self) -> Iterator[object]: ...


@runtime_checkable
class WhooshTermInfo(Protocol):
    """What the term dictionary records of one term."""

    def doc_frequency(self) -> int: ...


@runtime_checkable
class WhooshSegment(Protocol):
    """One segment of a generation."""

    def segment_id(self) -> str: ...

    def deleted_count(self) -> int: ...


@runtime_checkable
class WhooshReader(Protocol):
    """Reads one generation of an index: a multi-segment reader, or one segment's."""

    schema: WhooshSchema

    def __enter__(self) -> WhooshReader: ...

    def __exit__(self, *exc_info: object) -> object: ...

    def __contains__(self, term: object) -> bool: ...

    def close(self) -> None: ...

    def generation(self) -> int: ...

    def segments(self) -> list[WhooshSegment] | None: ...

    def leaf_readers(self) -> list[tuple[WhooshReader, int]]: ...

    def doc_count(self) -> int: ...

    def doc_count_all(self) -> int: ...

    def all_doc_ids(self) -> Iterator[int]: ...

    def has_deletions(self) -> bool: ...

    def all_terms(self) -> Iterator[tuple[str, bytes]]: ...

    def lexicon(self, fieldname: str) -> Iterator[bytes]: ...

    def iter_field(self, fieldname: str) -> Iterator[tuple[bytes, WhooshTermInfo]]: ...

    def postings(self, fieldname: str, text: object) -> WhooshMatcher: ...

    def doc_frequency(self, fieldname: str, text: object) -> int: ...

    def doc_field_length(self, docnum: int, fieldname: str) -> int | None: ...

    def has_column(self, fieldname: str) -> bool: ...

    def column_reader(self, fieldname: str, *, translate: bool = ...) -> WhooshColumn: ...

    def iter_docs(self) -> Iterator[tuple[int, dict[str, Any]]]: ...


@runtime_checkable
class WhooshHit(Protocol):
    """One hit of a Whoosh search."""

    docnum: int
    #: None only in results asked not to be scored, which newsfacet never asks for.
    score: float


@runtime_checkable
class WhooshResults(Protocol):
    """The hits of a Whoosh search, best first; they die with their searcher."""

    def __iter__(self) -> Iterator[WhooshHit]: ...

    def __len__(self) -> int: ...


@runtime_checkable
class WhooshBM25F(Protocol):
    """Whoosh's default weighting, whose parameters :mod:`search.ranking.scoring` reads."""

    B: float
    K1: float
    _field_B: dict[str, float]


@runtime_checkable
class WhooshSearcher(Protocol):
    """A reader of one generation with scoring and stored fields."""

    schema: WhooshSchema
    #: The scoring model; :class:`WhooshBM25F` unless the searcher was opened with another.
    weighting: object

    def __enter__(self) -> WhooshSearcher: ...

    def __exit__(self, *exc_info: object) -> object: ...

    def close(self) -> None: ...

    def reader(self) -> WhooshReader: ...

    def up_to_date(self) -> bool: ...

    def stored_fields(self, docnum: int) -> dict[str, Any]: ...

    def document_number(self, **kw: str) -> int | None: ...

    def search(self, q: wq.Query, *, limit: int | None = ...,
               filter: Collection[int] | None = ...) -> WhooshResults: ...

    def docs_for_query(self, q: wq.Query) -> Iterator[int]: ...

    def key_terms_from_text(self, fieldname: str, text: str, *, numterms: int = ...
                            ) -> list[tuple[str, float]]: ...

    def idf(self, fieldname: str, text: object) -> float: ...

    def avg_field_length(self, fieldname: str) -> float | None: ...


@runtime_checkable
class WhooshWriter(Protocol):
    """Writes documents; nothing is visible until :meth:`commit`."""

    def add_document(self, **fields: Any) -> None: ...

    def update_document(self, **fields: Any) -> None: ...

    def delete_by_term(self, fieldname: str, text: str) -> object: ...

    def commit(self, *, mergetype: Callable[..., object] | None = ...,
               optimize: bool = ...) -> None: ...

    def cancel(self) -> None: ...


@runtime_checkable
class WhooshIndex(Protocol):
    """An index folder opened with Whoosh: every generation, its schema, a writer."""

    schema: WhooshSchema

    def doc_count(self) -> int: ...

    def latest_generation(self) -> int: ...

    def reader(self) -> WhooshReader: ...

    def searcher(self) -> WhooshSearcher: ...

    def writer(self, *, limitmb: int = ...) -> WhooshWriter: ...
