"""Precounted facets: the counts under a frequent value equal the counts made at query time."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index import Facet
from index.entities.names import name_key
from index.store import columns
from index.store import folder as store
from index.store.schema import ID
from search import NewsIndex
from search.query.filters import Filters
from search.select import select


@pytest.fixture
def precounting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Precount the five most frequent values of each facet, however small the index."""
    monkeypatch.setattr(columns, "PRECOUNTED_VALUES", 5)
    monkeypatch.setattr(columns, "PRECOUNT_MIN_DOCS", 1)


def top_values(news: NewsIndex, facet: Facet, size: int = 5) -> list[str]:
    return [c.value for c in news.facet(facet, size=size)]


def answers(news: NewsIndex, text: str = "", **filters: Any) -> dict[str, Any]:
    """Every facet-counting answer for one query."""
    out: dict[str, Any] = {}
    for size in (0, 3):
        for disjunctive in (False, True):
            result = news.search(text, facet_size=size, disjunctive=disjunctive, **filters)
            out[f"search {size} {disjunctive}"] = (result.total, dict(result.facets))
    for facet in Facet:
        out[f"facet {facet.value}"] = news.facet(facet, text, size=0, **filters)
        out[f"match {facet.value}"] = news.facet(facet, text, size=0, match="an", **filters)
        out[f"disjunctive {facet.value}"] = news.facet(facet, text, size=0, disjunctive=True,
                                                       **filters)
    out["related"] = news.related(text, facets=list(Facet), size=0, **filters).to_dict()
    out["related 2"] = news.related(text, facets=list(Facet), size=2, **filters).to_dict()
    return out


