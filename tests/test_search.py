"""Searching the seeds index through the Python API: filters, facets, paging, errors."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from search import (
    DocumentNotFoundError,
    Facet,
    IndexNotFoundError,
    InvalidValueError,
    NewsIndex,
    QuerySyntaxError,
    UnknownFacetError,
)
from tests.helpers import SEED_ARTICLE


def ids(news: NewsIndex, text: str = "", **filters: object) -> set[str]:
    return {d.id for d in news.export(text, **filters)}


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("", {"people": ["Sergei Shoigu"]}),
        ("", {"people": ["Shoigu"]}),
        ("", {"people": ["sergei SHOIGU"]}),
        ("", {"countries": ["Russia"]}),
        ("", {"countries": ["US"]}),
        ("", {"countries": ["us"]}),
        ("", {"countries": ["United States"]}),
        ("", {"countries": ["U.S."]}),
        ("", {"organizations": ["Pentagon"]}),
        ("air strikes", {"countries": ["Syria"]}),
        ('"air strikes"', {}),
        ("air strikes", {"countries": ["Russia"], "people": ["Sergei Shoigu"]}),
        ('person:"Sergei Shoigu"', {}),
        ("person:Shoigu", {}),
        ("country:Syria AND strikes", {}),
        ("org:pentagon", {}),
    ],
)
def test_seed_article_is_found(news: NewsIndex, text: str, filters: dict[str, list[str]]) -> None:
    assert SEED_ARTICLE in ids(news, text, **filters)


def test_seed_article_entities(news: NewsIndex) -> None:
    doc = news.get(SEED_ARTICLE)
    assert doc.people.count("Sergei Shoigu") == 1
    assert "Shoigu" not in doc.people
    assert {"Jeff Davis", "John Kirby", "Bashar al-Assad"} <= set(doc.people)
    assert {"Russia", "Syria", "United States"} <= set(doc.countries)
    assert "Pentagon" in doc.organizations
    assert doc.title.startswith("US rejects Russian proposal")
    assert "Moscow on Friday proposed" in doc.text
    assert ("Sergei Shoigu", "PERSON") in {(m[0], m[1]) for m in doc.mentions}


def test_filters_all_must_match(news: NewsIndex) -> None:
    russia = ids(news, countries=["Russia"])
    syria = ids(news, countries=["Syria"])
    both = ids(news, countries=["Russia", "Syria"])
    assert both == russia & syria
    assert len(both) < len(russia)


def test_unknown_filter_value_matches_nothing(news: NewsIndex) -> None:
    result = news.search(people=["Nobody Atall Person"])
    assert result.total == 0 and result.hits == ()


def test_facet_counts_cover_every_match_not_just_the_page(news: NewsIndex) -> None:
    result = news.search("government", limit=1, facet_size=0)
    assert result.total > 5 and len(result.hits) == 1
    expected: Counter[str] = Counter()
    for doc in news.export("government"):
        expected.update(set(doc.countries))
    counted = {c.value: c.count for c in result.facet(Facet.COUNTRIES)}
    assert counted == dict(expected)
    for counts in result.facets.values():
        assert all(c.count <= result.total for c in counts)
        assert [(-c.count, c.value.casefold()) for c in counts] == sorted(
            (-c.count, c.value.casefold()) for c in counts)


def test_facet_counts_do_not_depend_on_limit_or_page(news: NewsIndex) -> None:
    first = news.search("election", limit=1)
    second = news.search("election", limit=7, page=2)
    assert first.facets == second.facets
    assert first.total == second.total


def test_empty_query_returns_everything_newest_first(news: NewsIndex) -> None:
    result = news.search(limit=20)
    assert result.total == 241
    dates = [h.document.date for h in result.hits]
    assert all(dates) and dates == sorted(dates, reverse=True)


def test_paging_walks_all_hits_once(news: NewsIndex) -> None:
    seen = []
    page = 1
    while True:
        result = news.search("police", limit=4, page=page)
        if not result.hits:
            break
        seen.extend(h.id for h in result.hits)
        page += 1
    assert len(seen) == len(set(seen)) == result.total
    assert [h.rank for h in news.search("police", limit=4, page=2).hits] == [5, 6, 7, 8]


def test_date_filters(news: NewsIndex) -> None:
    result = news.search(since="2020-01-01", until="2020-03-31", limit=100)
    assert result.total > 0
    assert all(dt.date(2020, 1, 1) <= h.document.date <= dt.date(2020, 3, 31)
               for h in result.hits)
    assert news.search(since=dt.date(2030, 1, 1)).total == 0


def test_snippet_highlights_query_terms(news: NewsIndex) -> None:
    [hit] = news.search('"joint air strikes"').hits
    assert "<b>" in hit.snippet and hit.score is not None
    assert news.search(limit=1).hits[0].score is None


def test_facet_method_and_unknown_facet(news: NewsIndex) -> None:
    counts = news.facet("countries", "Syria", size=3)
    assert len(counts) == 3 and counts[0].count >= counts[-1].count
    assert news.facet("person", countries=["Russia"])  # singular alias works
    with pytest.raises(UnknownFacetError, match="Unknown facet 'colours'. Use one of: people"):
        news.facet("colours")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"air strikes', "Unbalanced quote"),
        ("(air OR sea", r"Unclosed '\('"),
        ("air)", r"Unbalanced '\)'"),
        ("air AND", "Operator AND"),
        ("OR air", "Operator OR"),
        ("colour:red", "Unknown field 'colour'"),
        ("person:", "has no value"),
        ("date:someday", "is not a date"),
    ],
)
def test_bad_query_syntax_is_reported(news: NewsIndex, text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        news.search(text)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"limit": 0}, "limit must be"), ({"page": 0}, "page must be"),
     ({"since": "last week"}, "since must be a date"),
     ({"since": "2020-02-01", "until": "2020-01-01"}, "is after until")],
)
def test_bad_values_are_reported(news: NewsIndex, kwargs: dict[str, object],
                                 message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        news.search(**kwargs)  # type: ignore[arg-type]


def test_missing_document_and_missing_index(news: NewsIndex, tmp_path: Path) -> None:
    with pytest.raises(DocumentNotFoundError, match="No document with id 'nope'"):
        news.get("nope")
    with pytest.raises(IndexNotFoundError, match="No index at '.*'. Build one first: newsfacet"):
        NewsIndex(tmp_path / "none")


def test_results_are_frozen_values(news: NewsIndex) -> None:
    result = news.search("Syria", limit=2)
    with pytest.raises(FrozenInstanceError):
        result.total = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.facets["people"] = ()  # type: ignore[index]
    data = result.to_dict()
    assert set(data) >= {"query", "total", "hits", "facets"}
    assert set(data["hits"][0]) >= {"id", "title", "path", "date", "source", "url", "score",
                                    "snippet", "people", "organizations", "places", "countries"}
    assert set(data["facets"]) == {"people", "organizations", "places", "countries"}
    assert set(data["facets"]["people"][0]) == {"value", "count"}


def test_one_index_searched_from_many_threads(news: NewsIndex) -> None:
    queries = ["Syria", "election", "police", "fire", "court", "", "government", "president"]
    expected = {q: news.search(q, limit=5).to_dict() for q in queries}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: (q, news.search(q, limit=5).to_dict()), queries * 6))
    assert all(result == expected[q] for q, result in results)


def test_stats(news: NewsIndex) -> None:
    stats = news.stats()
    assert stats.documents == 241
    assert stats.earliest == dt.date(2019, 1, 4) and stats.latest == dt.date(2020, 12, 28)
    assert stats.entities["countries"] > 50
    assert stats.model and "ner" in stats.model
