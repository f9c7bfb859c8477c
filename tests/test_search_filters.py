"""OR / NOT filters, the query syntax for them, disjunctive counts, facet lookups, dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from index.entities.names import name_key
from search import Facet, FacetCount, InvalidValueError, NewsIndex, QuerySyntaxError, SortOrder

TRUMP, PUTIN = "Donald Trump", "Vladimir Putin"


def ids(news: NewsIndex, text: str = "", **filters: object) -> set[str]:
    return {doc.id for doc in news.export(text, **filters)}


def test_all_any_and_not_filters_combine_as_sets(news: NewsIndex) -> None:
    trump, putin = ids(news, people=[TRUMP]), ids(news, people=[PUTIN])
    assert trump and putin and trump != putin
    assert ids(news, people=[TRUMP, PUTIN]) == trump & putin
    assert ids(news, any_people=[TRUMP, PUTIN]) == trump | putin
    assert ids(news, not_people=[TRUMP]) == ids(news) - trump
    assert ids(news, any_people=[TRUMP, PUTIN], not_countries=["Russia"]) == \
        (trump | putin) - ids(news, countries=["Russia"])
    result = news.search(any_people=[TRUMP, PUTIN], limit=1)
    assert result.total == len(trump | putin)
    assert result.filters["any_people"] == (TRUMP, PUTIN)


def test_query_syntax_or_and_not_on_facets_matches_the_filters(news: NewsIndex) -> None:
    text = f'person:("{TRUMP}" OR "{PUTIN}") -country:Russia'
    assert ids(news, text) == ids(news, any_people=[TRUMP, PUTIN], not_countries=["Russia"])


def test_an_unknown_any_value_matches_nothing_and_an_unknown_not_value_removes_nothing(
        news: NewsIndex) -> None:
    assert news.search(any_people=["Nobody Atall"]).total == 0
    assert news.search(not_people=["Nobody Atall"]).total == news.search().total


def test_disjunctive_counts_leave_out_the_facets_own_filter(news: NewsIndex) -> None:
    plain = news.search(countries=["Russia"], facet_size=0)
    assert [c.value for c in plain.facet("countries")][0] == "Russia"
    assert all(c.count <= plain.total for c in plain.facet("countries"))
    multi = news.search(countries=["Russia"], facet_size=0, disjunctive=True)
    assert multi.total == plain.total
    assert multi.facet("countries") == news.search(facet_size=0).facet("countries")
    # Other facets are still counted over the filtered matches.
    assert multi.facet("people") == plain.facet("people")


def test_facet_values_are_sorted_by_count_then_name_and_sized(news: NewsIndex) -> None:
    counts = news.facet("people", size=0)
    assert list(counts) == sorted(counts, key=lambda c: (-c.count, c.value.casefold()))
    assert len(news.search(facet_size=3).facet("people")) == 3


def test_facet_match_finds_values_by_substring_ignoring_case_and_accents(
        news: NewsIndex) -> None:
    assert FacetCount("Sergei Shoigu", 1) in news.facet("people", match="shoi", size=0)
    assert news.facet("people", match="SHOÏ", size=0) == news.facet("people", match="shoi",
                                                                    size=0)
    assert all("putin" in c.value.lower() for c in news.facet("people", match="putin"))


def test_since_until_and_date_sorting(news: NewsIndex) -> None:
    result = news.search(since="2020-01-01", until="2020-03-31", limit=100)
    assert result.total > 0
    assert all(dt.date(2020, 1, 1) <= h.document.date <= dt.date(2020, 3, 31)
               for h in result.hits)
    oldest = news.search(sort="date", limit=20).hits
    dates = [h.document.date for h in oldest if h.document.date]
    assert dates == sorted(dates)
    newest = news.search("election", sort=SortOrder.NEWEST, limit=20).hits
    dates = [h.document.date for h in newest if h.document.date]
    assert dates == sorted(dates, reverse=True)
    with pytest.raises(InvalidValueError, match="sort must be one of relevance, date, -date"):
        news.search(sort="newest")


def test_date_histogram_counts_every_dated_match(news: NewsIndex) -> None:
    result = news.search("election")
    assert result.date_interval == "month"
    assert sum(b.count for b in result.dates) == sum(
        1 for d in news.export("election") if d.date)
    assert [b.value for b in result.dates] == sorted(b.value for b in result.dates)
    yearly = news.search("election", date_interval="year")
    assert {b.value for b in yearly.dates} <= {"2019", "2020"}
    assert sum(b.count for b in yearly.dates) == sum(b.count for b in result.dates)
    assert result.to_dict()["dates"]["buckets"][0] == result.dates[0].to_dict()


def test_deep_pages_reach_every_match(news: NewsIndex) -> None:
    total = news.search().total
    seen = [h.id for page in range(1, total // 50 + 2)
            for h in news.search(limit=50, page=page, facets=False).hits]
    assert len(seen) == len(set(seen)) == total
    last = news.search(limit=1, page=total, facets=False)
    assert last.hits[0].rank == total
    assert news.search(limit=1, page=total + 1).hits == ()


@pytest.mark.parametrize("filters", [{"people": [PUTIN]}, {"not_people": [TRUMP]},
                                     {"any_countries": ["Russia", "Syria"]}])
def test_facet_counts_equal_the_entities_of_the_matching_documents(
        news: NewsIndex, filters: dict[str, list[str]]) -> None:
    result = news.search(**filters, facet_size=0, limit=1_000)
    assert len(result.hits) == result.total
    for facet in Facet:
        # Spellings that differ only in case or accents are one entity, counted once.
        expected = Counter(k for h in result.hits
                           for k in {name_key(v) for v in h.document.entities(facet)})
        assert {name_key(c.value): c.count for c in result.facet(facet)} == dict(expected)


def test_a_quoted_value_after_a_field_is_accepted(news: NewsIndex) -> None:
    assert ids(news, 'person:"Sergei Shoigu"') == ids(news, people=["Sergei Shoigu"])
    assert news.search('title:"air strikes"').total > 0
    with pytest.raises(QuerySyntaxError, match="Field 'person' in query 'person:' has no value"):
        news.search("person:")


def test_a_run_of_words_finds_the_longer_names_that_hold_it(news: NewsIndex) -> None:
    column = news._current().columns[Facet.PEOPLE]  # noqa: SLF001 - the lookup behind filters

    def names(value: str) -> set[str]:
        return {column.values[i] for i in column.find_runs(value)}

    assert "Sergei Shoigu" in names("Shoigu")
    assert "Recep Tayyip Erdoğan" in names("tayyip erdogan")
    assert "Andrés Manuel López Obrador" in names("López Obrador")
    assert "Andrés Manuel López Obrador" not in names("Obrador López")
    assert names("Sergei Shoigu") == set() and names("") == set() and names("Zzyzx") == set()
    assert all(len(name.split()) > 1 for name in names("Bush"))


def test_a_place_filter_names_a_country_by_any_of_its_names(news: NewsIndex) -> None:
    wanted = ids(news, places=["United States"])
    assert wanted and ids(news, places=["USA"]) == ids(news, places=["u.s."]) == wanted
    column = news._current().columns[Facet.PLACES]  # noqa: SLF001 - the lookup behind filters

    def first(name: str) -> str | None:
        return name[0].upper() if name[0].isalpha() else None

    by_first = column.grouped(first)
    assert column.grouped(first) is by_first  # made once
    assert sorted(i for group in by_first.values() for i in group) == \
        [i for i, name in enumerate(column.values) if name[0].isalpha()]
    assert all(column.values[i].upper().startswith(first)
               for first, group in by_first.items() for i in group)
