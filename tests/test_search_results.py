"""Co-mentions, "did you mean", similar articles, collapsing, snippets, threads, refresh."""

from __future__ import annotations

import pickle
import threading
from collections import Counter
from pathlib import Path

import pytest

from index import build_index
from search import DocumentNotFoundError, Facet, Filters, InvalidValueError, NewsIndex, Suggestion
from tests.helpers import SEED_ARTICLE, write_articles

SHOIGU = "Sergei Shoigu"


def test_related_lists_co_mentions_with_count_and_lift(news: NewsIndex) -> None:
    result = news.related(people=[SHOIGU])
    assert result.total == news.search(people=[SHOIGU]).total > 0
    assert set(result.related) == {"people", "organizations", "countries"}
    people = result.related["people"]
    assert people and SHOIGU not in {c.value for c in people}
    assert "Russia" in {c.value for c in result.related["countries"]}
    everywhere = {c.value: c.count for c in news.facet("countries", size=0)}
    total = news.search().total
    for item in result.related["countries"]:
        assert 0 < item.count <= result.total
        expected = (item.count / result.total) / (everywhere[item.value] / total)
        assert item.lift == pytest.approx(expected)
    assert result.to_dict()["related"]["countries"][0]["facet"] == "countries"


def test_related_counts_are_sorted_and_sized(news: NewsIndex) -> None:
    result = news.related("election", facets=[Facet.PEOPLE], size=5)
    people = result.related["people"]
    assert len(people) == 5
    assert list(people) == sorted(people, key=lambda c: (-c.count, c.value.casefold()))


def test_a_misspelled_person_gets_a_suggestion_instead_of_a_silent_empty_result(
        news: NewsIndex) -> None:
    result = news.search(people=["Sergey Shoygu"])
    assert result.total == 0
    assert result.suggestions == (Suggestion("people", "Sergey Shoygu", SHOIGU),)
    assert result.to_dict()["did_you_mean"] == [
        {"field": "people", "given": "Sergey Shoygu", "suggestion": SHOIGU}]


def test_of_equally_close_values_the_one_in_most_articles_is_suggested(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", {
        "a.txt": "Mayor speaks\n\nMayor Jan Smith spoke in Leeds on Monday.",
        "b.txt": "Council vote\n\nCouncillor Jon Smith voted against the plan in Leeds.",
        "c.txt": "Budget\n\nThe budget was drawn up by Jon Smith, who chairs the committee.",
        "d.txt": "Parks\n\nThe parks of Leeds will stay open, Jon Smith said on Monday.",
    })
    build_index([folder], tmp_path / "index")
    with NewsIndex(tmp_path / "index") as news:
        assert {c.value: c.count for c in news.facet("people")} == {"Jon Smith": 3,
                                                                     "Jan Smith": 1}
        assert news.search(people=["Jen Smith"]).suggestions == (
            Suggestion("people", "Jen Smith", "Jon Smith"),)
        assert news.search(people=["Jan Smyth"]).suggestions == (
            Suggestion("people", "Jan Smyth", "Jan Smith"),)


def test_a_misspelled_word_gets_a_readable_suggestion(news: NewsIndex) -> None:
    result = news.search("goverment")
    assert result.total == 0
    assert result.suggestions == (Suggestion("text", "goverment", "government"),)
    assert news.search("government").total > 0
    assert news.search("government").suggestions == ()


def test_similar_ranks_articles_sharing_terms_and_entities(news: NewsIndex) -> None:
    source = news.get(SEED_ARTICLE)
    result = news.similar(SEED_ARTICLE, limit=5)
    assert result.hits and SEED_ARTICLE not in {h.id for h in result.hits}
    first = result.hits[0].document
    shared = {f: set(first.entities(f)) & set(source.entities(f)) for f in Facet}
    assert any(shared.values())
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(DocumentNotFoundError, match="No document with id 'nope'"):
        news.similar("nope")


def test_snippets_mark_every_form_of_the_query_words(news: NewsIndex) -> None:
    hit = news.search("elections", limit=1).hits[0]
    assert "<b>" in hit.snippet
    marked = hit.snippet.split("<b>")[1].split("</b>")[0].lower()
    assert marked.startswith("elect")


STORY = ("Flooding in the river valley forced hundreds of families from their homes on "
         "Tuesday, officials in Lyon said, as emergency crews worked through the night to "
         "reinforce the banks. Mayor Gregory Doucet said shelters were open in schools and "
         "sports halls, and that the water was expected to peak on Wednesday evening.")


@pytest.fixture(scope="module")
def wire_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_articles(tmp_path_factory.mktemp("wire") / "articles", {
        "a.txt": f"Floods in Lyon\n\n{STORY}",
        "b.txt": f"Lyon flooding forces hundreds out\n\n{STORY}\nMore to follow.",
        "c.txt": f"FLOODS IN LYON\n\n{STORY.upper()}",
        "d.txt": "Budget vote in Paris\n\nThe French parliament voted on the budget on "
                 "Tuesday after a long debate in Paris about flooding defences and taxes.",
    })
    path = folder.parent / "index"
    assert build_index([folder], path).indexed == 4
    return path


