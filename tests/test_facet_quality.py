"""Facet quality on the seeds (real model, shared seeds index) and the corpus-wide pass."""

from __future__ import annotations

from pathlib import Path

from index import Entities, Facet, Mention, normalize_mentions
from index.entities import rules
from index.entities.corpus import CorpusView
from index.entities.display import unify_displays
from index.entities.mentions import ORG, PERSON, PLACE, tag_mentions
from search import NewsIndex, list_entities
from tests.helpers import SEED_ARTICLE


def test_seed_article_people_are_exactly_the_four(news: NewsIndex) -> None:
    doc = news.get(SEED_ARTICLE)
    assert sorted(doc.people) == ["Bashar al-Assad", "Jeff Davis", "John Kirby", "Sergei Shoigu"]
    assert "Jabhat al-Nusra" in doc.organizations


def test_seed_article_organizations_and_countries(news: NewsIndex) -> None:
    doc = news.get(SEED_ARTICLE)
    assert {"Pentagon", "US State Department", "International Syria Support Group"} <= \
        set(doc.organizations)
    # Turkey is only in "the Syrian-Turkish border".
    assert {"Russia", "Syria", "United States", "Turkey"} <= set(doc.countries)
    assert "Russian" not in doc.places and "Syrian" not in doc.places


def test_country_filters_find_capitals_and_nationalities(news: NewsIndex) -> None:
    russia = {d.id for d in news.export(countries=["Russia"])}
    for doc in news.export(countries=["Russia"]):
        assert "Russia" in doc.countries
    only_implied = [d for d in news.export() if "Russia" in d.countries
                    and "Russia" not in d.places]
    assert only_implied and {d.id for d in only_implied} <= russia


def test_entities_lists_variants_merged(news: NewsIndex) -> None:
    (shoigu,) = list_entities(news, "people", match="shoigu")
    assert shoigu.name == "Sergei Shoigu" and "Shoigu" in shoigu.variants
    countries = list_entities(news, Facet.COUNTRIES, top=0)
    total = news.search().total
    assert all(0 < c.count <= total for c in countries)
    assert [c.count for c in countries] == sorted((c.count for c in countries), reverse=True)


def doc(text: str, mentions: list[tuple[str, str]]) -> tuple[list[Mention], str]:
    out, position = [], 0
    for name, label in mentions:
        position = text.index(name, position)
        out.append(Mention(name, label, position))
        position += len(name)
    return out, text


def test_corpus_vote_fixes_an_outlier_label() -> None:
    docs = [doc(f"News {i}.\n\nMihai Tararache scored.", [("Mihai Tararache", "PERSON")])
            for i in range(3)]
    docs.append(doc("News.\n\nMihai Tararache scored again.", [("Mihai Tararache", "ORG")]))
    with rules.disabled("corpus_kind_majority"):  # it would decide first, by articles
        corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    assert corpus.labels == {True: {"mihai tararache": PERSON}, False: {"mihai tararache": PERSON}}
    assert normalize_mentions(*docs[-1][:1], docs[-1][1], corpus=corpus).people == \
        ("Mihai Tararache",)


def test_corpus_lexicon_finds_missed_names_and_acronyms() -> None:
    docs = [doc(f"Talks {i}.\n\nThe Organization for Security and Cooperation in Europe (OSCE) "
                "sent monitors.", [("Organization for Security and Cooperation in Europe", "ORG")])
            for i in range(2)]
    docs.append(doc("Vote.\n\nThe OSCE said the vote was fair.", []))
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    assert corpus.acronyms == {"osce": "Organization for Security and Cooperation in Europe"}
    last = normalize_mentions(docs[-1][0], docs[-1][1], corpus=corpus)
    assert last.organizations == ("Organization for Security and Cooperation in Europe",)
    watch = [doc(f"Report {i}.\n\nHuman Rights Watch said so.", [("Human Rights Watch", "ORG")])
             for i in range(2)]
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in watch)
    missed = corpus.find_missed([], "Report.\n\nA report by Human Rights Watch came out.")
    assert [(m.text, m.kind) for m in missed] == [("Human Rights Watch", ORG)]


SPORT = "The striker hit the post before half-time and the goalkeeper saved twice."


def test_one_word_votes_among_stories_of_its_kind_longer_names_across_all() -> None:
    news = [doc(f"Vote {i}.\n\nWales voted on the plan.", [("Wales", "GPE")]) for i in range(3)]
    news.append(doc("Vote.\n\nWales voted again.", [("Wales", "PERSON")]))
    sport = [doc(f"Match {i}.\n\nWales won. {SPORT}", [("Wales", label)])
             for i, label in enumerate(("ORG", "ORG", "GPE", "GPE"))]
    sport.append(doc(f"Cup.\n\nThe Six Nations began. {SPORT}", [("Six Nations", "ORG")]))
    news.append(doc("Tax.\n\nThe Six Nations made money.", [("Six Nations", "ORG")]))
    with rules.disabled("corpus_kind_majority"):  # it would decide first, by articles
        corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in news + sport)
    assert corpus.labels[False]["wales"] == PLACE and "wales" not in corpus.labels[True]
    # The politics story's "person" is the place; the sports stories keep their labels.
    assert normalize_mentions(*news[3], corpus=corpus).places == ("Wales",)
    # Each kind of story names "Six Nations" once: together they teach it to both kinds.
    assert corpus.lexicons[True]["six nations"] == corpus.lexicons[False]["six nations"] == ORG
    missed = corpus.find_missed([], f"Rugby.\n\nIn the Six Nations today. {SPORT}")
    assert [(m.text, m.kind) for m in missed] == [("Six Nations", ORG)]