@pytest.fixture
def counted(seeds_index: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[NewsIndex]:
    """The seeds index with nothing precounted: every count made at query time."""
    monkeypatch.setattr(columns, "PRECOUNTED_VALUES", 0)
    with NewsIndex(seeds_index) as news:
        news.search()
        yield news


@pytest.mark.parametrize("keep", [1_000, 3])
def test_filters_on_frequent_values_get_the_counts_made_at_query_time(
        seeds_index: Path, counted: NewsIndex, monkeypatch: pytest.MonkeyPatch,
        keep: int) -> None:
    queries: list[tuple[str, dict[str, Any]]] = []
    for facet in Facet:
        for value in top_values(counted, facet):
            queries.append(("", {facet.value: [value]}))
            queries.append(("", {f"any_{facet.value}": [value]}))
    queries += [("election", {"countries": ["Russia"]}),
                ("", {"countries": ["Russia"], "not_people": ["Vladimir Putin"]}),
                ("", {"countries": ["Russia"], "people": ["Vladimir Putin"]}),
                ("", {"countries": ["Russia"], "since": "2000-01-01"})]
    expected = [answers(counted, text, **filters) for text, filters in queries]
    monkeypatch.setattr(columns, "PRECOUNTED_VALUES", 5)
    monkeypatch.setattr(columns, "PRECOUNT_MIN_DOCS", 1)
    # With 3 values kept, tables of 3 come from them and longer ones are counted.
    monkeypatch.setattr(columns, "PRECOUNT_KEEP", keep)
    with NewsIndex(seeds_index) as news:
        for (text, filters), wanted in zip(queries, expected, strict=True):
            assert answers(news, text, **filters) == wanted, (text, filters)


def test_a_filter_on_a_frequent_value_is_answered_from_its_precounted_counts(
        seeds_index: Path, precounting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with NewsIndex(seeds_index) as news:
        result = news.search(countries=["Russia"])
        snap = news._current()  # noqa: SLF001 - checks which counts answer, not behaviour
        selection = select(snap.live, Filters.build(countries=["Russia"]), snap.columns, snap.dates,
                           snap.aliases)
        assert selection.required == ((Facet.COUNTRIES, snap.columns[Facet.COUNTRIES]
                                       .lookup("Russia")),)
        for facet in Facet:
            assert snap.precounted(facet, result.total, selection.required) is not None
        # Of a precounted value the first PRECOUNT_KEEP values of each facet are kept.
        monkeypatch.setattr(columns, "PRECOUNT_KEEP", 3)
        news.close()
        news.search(countries=["Russia"])
        snap = news._current()  # noqa: SLF001
        assert snap.precounted(Facet.PEOPLE, result.total, selection.required, size=3)
        assert snap.precounted(Facet.PEOPLE, result.total, selection.required) is None
        assert snap.precounted(Facet.PEOPLE, result.total, selection.required, size=3,
                               match="a") is None
        # Fewer documents than the value's own (a text query, an exclusion): counted.
        fewer = news.search("election", countries=["Russia"]).total
        assert fewer < result.total
        assert snap.precounted(Facet.PEOPLE, fewer, selection.required) is None
        # A value outside the precounted ones is counted too.
        rare = news.facet("countries", size=0)[-1]
        entity = snap.columns[Facet.COUNTRIES].lookup(rare.value)
        assert snap.precounted(Facet.PEOPLE, rare.count, ((Facet.COUNTRIES, entity),)) is None


def test_required_entities_are_the_values_every_match_must_carry(news: NewsIndex) -> None:
    snap = news._current()  # noqa: SLF001
    russia = (Facet.COUNTRIES, snap.columns[Facet.COUNTRIES].lookup("Russia"))
    putin = (Facet.PEOPLE, snap.columns[Facet.PEOPLE].lookup("Vladimir Putin"))

    def required(**filters: Any) -> set[tuple[Facet, int | None]]:
        return set(select(snap.live, Filters.build(**filters), snap.columns, snap.dates,
                          snap.aliases).required)

    assert required(countries=["Russia"]) == {russia}
    assert required(any_countries=["Russia"]) == {russia}
    assert required(countries=["Russia"], people=["Vladimir Putin"]) == {russia, putin}
    assert required(countries=["Russia"], not_people=["Vladimir Putin"]) == {russia}
    assert required(any_countries=["Russia", "Ukraine"]) == set()
    assert required(not_countries=["Russia"]) == set()
    assert required(countries=["Nowhere At All"]) == set()
    # A surname alone names every full name that contains it: no single entity.
    assert len(news.facet("people", match="Trump", size=0)) > 1
    assert required(people=["Trump"]) == set()


def test_precounted_counts_leave_out_deleted_documents(
        seeds_index: Path, tmp_path: Path, precounting: None) -> None:
    path = tmp_path / "index"
    shutil.copytree(seeds_index, path)
    with NewsIndex(path) as news:
        gone = [doc.id for doc in news.export(countries=["Russia"])][:2]
    writer = store.open_index(path).writer()
    for doc_id in gone:
        writer.delete_by_term(ID, doc_id)
    writer.commit(merge=False)
    with NewsIndex(path) as news:
        result = news.search(countries=["Russia"], facet_size=0)
        snap = news._current()  # noqa: SLF001
        assert snap.size > snap.live_count  # the deleted documents are still in a segment
        assert not {h.id for h in news.search(countries=["Russia"], limit=1000).hits} & set(gone)
        for facet in Facet:
            # Spellings that differ only in case or accents are one entity, counted once.
            expected = Counter(k for doc in news.export(countries=["Russia"])
                               for k in {name_key(v) for v in doc.entities(facet)})
            assert {name_key(c.value): c.count for c in result.facet(facet)} == dict(expected)


def test_a_kept_prefix_of_a_tally_is_the_start_of_the_whole_table(news: NewsIndex) -> None:
    snap = news._current()  # noqa: SLF001
    for facet in Facet:
        column = snap.columns[facet]
        counts = column.counts(snap.live)
        whole = column.tally(counts)
        assert whole.complete and len(whole.ids) == int((counts > 0).sum())
        for limit in (1, 2, 7, 50):
            kept = column.tally(counts, limit)
            assert kept.complete == (len(whole.ids) <= limit)
            assert kept.ids.tolist() == whole.ids[:limit].tolist()
            assert kept.counts.tolist() == whole.counts[:limit].tolist()
            if not kept.complete:
                assert kept.answers(limit) and (limit == 1 or kept.answers(limit - 1, excluded=1))
                assert not kept.answers(limit + 1) and not kept.answers(limit, excluded=1)
                assert not kept.answers(0) and not kept.answers(limit, match="a")
