"""Search columns written with each commit: opened by memory-mapping, tied to a generation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from index import Facet, build_index, renormalize
from index.store import columns
from index.store import folder as store
from index.store.columns import COLUMNS_PREFIX, FacetArrays, generation_token
from index.store.schema import ID
from index.store.segment_postings import SEGMENT_CACHE
from search import NewsIndex, create_app
from tests.conftest import SEEDS, seed_corpus


def column_folders(path: Path) -> list[Path]:
    return sorted(path.glob(f"{COLUMNS_PREFIX}*"))


def current_token(path: Path) -> str:
    with store.open_index(path).reader() as reader:
        return generation_token(reader)


def answers(path: Path) -> dict[str, Any]:
    """What a few searches return, facets and dates included."""
    with NewsIndex(path) as news:
        return {
            "all": news.search(facet_size=0).to_dict(),
            "russia": news.search("election", countries=["Russia"], facet_size=0).to_dict(),
            "people": news.facet("people", size=0, match="an"),
            "dated": news.search(since="2010-01-01", sort="-date", limit=50).to_dict(),
            "surname": news.search(people=["Putin"], facet_size=5).to_dict(),
            "suggest": news.search(people=["Vladimir Puttin"]).to_dict(),
            "typo": news.search("goverment elektion").to_dict(),
        }


@pytest.fixture
def seeds_copy(seeds_index: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index"
    shutil.copytree(seeds_index, path)
    return path


def test_an_index_run_writes_the_columns_of_its_last_commit(seeds_index: Path) -> None:
    folders = column_folders(seeds_index)
    assert [f.name for f in folders] == [f"{COLUMNS_PREFIX}{current_token(seeds_index)}"]
    with NewsIndex(seeds_index) as news:
        news.search()
        snap = news._current()  # noqa: SLF001 - checks where the arrays come from
        assert isinstance(snap.live, np.memmap)
        for facet in Facet:
            assert isinstance(snap.columns[facet].pair_docs, np.memmap)
        assert isinstance(snap.dates.ordinals, np.memmap)


def test_a_search_with_columns_reads_no_postings(seeds_index: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("read the postings although the columns were written")

    monkeypatch.setattr(FacetArrays, "read", refuse)
    with NewsIndex(seeds_index) as news:
        assert news.search("election", countries=["Russia"]).facet("people")


def test_columns_read_from_files_answer_as_columns_read_from_postings(
        seeds_copy: Path) -> None:
    written = answers(seeds_copy)
    for folder in column_folders(seeds_copy):
        shutil.rmtree(folder)
    # Missing: computed from the postings, the same answers, and written for next time.
    assert answers(seeds_copy) == written
    assert [f.name for f in column_folders(seeds_copy)] == \
        [f"{COLUMNS_PREFIX}{current_token(seeds_copy)}"]
    assert answers(seeds_copy) == written


def test_columns_of_another_generation_are_never_used(seeds_copy: Path) -> None:
    with NewsIndex(seeds_copy) as news:
        gone = [doc.id for doc in news.export(countries=["Russia"])][:3]
        before = news.search(countries=["Russia"]).total
    old = column_folders(seeds_copy)
    # A commit by a writer that does not write columns (another tool, an older version).
    writer = store.open_index(seeds_copy).writer()
    for doc_id in gone:
        writer.delete_by_term(ID, doc_id)
    writer.commit(merge=False)
    assert column_folders(seeds_copy) == old
    with NewsIndex(seeds_copy) as news:
        result = news.search(countries=["Russia"], facet_size=0)
        assert result.total == before - 3
        russia = {c.value: c.count for c in result.facet("countries")}["Russia"]
        assert russia == before - 3
    assert [f.name for f in column_folders(seeds_copy)] == \
        [f"{COLUMNS_PREFIX}{current_token(seeds_copy)}"]


def test_an_incremental_run_replaces_the_columns(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 20)
    path = tmp_path / "index"
    build_index([corpus], path)
    first = column_folders(path)
    shutil.copy(sorted(SEEDS.glob("*.txt"))[30], corpus)
    build_index([corpus], path)
    second = column_folders(path)
    assert len(second) == 1 and second != first
    assert second[0].name == f"{COLUMNS_PREFIX}{current_token(path)}"
    with NewsIndex(path) as news:
        assert news.search().total == 21
    # An unchanged run leaves them as they are.
    build_index([corpus], path)
    assert column_folders(path) == second


def test_renormalize_writes_the_columns_of_its_commit(seeds_copy: Path) -> None:
    with NewsIndex(seeds_copy) as news:
        before = news.search(facet_size=0).to_dict()
    # A commit that no columns were written for, then a renormalisation that rewrites it.
    writer = store.open_index(seeds_copy).writer()
    writer.commit(optimize=True)
    stale = column_folders(seeds_copy)
    renormalize(seeds_copy)
    assert column_folders(seeds_copy) != stale
    assert [f.name for f in column_folders(seeds_copy)] == \
        [f"{COLUMNS_PREFIX}{current_token(seeds_copy)}"]
    with NewsIndex(seeds_copy) as news:
        assert news.search(facet_size=0).to_dict() == before


@pytest.mark.parametrize("damage", ["truncate", "manifest", "token", "terms"])
def test_damaged_columns_are_computed_again(seeds_copy: Path, damage: str) -> None:
    written = answers(seeds_copy)
    (folder,) = column_folders(seeds_copy)
    if damage == "truncate":
        target = folder / "people.docs.npy"
        target.write_bytes(target.read_bytes()[:-8])
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "terms":
        (folder / "body.terms.json").write_text("[1, 2]", encoding="utf-8")
    else:
        folder.rename(folder.with_name(f"{COLUMNS_PREFIX}0000000000000000"))
    assert answers(seeds_copy) == written


def test_a_pickle_in_the_columns_is_never_unpickled(seeds_copy: Path, tmp_path: Path) -> None:
    written = answers(seeds_copy)
    (folder,) = column_folders(seeds_copy)
    witness = tmp_path / "unpickled"
    payload = np.array([_Touch(witness)], dtype=object)
    with open(folder / "live.npy", "wb") as handle:
        np.save(handle, payload, allow_pickle=True)
    assert answers(seeds_copy) == written
    assert not witness.exists()


class _Touch:
    """Unpickling it creates a file: proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


