"""Entities near words: ``person:X NEAR/N "words"`` reads positions from the index."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import Facet, QuerySyntaxError
from index.entities.names import clean_person, name_key
from index.entities.spans import entity_spans
from index.ner.pipeline import Mention
from index.store import positions
from index.store.schema import text_analyzer
from search import NewsIndex
from tests.helpers import SEED_ARTICLE, SEEDS


def ids(result: object) -> list[str]:
    return [hit.document.id for hit in result.hits]  # type: ignore[attr-defined]


def test_near_finds_the_seed_article_and_fewer_than_the_plain_and(news: NewsIndex) -> None:
    near = news.search("country:Syria NEAR/5 operations", limit=50)
    both = news.search("country:Syria AND operations", limit=50)
    assert SEED_ARTICLE in ids(near)
    assert 0 < near.total < both.total
    assert set(ids(near)) <= set(ids(both))


def test_near_takes_surnames_either_order_and_a_phrase(news: NewsIndex) -> None:
    # "Shoigu said that the proposal included strikes": six words apart, stop words counted.
    assert SEED_ARTICLE in ids(news.search('person:Shoigu NEAR/6 strikes'))
    assert SEED_ARTICLE in ids(news.search('strikes NEAR/6 person:"sergei shoigu"'))
    assert SEED_ARTICLE not in ids(news.search('person:Shoigu NEAR/5 strikes'))
    assert SEED_ARTICLE in ids(news.search('country:Syria NEAR/10 "air strikes"'))


def test_distance_counts(news: NewsIndex) -> None:
    # "Shoigu said that the proposal included strikes": close; "air strikes" is not.
    assert news.search('person:"Sergei Shoigu" NEAR/10 "air strikes"').total == 0
    assert news.search('person:"Sergei Shoigu" AND "air strikes"').total == 1


def test_near_combines_with_the_rest_of_the_syntax(news: NewsIndex) -> None:
    with_word = news.search("country:Syria NEAR/5 operations AND Pentagon")
    assert ids(with_word) == [SEED_ARTICLE]
    assert news.search("country:Syria NEAR/5 operations -Pentagon").total == 0
    assert news.search("country:Syria NEAR/5 operations", people=["Shoigu"]).total == 1


def test_snippet_is_centred_on_the_passage(news: NewsIndex) -> None:
    hit = news.search('person:Shoigu NEAR/10 strikes').hits[0]
    assert "<b>Shoigu</b> said that the proposal included <b>strikes</b>" in hit.snippet


def test_unknown_entity_matches_nothing(news: NewsIndex) -> None:
    assert news.search('person:"Nobody Atall" NEAR/5 strikes').total == 0


@pytest.mark.parametrize(("query", "message"), [
    ('person:Shoigu NEAR "strikes"', "needs a distance"),
    ("person:Shoigu NEAR/0 strikes", "needs a distance"),
    ("person:Shoigu NEAR/1000 strikes", "from 1 to 100"),
    ("person:Shoigu NEAR/x strikes", "needs a distance"),
    ("Shoigu NEAR/5 strikes", "one entity field"),
    ("person:Shoigu NEAR/5 org:NATO", "one entity field"),
    ("title:x NEAR/5 strikes", "one entity field"),
    ("NEAR/5 strikes", "needs an entity on one side"),
    ("person:Shoigu NEAR/5", "needs an entity on one side"),
    ('person:Shoigu NEAR/5 "!!!"', "no searchable words"),
    ("person:Shoigu NEAR/5 strikes NEAR/5 org:NATO", "chains NEAR"),
])
def test_malformed_near_is_an_error(news: NewsIndex, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        news.search(query)


def test_spans_tie_mentions_to_canonical_values() -> None:
    mentions = [Mention("Shoigu", "PERSON", 0), Mention("Russian", "NORP", 10),
                Mention("NATO", "ORG", 20), Mention("Davis", "PERSON", 30),
                Mention("Moscow", "GPE", 40)]
    values = {Facet.PEOPLE: ["Sergei Shoigu", "Jeff Davis", "Angela Davis"],
              Facet.ORGANIZATIONS: ["North Atlantic Treaty Organization"],
              Facet.PLACES: ["Moscow"], Facet.COUNTRIES: ["Russia"]}
    found = {(s.facet, s.value, s.start) for s in entity_spans(mentions, values)}
    assert found == {(Facet.PEOPLE, "Sergei Shoigu", 0), (Facet.COUNTRIES, "Russia", 10),
                     (Facet.ORGANIZATIONS, "North Atlantic Treaty Organization", 20),
                     (Facet.PLACES, "Moscow", 40)}  # "Davis" fits two people: neither


_NAME_WORDS = st.sampled_from(["Jeff", "Angela", "Davis", "Sergei", "Shoigu", "Mary", "Ann",
                                "van", "Dyke", "Ann-Marie"])
_NAMES = st.lists(_NAME_WORDS, min_size=1, max_size=4).map(" ".join)


@given(people=st.lists(_NAMES, max_size=6), said=st.lists(_NAMES, max_size=8))
def test_a_mention_names_the_one_person_it_is_a_run_of(people: list[str],
                                                        said: list[str]) -> None:
    """Against the rule as written: a mention names the person whose name it is, else the
    one person (if only one) whose words hold its words as a run."""
    mentions = [Mention(name, "PERSON", 10 * n) for n, name in enumerate(said)]
    by_key = {name_key(v): v for v in people}
    expected = set()
    for mention in mentions:
        person = name_key(clean_person(mention.text))
        if person in by_key:
            expected.add((by_key[person], mention.start))
            continue
        words = tuple(person.split())
        fuller = {value for key, value in by_key.items()
                  if 0 < len(words) < len(key.split()) and any(
                      tuple(key.split())[i:i + len(words)] == words
                      for i in range(len(key.split()) - len(words) + 1))}
        if len(fuller) == 1:
            expected.add((fuller.pop(), mention.start))
    found = {(s.value, s.start) for s in entity_spans(mentions, {Facet.PEOPLE: people})
             if s.facet is Facet.PEOPLE}
    assert found == expected


def test_positions_are_counted_as_the_body_field_counts_them() -> None:
    """Word starts found with the pattern alone sit at the positions the body field's whole
    analyzer gives them, on every seed article and on joined, possessive, accented words."""
    body_field = text_analyzer()
    tricky = ("COVID-19 hit al-Assad's AT&T deal; U.S. and O'Rourke's Erdoğan, Straße_2 "
              "l'État ‘quoted’ -- 3.5% e.g. x's ʻōlelo 'single' ... end")
    bodies = [f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))] + [tricky]
    for body in bodies:
        first: dict[int, int] = {}
        for token in body_field(body, positions=True, chars=True, mode="index"):
            first.setdefault(token.pos, token.startchar)
        assert positions.word_starts(body) == [first[p] for p in sorted(first)]
        assert sorted(first) == list(range(len(first)))
