"""The OpenSearch request bodies, pinned: one golden file per filter combination.

No cluster: the translation is pure. Filter values resolve through a fixed table, the way
the backend resolves them through the published entity table. After a deliberate change,
rewrite the files with ``NEWSFACET_UPDATE_GOLDEN=1 pytest tests/test_opensearch_requests.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from index import Facet, QuerySyntaxError, build_schema
from search import Filters, SortOrder
from search.opensearch import translate as tr
from search.query.parser import make_parser, parse_text

GOLDEN = Path(__file__).parent / "golden" / "opensearch"
UPDATE = os.environ.get("NEWSFACET_UPDATE_GOLDEN") == "1"
#: What each filter value names: a surname two people, an ISO code a country.
NAMES = {
    (Facet.PEOPLE, "Shoigu"): ("Sergei Shoigu",),
    (Facet.PEOPLE, "Smith"): ("Anna Smith", "John Smith"),
    (Facet.PEOPLE, "Putin"): ("Vladimir Putin",),
    (Facet.COUNTRIES, "us"): ("United States",),
    (Facet.COUNTRIES, "Russia"): ("Russia",),
    (Facet.COUNTRIES, "Turkey"): ("Turkey",),
    (Facet.ORGANIZATIONS, "NATO"): ("NATO",),
    (Facet.PLACES, "Moscow"): ("Moscow",),
}
PATTERNS = {(Facet.PEOPLE, "shoi*"): ("Sergei Shoigu",)}


def resolve(facet: Facet, value: str) -> tuple[str, ...]:
    return NAMES.get((facet, value), ())


def pattern(facet: Facet, text: str) -> tuple[str, ...]:
    return PATTERNS.get((facet, text), ())


PARSER = make_parser(build_schema())

CASES: dict[str, dict[str, Any]] = {
    "no_filters": {},
    "all_of": {"filters": {"people": ["Shoigu"], "countries": ["us", "Russia"]}},
    "all_of_surname_of_two": {"filters": {"people": ["Smith"]}},
    "any_of": {"filters": {"any_countries": ["Russia", "Turkey"]}},
    "none_of": {"filters": {"not_countries": ["Turkey"], "not_people": ["Nobody"]}},
    "dates": {"filters": {"since": "2019-01-01", "until": "2019-06-30"}},
    "since_only": {"filters": {"since": "2020-03-01"}},
    "unknown_value": {"filters": {"organizations": ["Nobody Inc"]}},
    "mixed": {"text": "air strikes",
              "filters": {"people": ["Putin"], "any_countries": ["Russia", "Turkey"],
                          "not_organizations": ["NATO"], "since": "2019-01-01"}},
    "disjunctive": {"disjunctive": True,
                    "filters": {"any_countries": ["Russia", "Turkey"], "people": ["Shoigu"],
                                "until": "2020-12-31"}},
    "disjunctive_no_filters": {"disjunctive": True},
    "text_phrase_or": {"text": '"air strikes" OR earthquake'},
    "text_facets": {"text": "person:(Putin OR Shoigu) -country:Turkey"},
    "text_prefix_and_pattern": {"text": "strik* person:shoi*"},
    "text_dates": {"text": "date:[2019-01 to 2019-06] fire"},
    "text_not_boost": {"text": "election^2 NOT fraud"},
    "sort_date_page_3": {"sort": SortOrder.DATE, "page": 3, "filters": {"places": ["Moscow"]}},
    "no_facets_year": {"facets": False, "interval": "year"},
}


def _body(case: dict[str, Any]) -> dict[str, Any]:
    text = case.get("text", "")
    query = tr.text_query(parse_text(text, PARSER), resolve, pattern)
    order = case.get("sort", SortOrder.RELEVANCE if text else SortOrder.NEWEST)
    return tr.search_body(query, Filters.build(**case.get("filters", {})), resolve, size=10,
                          start=(case.get("page", 1) - 1) * 10, facet_size=10,
                          facets=case.get("facets", True),
                          disjunctive=case.get("disjunctive", False), order=order,
                          has_text=bool(text), interval=case.get("interval", "month"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_request_body_matches_its_golden_file(name: str) -> None:
    body = _body(CASES[name])
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    assert body == json.loads(path.read_text()), f"{name}: see {path}"


def test_filter_modes_translate_to_term_terms_and_must_not() -> None:
    body = _body(CASES["mixed"])
    clauses = body["query"]["bool"]["filter"]
    assert {"range": {"date": {"format": "yyyy-MM-dd", "gte": "2019-01-01"}}} in clauses
    assert {"terms": {"people": ["Vladimir Putin"]}} in clauses
    assert {"terms": {"countries": ["Russia", "Turkey"]}} in clauses
    assert {"bool": {"must_not": [{"terms": {"organizations": ["NATO"]}}]}} in clauses


def test_a_surname_naming_two_people_matches_either() -> None:
    clauses = _body(CASES["all_of_surname_of_two"])["query"]["bool"]["filter"]
    assert clauses == [{"terms": {"people": ["Anna Smith", "John Smith"]}}]


def test_an_unknown_value_to_match_matches_nothing_and_one_to_leave_out_is_ignored() -> None:
    assert _body(CASES["unknown_value"])["query"]["bool"]["filter"] == [tr.MATCH_NONE]
    assert _body(CASES["none_of"])["query"]["bool"]["filter"] == [
        {"bool": {"must_not": [{"terms": {"countries": ["Turkey"]}}]}}]


def test_disjunctive_counts_move_facet_filters_to_post_filter_and_per_facet_filters() -> None:
    body = _body(CASES["disjunctive"])
    countries = {"terms": {"countries": ["Russia", "Turkey"]}}
    people = {"terms": {"people": ["Sergei Shoigu"]}}
    assert body["post_filter"] == {"bool": {"filter": [people, countries]}}
    # The date bound stays in the query: it is not a facet.
    assert body["query"]["bool"]["filter"][0]["range"]["date"]["lte"] == "2020-12-31"
    aggs = body["aggs"]
    assert aggs["countries"]["filter"] == {"bool": {"filter": [people]}}
    assert aggs["people"]["filter"] == {"bool": {"filter": [countries]}}
    assert aggs["places"]["filter"] == {"bool": {"filter": [people, countries]}}
    assert aggs["dates"]["filter"] == {"bool": {"filter": [people, countries]}}


def test_facet_counts_are_ordered_by_count_then_value_with_their_error_bound() -> None:
    agg = tr.terms_agg(Facet.PEOPLE, 0)["terms"]
    assert agg["order"] == [{"_count": "desc"}, {"_key": "asc"}]
    assert agg["size"] == tr.ALL_VALUES and agg["show_term_doc_count_error"] is True


def test_histogram_is_a_calendar_date_histogram() -> None:
    hist = _body(CASES["no_filters"])["aggs"]["dates"]["date_histogram"]
    assert hist["calendar_interval"] == "month" and hist["format"] == "yyyy-MM"


@pytest.mark.parametrize("text", ['"unclosed', "a AND", "nosuchfield:x", "(a OR b"])
def test_strict_syntax_errors_are_kept(text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        tr.text_query(parse_text(text, PARSER), resolve, pattern)


def test_a_text_range_on_a_text_field_is_refused_with_the_fix() -> None:
    with pytest.raises(QuerySyntaxError, match="no OpenSearch form"):
        tr.text_query(parse_text("title:[a TO c]", PARSER), resolve, pattern)