def test_other_precount_settings_make_the_columns_stale(
        seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "PRECOUNTED_VALUES", 3)
    monkeypatch.setattr(columns, "PRECOUNT_MIN_DOCS", 1)
    with NewsIndex(seeds_copy) as news:
        news.search()
        snap = news._current()  # noqa: SLF001
        assert len(snap._stored.precounts) == 1 + 3 * len(Facet)  # noqa: SLF001


def test_precounts_are_opened_when_a_search_asks_for_them(
        seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "PRECOUNTED_VALUES", 3)
    monkeypatch.setattr(columns, "PRECOUNT_MIN_DOCS", 1)
    with NewsIndex(seeds_copy) as news:
        unfiltered = news.search().to_dict()
        snap = news._current()  # noqa: SLF001
        assert list(snap._tallies) == [None]  # noqa: SLF001 - only the unfiltered counts
        facet, entity = next(s for s in snap._stored.precounts if s is not None)  # noqa: SLF001
        value = snap.columns[facet].values[entity]
        filtered = news.search(**{facet.value: [value]}).to_dict()
        assert (facet, entity) in snap._tallies  # noqa: SLF001
    # The same answers as counting at query time, with no precounts at all.
    monkeypatch.setattr(columns, "PRECOUNT_MIN_DOCS", 10**9)
    with NewsIndex(seeds_copy) as news:
        assert not [s for s in news._current()._stored.precounts if s]  # noqa: SLF001
        assert news.search().to_dict() == unfiltered
        assert news.search(**{facet.value: [value]}).to_dict() == filtered


def test_serve_opens_the_index_before_its_first_request(seeds_index: Path) -> None:
    with NewsIndex(seeds_index) as news:
        app = create_app(news)
        assert news._snapshot is None  # noqa: SLF001 - opening is lazy until then
        with TestClient(app) as client:
            assert news._snapshot is not None  # noqa: SLF001
            assert client.get("/api/health").status_code == 200


def _same_columns(a: columns.SearchColumns, b: columns.SearchColumns) -> None:
    assert (a.token, a.size) == (b.token, b.size)
    assert np.array_equal(a.live, b.live) and np.array_equal(a.ordinals, b.ordinals)
    for facet in Facet:
        x, y = a.facets[facet], b.facets[facet]
        assert (x.keys, x.values, x.terms) == (y.keys, y.values, y.terms)
        for name in ("docs", "ids", "by_id", "starts", "name_rank"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), (facet, name)
    assert a.body().terms == b.body().terms
    assert np.array_equal(a.body().doc_freq, b.body().doc_freq)


def test_columns_from_kept_segment_postings_equal_columns_from_the_postings(
        tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 30)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    cache = index_dir / SEGMENT_CACHE
    assert list(cache.glob("*.npz"))  # the build kept its segments' postings
    for extra in sorted(SEEDS.glob("*.txt"))[30:36]:
        shutil.copy(extra, corpus / extra.name)
    sorted(corpus.iterdir())[0].unlink()
    build_index([corpus], index_dir, workers=1)
    with store.open_index(index_dir).reader() as reader:
        kept = columns.SearchColumns.compute(reader, cache)
        fresh = columns.SearchColumns.compute(reader)
        segments = {seg.segment_id() for seg in reader.segments() or ()}
    _same_columns(kept, fresh)
    # Only the postings of the segments in the index are kept.
    assert {p.stem for p in cache.glob("*.npz")} <= segments

    # Deletions in place, as an update leaves them: the kept postings still hold the
    # deleted documents, and the live column leaves them out.
    writer = store.open_index(index_dir).writer()
    for name in sorted(p.name for p in corpus.iterdir())[3:5]:
        writer.delete_by_term(ID, name)
    writer.commit(merge=False)
    with store.open_index(index_dir).reader() as reader:
        assert reader.has_deletions()
        kept = columns.SearchColumns.compute(reader, cache)
        fresh = columns.SearchColumns.compute(reader)
        assert np.flatnonzero(kept.live).tolist() == list(reader.all_doc_ids())
        ordinals, has_date = columns.read_dates(reader, reader.doc_count_all())
    assert np.array_equal(kept.live, fresh.live)
    assert np.array_equal(kept.ordinals, ordinals) and has_date.any()
    assert np.array_equal(kept.has_date, has_date)
    for facet in Facet:
        def live_pairs(found: columns.SearchColumns) -> set[tuple[int, str]]:
            arrays = found.facets[facet]  # noqa: B023 - used at once
            return {(doc, arrays.keys[i]) for doc, i in
                    zip(arrays.docs.tolist(), arrays.ids.tolist(), strict=True)
                    if found.live[doc]}
        assert live_pairs(kept) == live_pairs(fresh)


@given(st.lists(st.integers(-2**40, 2**40), max_size=200),
       st.sampled_from([np.int32, np.int64]))
def test_sorted_unique_is_numpys_unique(values: list[int], dtype: type) -> None:
    array = np.array(values, dtype=np.int64)
    if dtype is np.int32:
        array = (array % 2**31).astype(np.int32)
    found = columns.sorted_unique(array)
    assert found.dtype == array.dtype
    assert np.array_equal(found, np.unique(array))
