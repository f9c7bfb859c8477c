"""The Whoosh Protocols (``index.store.whoosh_types``) match real Whoosh objects.

mypy takes the Protocols at their word, as Whoosh has no type hints: these tests are what
ties them to Whoosh. Each object newsfacet gets from a real index is an instance of its
Protocol (every member present), and each method accepts the arguments its Protocol
declares, by position and by keyword as declared.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import pytest
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from index import BODY, DATE, ID, build_index, open_index
from index.store.folder import create_or_open
from index.store.parallel import SafeMpWriter, bulk_writer
from index.store.whoosh_types import (
    WhooshAnalyzer,
    WhooshBlockMatcher,
    WhooshBM25F,
    WhooshColumn,
    WhooshField,
    WhooshFormat,
    WhooshHit,
    WhooshIndex,
    WhooshMatcher,
    WhooshReader,
    WhooshResults,
    WhooshSchema,
    WhooshSearcher,
    WhooshSegment,
    WhooshTermInfo,
    WhooshToken,
    WhooshWriter,
)
from search import NewsIndex
from tests.helpers import seed_corpus

#: Members Python's Protocol machinery puts on every Protocol class.
_MACHINERY = {"__init__", "__subclasshook__"}


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    """The methods a Protocol declares (its own and its Protocol bases'), by name."""
    found: dict[str, inspect.Signature] = {}
    for cls in reversed(protocol.__mro__):
        if cls in (object, Protocol) or not getattr(cls, "_is_protocol", False):
            continue
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and name not in _MACHINERY:
                found[name] = inspect.signature(value)
    return found


def _call_shape(declared: inspect.Signature) -> tuple[list[object], dict[str, object]]:
    """Arguments shaped as ``declared`` takes them (``self`` left out): one per positional
    parameter, one per keyword-only parameter by name."""
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in list(declared.parameters.values())[1:]:
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            args.append(object())
        elif parameter.kind is parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = object()
    return args, kwargs


def assert_conforms(obj: object, protocol: type) -> None:
    """``obj`` has every member of ``protocol`` and each method accepts its declared call."""
    assert isinstance(obj, protocol), f"{type(obj).__name__} is not a {protocol.__name__}"
    for name, declared in _methods(protocol).items():
        method = getattr(obj, name)
        real = inspect.signature(method)
        args, kwargs = _call_shape(declared)
        try:
            real.bind(*args, **kwargs)
        except TypeError as exc:
            pytest.fail(f"{type(obj).__name__}.{name}{real} does not take "
                        f"{protocol.__name__}.{name}{declared}: {exc}")


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seed articles indexed by newsfacet, then a document in a second segment, so
    that the index reader is a multi-segment one."""
    folder = tmp_path_factory.mktemp("whoosh-types")
    path = folder / "index"
    assert build_index([seed_corpus(folder / "articles", 2)], path).failed == 0
    writer = open_index(path).writer()
    writer.add_document(id="second-segment.txt", title="Second segment",
                        body="A short body in a segment of its own.", path="second-segment.txt",
                        hash="0")
    writer.commit(merge=False)
    return path


@pytest.fixture()
def ix(small_index: Path) -> WhooshIndex:
    return open_index(small_index)


def _first_term(reader: WhooshReader, field: str) -> bytes:
    return next(iter(reader.lexicon(field)))


def test_an_opened_index_its_schema_and_fields_conform(ix: WhooshIndex) -> None:
    assert_conforms(ix, WhooshIndex)
    assert_conforms(ix.schema, WhooshSchema)
    assert_conforms(ix.schema.copy(), WhooshSchema)
    field = ix.schema[BODY]
    assert_conforms(field, WhooshField)
    assert_conforms(field.format, WhooshFormat)
    assert_conforms(field.analyzer, WhooshAnalyzer)
    tokens: Iterator[WhooshToken] = field.analyzer("Air strikes", positions=True, chars=True,
                                                   mode="index")
    assert_conforms(next(tokens), WhooshToken)


def test_a_multi_segment_reader_and_its_segment_readers_conform(ix: WhooshIndex) -> None:
    with ix.reader() as reader:
        assert_conforms(reader, WhooshReader)
        leaves = reader.leaf_readers()
        assert len(leaves) == 2  # the fixture's second segment: a multi-segment reader
        for segment in reader.segments() or ():
            assert_conforms(segment, WhooshSegment)
        _, info = next(iter(reader.iter_field(BODY)))
        assert_conforms(info, WhooshTermInfo)
        assert_conforms(reader.postings(BODY, _first_term(reader, BODY)), WhooshMatcher)
        for leaf, _ in leaves:
            assert_conforms(leaf, WhooshReader)
            assert_conforms(leaf.column_reader(ID), WhooshColumn)
            matcher = leaf.postings(BODY, _first_term(leaf, BODY))
            if isinstance(matcher, FilterMatcher):  # a segment with deletions
                matcher = matcher.child
            assert_conforms(matcher, WhooshBlockMatcher)
        dated = [leaf for leaf, _ in leaves if leaf.has_column(DATE)]
        assert dated
        assert_conforms(dated[0].column_reader(DATE, translate=False), WhooshColumn)


def test_stats_counts_the_segments_through_the_reader(small_index: Path) -> None:
    with NewsIndex(small_index) as news:
        assert news.stats().segments == 2


def test_the_reader_of_an_empty_index_conforms(tmp_path: Path) -> None:
    with create_or_open(tmp_path / "empty").reader() as reader:
        assert reader.doc_count_all() == 0
        assert_conforms(reader, WhooshReader)


def test_a_searcher_its_weighting_results_and_hits_conform(ix: WhooshIndex) -> None:
    with ix.searcher() as searcher:
        assert_conforms(searcher, WhooshSearcher)
        assert_conforms(searcher.weighting, WhooshBM25F)
        assert_conforms(searcher.reader(), WhooshReader)
        word = _first_term(searcher.reader(), BODY).decode("utf-8")
        results = searcher.search(wq.Term(BODY, word), limit=None, filter={0, 1, 2})
        assert_conforms(results, WhooshResults)
        hits = list(results)
        assert hits
        assert_conforms(hits[0], WhooshHit)


def test_every_writer_newsfacet_opens_conforms(ix: WhooshIndex) -> None:
    plain = ix.writer(limitmb=16)
    try:
        assert_conforms(plain, WhooshWriter)
    finally:
        plain.cancel()
    small = bulk_writer(ix, 1, 16)  # few documents: a one-process writer
    try:
        assert_conforms(small, WhooshWriter)
    finally:
        small.cancel()
    parallel = SafeMpWriter(ix, procs=2)
    try:
        assert_conforms(parallel, WhooshWriter)
    finally:
        parallel.cancel()


@runtime_checkable
class _Narrow(Protocol):
    def method(self, a: int, *, b: int = ...) -> None: ...


class _TakesLess:
    def method(self, a: int) -> None:
        """Has no ``b``."""


class _TakesMore:
    def method(self, a: int, b: int = 0, **rest: object) -> None:
        """Takes ``b`` by position or keyword, and more."""


def test_the_check_fails_a_method_that_does_not_take_the_declared_arguments() -> None:
    assert_conforms(_TakesMore(), _Narrow)
    with pytest.raises(pytest.fail.Exception, match=r"does not take _Narrow\.method"):
        assert_conforms(_TakesLess(), _Narrow)
    with pytest.raises(AssertionError, match="is not a _Narrow"):
        assert_conforms(object(), _Narrow)