def test_collapse_shows_copies_of_one_story_once_with_their_count(wire_index: Path) -> None:
    with NewsIndex(wire_index) as news:
        plain = news.search("flooding")
        assert plain.total == 4 and all(h.copies == 1 for h in plain.hits)
        folded = news.search("flooding", collapse=True)
        assert folded.total == 2 and folded.collapsed
        assert sorted(h.copies for h in folded.hits) == [1, 3]
        for facet in Facet:
            expected = Counter(v for h in folded.hits for v in h.document.entities(facet))
            assert {c.value: c.count for c in folded.facet(facet)} == dict(expected)
        assert any(folded.facets.values())
        assert len(list(news.export("flooding", collapse=True))) == 2
        like_a = news.similar("a.txt", limit=10)
        assert {"b.txt", "c.txt"} <= {h.id for h in like_a.hits}
        assert {h.id for h in news.similar("a.txt", collapse=True).hits} <= {"d.txt"}


def test_the_searcher_is_reused_and_refreshed_after_a_commit(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "articles", {"a.txt": f"Floods in Lyon\n\n{STORY}"})
    path = tmp_path / "index"
    build_index([folder], path)
    with NewsIndex(path) as news:
        assert news.search("budget").total == 0
        first = news._current()  # noqa: SLF001 - checks reuse, not behaviour
        assert news._current() is first  # noqa: SLF001
        write_articles(folder, {"b.txt": "Budget vote\n\nThe budget passed in Paris."})
        build_index([folder], path)
        assert news.search("budget").total == 1
        assert news._current() is not first  # noqa: SLF001
        (folder / "a.txt").unlink()
        build_index([folder], path)
        assert news.search("flooding").total == 0
        assert news.search("flooding OR budget").total == news.search().total == 1
        assert [d.id for d in news.export()] == ["b.txt"]


def test_many_threads_get_the_same_answers_as_one(news: NewsIndex) -> None:
    queries = [("election", {}), ("", {"countries": ["Russia"]}),
               ('"air strikes"', {"any_people": ["Vladimir Putin", SHOIGU]}),
               ("", {"not_countries": ["United States"], "disjunctive": True})]
    expected = [news.search(text, **kw).to_dict() for text, kw in queries]
    failures: list[str] = []

    def worker(offset: int) -> None:
        for round_ in range(8):
            index = (offset + round_) % len(queries)
            text, kw = queries[index]
            if news.search(text, **kw).to_dict() != expected[index]:
                failures.append(f"{text!r} {kw}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_snippets_mark_words_found_only_in_the_body(news: NewsIndex) -> None:
    hit = news.search("Shoigu", limit=1).hits[0]
    assert "<b>Shoigu</b>" in hit.snippet
    assert "\n" not in hit.snippet and len(hit.snippet) < 600


def test_snippets_escape_html_and_fall_back_to_the_lead(news: NewsIndex) -> None:
    lead = news.search(countries=["Russia"], limit=1).hits[0]
    assert "<b>" not in lead.snippet and lead.snippet
    for hit in news.search("election OR Trump", limit=20).hits:
        outside = hit.snippet.replace("<b>", "").replace("</b>", "")
        assert "<" not in outside


def test_a_rare_misspelling_found_in_an_article_still_gets_a_suggestion(
        tmp_path: Path) -> None:
    articles = {f"{n:02d}.txt": f"Budget {n}\n\nThe government presented budget number {n} "
                                f"to parliament on Monday." for n in range(12)}
    articles["typo.txt"] = "Budget typo\n\nThe goverment presented a budget on Monday."
    folder = write_articles(tmp_path / "articles", articles)
    build_index([folder], tmp_path / "index")
    with NewsIndex(tmp_path / "index") as news:
        result = news.search("goverment")
        assert result.total == 1
        assert result.suggestions == (Suggestion("text", "goverment", "government"),)
        assert news.search("government budget").suggestions == ()


def test_result_values_pickle_and_compare_equal(news: NewsIndex) -> None:
    result = news.search("air strikes", countries=["Syria"], facet_size=5)
    related = news.related(people=[SHOIGU])
    stats = news.stats()
    for value in (result, related, stats, news.get(result.hits[0].id)):
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and copy.to_dict() == value.to_dict()
    assert result.facets == {name: tuple(counts) for name, counts in result.facets.items()}
    assert hash(result.filters) == hash(pickle.loads(pickle.dumps(result)).filters)


def test_filters_come_as_one_value_or_as_keywords(news: NewsIndex) -> None:
    chosen = Filters.build(countries="Syria", not_people=[SHOIGU], since="2015-01-01")
    assert news.search(filters=chosen) == news.search(countries=["Syria"], not_people=[SHOIGU],
                                                      since="2015-01-01")
    with pytest.raises(InvalidValueError, match="not both"):
        news.search(filters=chosen, people=[SHOIGU])
    with pytest.raises(InvalidValueError, match="Unknown filter 'person'"):
        news.search(person=[SHOIGU])