def test_a_lone_surname_is_the_full_name_the_corpus_gives_for_it() -> None:
    docs = [doc(f"Talks {i}.\n\nTony Blair met Charles Kennedy.",
                [("Tony Blair", "PERSON"), ("Charles Kennedy", "PERSON")]) for i in range(6)]
    docs.append(doc("Visit.\n\nCherie Blair visited Ray Charles.",
                    [("Cherie Blair", "PERSON"), ("Ray Charles", "PERSON")]))
    docs.append(doc("Vote.\n\nMr Blair and Charles spoke to Mr Kennedy.",
                    [("Blair", "PERSON"), ("Charles", "PERSON"), ("Kennedy", "PERSON")]))
    docs.append(doc("Lunch.\n\nCherie Blair ate. Blair left.",
                    [("Cherie Blair", "PERSON"), ("Blair", "PERSON")]))
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    # Blair: 6 of 8 articles giving a full name say Tony Blair; Charles is a first name.
    assert corpus.full_names == {"blair": "Tony Blair", "kennedy": "Charles Kennedy"}
    assert set(normalize_mentions(*docs[7], corpus=corpus).people) == \
        {"Tony Blair", "Charles", "Charles Kennedy"}
    # An article that names someone of that surname in full means that person.
    assert normalize_mentions(*docs[8], corpus=corpus).people == ("Cherie Blair",)
    # Fewer than three articles give the full name: a lone surname stays as it is, unless
    # the corpus names only one person by it (two articles say Charles Kennedy, no other).
    few = CorpusView.build((tag_mentions(m, t), t) for m, t in docs[4:])
    assert "blair" not in few.full_names
    assert set(normalize_mentions(*docs[7], corpus=few).people) == \
        {"Blair", "Charles", "Charles Kennedy"}
    one = CorpusView.build((tag_mentions(m, t), t) for m, t in docs[5:])
    assert "kennedy" not in one.full_names  # one article is not enough


def test_an_award_named_alone_is_no_person_and_plural_acronyms_are_not_looked_up() -> None:
    text = "Oscar race.\n\nThe Oscar nominations are out."
    assert normalize_mentions([Mention("Oscar", "PERSON", text.index("Oscar n"))], text).people \
        == ()
    text = "Trial.\n\nOscar Pistorius appealed. Oscar said little."
    mentions = [Mention("Oscar Pistorius", "PERSON", text.index("Oscar P")),
                Mention("Oscar", "PERSON", text.index("Oscar s"))]
    assert normalize_mentions(mentions, text).people == ("Oscar Pistorius",)
    union = [doc(f"Strike {i}.\n\nThe PCS union struck.", [("PCS", "ORG")]) for i in range(3)]
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in union)
    found = corpus.find_missed([], "Sales.\n\nSales of PCs rose, the PCS said.")
    assert [(m.text, m.kind) for m in found] == [("PCS", ORG)]


def test_unify_displays_picks_the_most_used_spelling() -> None:
    docs = [Entities(places=("U.S.",), countries=("United States",)),
            Entities(places=("U.S.",), countries=("United States",)),
            Entities(places=("United States", "Texas"), countries=("United States",)),
            Entities(organizations=("REUTERS",)), Entities(organizations=("Reuters",))]
    unified = unify_displays(docs)
    assert [d.places for d in unified[:3]] == [("U.S.",), ("U.S.",), ("U.S.", "Texas")]
    assert {d.organizations for d in unified[3:]} == {("Reuters",)}


def test_displays_do_not_depend_on_the_order_of_the_documents() -> None:
    docs = [Entities(people=("George W Bush",)), Entities(people=("George W. Bush",))]
    assert unify_displays(docs) == unify_displays(docs[::-1])[::-1]
    assert {d.people for d in unify_displays(docs)} == {("George W Bush",)}


def test_renormalize_of_the_seeds_changes_nothing(seeds_index: Path, tmp_path: Path) -> None:
    import shutil

    from index import renormalize

    copy = tmp_path / "copy"
    shutil.copytree(seeds_index, copy)
    report = renormalize(copy)
    assert report.changed == 0 and report.documents > 200


def test_sports_one_word_person_never_named_in_full_is_a_team() -> None:
    docs = [doc("CRICKET - SURREY WIN.\n\nSurrey beat Kent. Alan Shearer watched.",
                [("Surrey", "PERSON"), ("Kent", "PERSON"), ("Alan Shearer", "PERSON")]),
            doc("SOCCER - RESULT.\n\nShearer scored.", [("Shearer", "PERSON")])]
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    first = normalize_mentions(docs[0][0], docs[0][1], corpus=corpus)
    assert set(first.organizations) == {"Surrey", "Kent"}
    assert normalize_mentions(docs[1][0], docs[1][1], corpus=corpus).people == ("Shearer",)


def test_lexicon_skips_sentence_initial_single_words() -> None:
    one = [doc(f"TV {i}.\n\nShown on BBC One tonight.", [("One", "ORG")]) for i in range(2)]
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in one)
    assert corpus.find_missed([], "Calls.\n\nOne possible reason is cost.") == []
    assert [m.text for m in corpus.find_missed([], "Calls.\n\nIt was on One, they said.")] \
        == ["One"]
