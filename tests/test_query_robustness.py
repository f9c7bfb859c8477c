"""Every query text gives results or a QuerySyntaxError: generated from the grammar's pieces
and run on the real seeds index."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import NewsfacetError, QuerySyntaxError
from search import NewsIndex

OPERATORS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "to", "+", "-", "^", "^2", "~",
             "~2", "&", "|", "!", ":", "*", "?", "/", "\\"]
FIELDS = ["title:", "body:", "date:", "person:", "org:", "place:", "country:", "people:",
          "unknown:", "Title:", "DATE:"]
BRACKETS = ["(", ")", "[", "]", "{", "}", '"', "'", "’"]
WORDS = ["police", "Syria", "COVID-19", "al-Assad", "U.S.", "AT&T", "O'Rourke", "Erdoğan",
         "elec?ion", "elect*", "*", "*e*", "?", "Sho*", "Shoigu", "the", "US", "WHO", "x",
         "2019", "2019-01", "2019-01-04", "2019-13", "0000", "9999", "99999", "-1", "7d",
         "yesterday", "4 January 2019", "soon", "1.5", "٣", "北京", "😀", "\u00ad", "\u200b",
         "ß", "İ", "\x00", "a" * 60]
RANGES = ["[2019 to 2020]", "[0000 to 9999]", "[to 2019]", "[2019 to]", "{2019 to 2020}",
          "[2020 to 2019]", "[a to z]", "[2019-01 TO 2019-06]", "[ to ]", "[2019 2020]",
          "[yesterday to today]"]
PIECE = st.one_of(st.sampled_from(OPERATORS), st.sampled_from(FIELDS),
                  st.sampled_from(BRACKETS), st.sampled_from(WORDS), st.sampled_from(RANGES),
                  st.text(max_size=6))
QUERY = st.lists(st.tuples(PIECE, st.sampled_from(["", " ", " ", "  "])), max_size=10).map(
    lambda pairs: "".join(piece + gap for piece, gap in pairs))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=QUERY)
def test_only_newsfacet_errors_escape(news: NewsIndex, text: str) -> None:
    try:
        result = news.search(text, limit=3, facet_size=3)
    except NewsfacetError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message
    else:
        assert result.total >= 0


@pytest.mark.parametrize("text", ["-police", "NOT police", "-police -fire"])
def test_a_query_of_only_negatives_is_everything_but(news: NewsIndex, text: str) -> None:
    assert 0 < news.search(text).total < news.search("").total


@pytest.mark.parametrize("text", [
    "NOT NOT police", "date:[0000 to 9999]", 'date:"not a date"', 'date:"2019-13-01"',
    "date:[2019 to 2020", "title:", "(", "AND", "date:", "person:(", "police ANDMAYBE", '"',
    "Syria (-Russia)",
])
def test_known_bad_queries_are_syntax_errors(news: NewsIndex, text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        news.search(text)
