"""Query matches computed with numpy agree with Whoosh's own matching."""

from __future__ import annotations

import numpy as np
import pytest

from search import NewsIndex
from search.query.parser import parse_text, resolve_facets
from search.ranking.postings import query_mask
from search.ranking.scoring import supports, top

QUERIES = ["election", "air strikes", "election OR government", "election -Trump",
           "title:election", "NOT election", '"air strikes"', "elect*", "Russia AND NOT Syria",
           "person:Putin OR country:Syria", "(Trump OR Biden) AND NOT title:election",
           "date:2019", "person:(Putin OR Shoigu) -country:Ukraine", "zzzzunknownword",
           '"United States"', '"the United States government"', '"state of emergency"',
           'title:"air strikes" OR "prime minister"']


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_matches_equal_whoosh_matches(news: NewsIndex, text: str) -> None:
    with news._lock:  # noqa: SLF001 - compares the two ways of matching on one searcher
        snap = news._current()  # noqa: SLF001
        query = resolve_facets(parse_text(text, news._parser), snap.columns)  # noqa: SLF001
        expected = np.zeros(snap.size, dtype=bool)
        expected[np.fromiter(snap.searcher.docs_for_query(query), dtype=np.int64)] = True
        got = query_mask(query, snap.searcher, snap.live)
    assert np.array_equal(got, expected & snap.live)
    if text in ("election", "air strikes", '"air strikes"', '"United States"'):
        assert got.any()


RANKED = ["election", "air strikes", "election OR government^2", "election -Trump",
          "title:election OR war", "(Trump OR Biden) AND NOT title:election",
          "person:Putin OR Russia"]


@pytest.mark.parametrize("text", RANKED)
def test_numpy_scores_equal_whoosh_scores(news: NewsIndex, text: str) -> None:
    with news._lock:  # noqa: SLF001 - compares the two ways of ranking on one searcher
        snap = news._current()  # noqa: SLF001
        query = resolve_facets(parse_text(text, news._parser), snap.columns)  # noqa: SLF001
        assert supports(query, snap.searcher)
        docs = np.flatnonzero(query_mask(query, snap.searcher, snap.live))
        scores = snap.scorer.scores(query, snap.size)
        ours = top(scores, docs, 0, 20).tolist()
        theirs = [(hit.docnum, hit.score) for hit in snap.searcher.search(query, limit=20)]
    assert len(ours) == len(theirs) > 0
    assert [scores[d] for d in ours] == pytest.approx([s for _, s in theirs])
    assert {d for d, _ in theirs} == set(ours) or len(docs) > 20


def test_wildcards_are_left_to_whoosh(news: NewsIndex) -> None:
    with news._lock:  # noqa: SLF001
        snap = news._current()  # noqa: SLF001
        query = resolve_facets(parse_text("elect*", news._parser), snap.columns)  # noqa: SLF001
        assert not supports(query, snap.searcher)
    hits = news.search("elect*", limit=5).hits
    assert hits and all(h.score is not None for h in hits)


def test_positions_decode_in_bulk_as_whoosh_decodes_them_one_by_one() -> None:
    from whoosh.analysis import StandardAnalyzer
    from whoosh.formats import Positions

    from search.ranking.postings import _decode_all

    fmt = Positions()
    values = [value for text in ("a b a c a", "c c", "b")
              for _, _, _, value in fmt.word_values(text, StandardAnalyzer(stoplist=None))]
    def expected(items: list[bytes]) -> tuple[list[int], list[int]]:
        decoded = [fmt.decode_positions(v) for v in items]
        return [len(d) for d in decoded], [p for d in decoded for p in d]

    counts, positions = _decode_all(values, fmt.decode_positions)
    assert (counts, positions.tolist()) == expected(values)
    assert positions.tolist() == [0, 2, 4, 1, 3, 0, 1, 0]
    odd = [values[0], values[1][:-1]]  # no closing mark: decoded one by one
    counts, positions = _decode_all(odd, fmt.decode_positions)
    assert (counts, positions.tolist()) == expected(odd)


def test_the_posting_cache_keeps_to_its_memory_budget(news: NewsIndex) -> None:
    from search.ranking.postings import Postings

    with news._lock:  # noqa: SLF001
        reader = news._current().searcher.reader()  # noqa: SLF001
        postings = Postings(reader, max_bytes=1_000)
        for word in ("russia", "syria", "trump", "elect", "russia"):
            docs, weights = postings.get("body", word)
            assert len(docs) == len(weights) == reader.doc_frequency("body", word)
            kept = postings._lists  # noqa: SLF001
            assert postings._bytes <= 1_000 or len(kept) == 1  # noqa: SLF001
            assert postings._bytes == sum(d.nbytes + w.nbytes for d, w in kept.values())  # noqa: SLF001


def test_phrases_match_as_whoosh_does_across_segments_with_deletions(tmp_path) -> None:
    from index import build_index
    from tests.helpers import write_articles

    stories = {f"s{i}.txt": f"Story {i}\n\nThe prime minister spoke. Air strikes hit the "
                            f"town {i}; a minister said prime time was over."
               for i in range(30)}
    corpus = write_articles(tmp_path / "corpus", stories)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    write_articles(corpus, {"s1.txt": "Story one\n\nNo strikes here, said the prime minister.",
                            "s30.txt": "Story thirty\n\nAir strikes and the prime minister."})
    build_index([corpus], index_dir, commit_every=1, workers=1)
    with NewsIndex(index_dir) as news, news._lock:  # noqa: SLF001
        snap = news._current()  # noqa: SLF001
        assert len(snap.searcher.reader().leaf_readers()) > 1
        assert snap.searcher.reader().doc_count_all() > snap.searcher.reader().doc_count()
        for text in ('"prime minister"', '"air strikes"', '"minister said prime"',
                     '"strikes hit"'):
            query = parse_text(text, news._parser)  # noqa: SLF001
            expected = np.zeros(snap.size, dtype=bool)
            expected[np.fromiter(snap.searcher.docs_for_query(query), dtype=np.int64)] = True
            got = query_mask(query, snap.searcher, snap.live)
            assert np.array_equal(got, expected & snap.live), text
            assert got.any(), text


def test_field_lengths_read_in_bulk_equal_whoosh_lengths_across_segments(tmp_path) -> None:
    from index import build_index, field_lengths
    from tests.helpers import write_articles

    stories = {f"s{i}.txt": f"Story {i}\n\n" + "The minister spoke again. " * (i * 7 + 1)
               for i in range(40)}
    corpus = write_articles(tmp_path / "corpus", stories)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    write_articles(corpus, {"s1.txt": "Story one\n\nShort now.",
                            "s40.txt": "A longer title for story forty\n\n" + "Words. " * 300})
    build_index([corpus], index_dir, commit_every=1, workers=1)
    with NewsIndex(index_dir) as news, news._lock:  # noqa: SLF001
        reader = news._current().searcher.reader()  # noqa: SLF001
        assert len(reader.leaf_readers()) > 1
        for field in ("body", "title", "people", "no_such_field"):
            expected = [reader.doc_field_length(n, field) or 0
                        for n in range(reader.doc_count_all())]
            got = field_lengths(reader, field)
            assert got.tolist() == expected, field
        assert len(set(field_lengths(reader, "body").tolist())) > 5
