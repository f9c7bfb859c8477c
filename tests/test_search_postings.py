"""Query matches computed with numpy agree with Whoosh's own matching."""

from __future__ import annotations

import numpy as np
import pytest

from search import NewsIndex
from search.postings import query_mask
from search.query import parse_text, resolve_facets

QUERIES = ["election", "air strikes", "election OR government", "election -Trump",
           "title:election", "NOT election", '"air strikes"', "elect*", "Russia AND NOT Syria",
           "person:Putin OR country:Syria", "(Trump OR Biden) AND NOT title:election",
           "date:2019", "person:(Putin OR Shoigu) -country:Ukraine", "zzzzunknownword"]


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_matches_equal_whoosh_matches(news: NewsIndex, text: str) -> None:
    with news._lock:  # noqa: SLF001 - compares the two ways of matching on one searcher
        snap = news._current()  # noqa: SLF001
        query = resolve_facets(parse_text(text, news._parser), snap.columns)  # noqa: SLF001
        expected = np.zeros(snap.size, dtype=bool)
        expected[np.fromiter(snap.searcher.docs_for_query(query), dtype=np.int64)] = True
        got = query_mask(query, snap.searcher, snap.live)
    assert np.array_equal(got, expected & snap.live)
    if text != "zzzzunknownword":
        assert got.any()
