"""The named entity rules (index/entities/rules.py), each on small wire-style texts."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from index import Mention, normalize_mentions
from index.entities import rules
from index.entities.corpus import CorpusView
from index.entities.display import unify_displays
from index.entities.mentions import tag_mentions
from index.entities.normalize import Entities
from index.entities.textstats import TextCounts

Doc = tuple[list[Mention], str]


def doc(text: str, mentions: Sequence[tuple[str, str]]) -> Doc:
    """Mentions as the model gave them, found in order in ``text``."""
    out, position = [], 0
    for name, label in mentions:
        position = text.index(name, position)
        out.append(Mention(name, label, position))
        position += len(name)
    return out, text


def facets(docs: Sequence[Doc]) -> list[Entities]:
    """Every document's facets as the corpus pass derives them."""
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    return unify_displays([normalize_mentions(m, t, corpus=corpus) for m, t in docs])


RESULTS = ("{name} <{code}> 1ST QTR NET\n\nNEW YORK, March {day} -\nShr {shr} cts vs 10 cts\n"
           "Net 1.2 mln vs 900,000\nRevs 45.6 mln vs 40.1 mln\n"
           "NOTE: {short} said the quarter included a gain of 150,000 dlrs.")


def results(name: str, short: str, day: int) -> Doc:
    text = RESULTS.format(name=name.upper(), code=short[:3].upper(), day=day, shr=day + 5,
                          short=short)
    return doc(text, [(name.upper(), "ORG"), ("NEW YORK", "GPE"), ("Revs", "PERSON"),
                      (short, "ORG")])


def test_every_rule_has_a_name_a_docstring_and_can_be_switched_off() -> None:
    assert len(set(rules.RULE_NAMES)) == len(rules.RULE_NAMES)
    described = rules.describe()
    assert list(described) == list(rules.RULE_NAMES)
    assert all(len(text) > 20 for text in described.values())
    with pytest.raises(ValueError, match="Unknown rule 'no_such_rule'"), \
            rules.disabled("no_such_rule"):
        pass
    text = "Talks.\n\nSen said so."
    mentions = [Mention("Sen", "PERSON", text.index("Sen"))]
    with rules.disabled("titles_alone_are_no_people"):
        assert normalize_mentions(mentions, text).people == ("Sen",)
    assert normalize_mentions(mentions, text).people == ()


def test_counts_add_up_over_articles() -> None:
    docs = [results("Vantor Industries Inc", "Vantor Industries Inc", 3),
            results("Belmark Corp", "Belmark Corp", 4)]
    each = [TextCounts.of(tag_mentions(m, t), t) for m, t in docs]
    total = TextCounts.total(each)
    assert each[0] + each[1] == total
    assert total.table["revs"] == 2 and total.uses["revs"] == 2
    assert total.after_figure["cts"] >= 2 and total.lower["dlrs"] == 2


def test_table_labels_are_no_names_but_a_company_in_one_table_is() -> None:
    docs = [results("Vantor Industries Inc", "Vantor Industries Inc", 3),
            results("Belmark Corp", "Belmark Corp", 4),
            results("Harwick Foods Inc", "Harwick Foods Inc", 5)]
    docs.append(doc("BANK EARNINGS\n\nCHICAGO, March 9 - Bank earnings by company:\n"
                    "Banc Midwest 1.2 mln vs 1.1 mln\nRevs grew at most banks.",
                    [("Banc Midwest", "ORG"), ("Revs", "PERSON")]))
    found = facets(docs)
    assert all("Revs" not in f.people for f in found)
    assert found[3].organizations == ("Banc Midwest",)
    with rules.disabled("table_labels_are_no_names"):
        assert "Revs" in facets(docs)[0].people


def test_results_tables_of_sport_keep_their_players() -> None:
    golf = [doc(f"GOLF - OPEN SCORES\n\nLONDON 1996-08-3{i}\nScores:\nGreg Norman 68 70 72\n"
                "Nick Price 70 71 70", [("Greg Norman", "PERSON"), ("Nick Price", "PERSON")])
            for i in range(3)]
    assert all(f.people == ("Greg Norman", "Nick Price") for f in facets(golf))


def test_datelines_give_the_place_and_months_are_no_names() -> None:
    text = "DOLLAR FIRM\n\nNEW YORK, March 3 - The dollar firmed on Tuesday, dealers said."
    entities = normalize_mentions(*doc(text, [("NEW YORK, March", "GPE"), ("Tuesday", "ORG")]))
    assert entities.places == ("New York",) and entities.organizations == ()
    text = "TALKS\n\nLONDON, Jan. 12 - Theresa May spoke. May said April was too late."
    entities = normalize_mentions(*doc(text, [("Theresa May", "PERSON"), ("May", "PERSON"),
                                              ("April", "GPE")]))
    assert entities.people == ("Theresa May",) and entities.places == ("London",)


def test_titles_alone_are_no_people() -> None:
    text = "Vote.\n\nSen. Marla Quist voted no. The Sen said so, and Gov. agreed."
    entities = normalize_mentions(*doc(text, [("Sen. Marla Quist", "PERSON"), ("Sen", "PERSON"),
                                              ("Gov.", "PERSON")]))
    assert entities.people == ("Marla Quist",)


def test_units_and_currencies_are_no_names() -> None:
    docs = [doc("DOLLAR FALLS\n\nTOKYO, March 19 - The dollar fell to 149.50 yen from 151.20 "
                "yen and to 1.8210 marks. Japan bought 100 mln dlrs, or 300 mln U.S. dlrs in all.",
                [("Japan", "GPE")]),
            *(doc(f"EC SELLS SUGAR\n\nBRUSSELS, April {day} - The rebate was 45.20 ecus, up "
                  "1.50 ecus from 43.70 ecus, and 100 mln dlrs in all.", []) for day in (8, 15)),
            doc("TRADE\n\nPARIS, April 9 - Exports rose to 300 mln U.S. Dlrs and 20 mln Ecus, and "
                "Larry Fine, who paid a 500 dlrs fine, said so. Larry Fine left.",
                [("U.S. Dlrs", "PERSON"), ("Ecus", "ORG"), ("Larry Fine", "PERSON")])]
    last = facets(docs)[-1]
    assert last.people == ("Larry Fine",) and last.organizations == ()


def test_headline_words_are_no_names_and_names_keep_the_corpus_s_words() -> None:
    docs = [doc("VANTOR RAISES DIVIDEND\n\nNEW YORK, March 11 - Vantor Industries Inc said it "
                "raises its dividend. It raises it each year.",
                [("VANTOR", "ORG"), ("RAISES", "PERSON"), ("Vantor Industries Inc", "ORG")]),
            doc("BUNDESBANK LEAVES RATES UNCHANGED\n\nFRANKFURT, April 9 - The Bundesbank left "
                "rates where they were. The decision leaves rates unchanged.",
                [("BUNDESBANK LEAVES RATES", "ORG"), ("Bundesbank", "ORG")])]
    first, second = facets(docs)
    assert first.people == () and first.organizations == ("Vantor Industries Inc",)
    assert second.organizations == ("Bundesbank",)


def test_a_legal_form_alone_is_no_organization_and_belongs_to_the_name() -> None:
    docs = [doc("VANTOR INDUSTRIES SETS PAYOUT\n\nNEW YORK, March 3 - Vantor Industries said it "
                "set a payout.", [("VANTOR INDUSTRIES", "ORG"), ("Vantor Industries", "ORG")]),
            doc("Vantor.\n\nVantor Industries Inc said so. Vantor Industries Inc. and Inc said.",
                [("Vantor Industries Inc", "ORG"), ("Vantor Industries Inc.", "ORG"),
                 ("Inc", "ORG")]),
            doc("Vantor.\n\nVantor Industries Inc gained.", [("Vantor Industries Inc", "ORG")])]
    found = facets(docs)
    assert [f.organizations for f in found] == [("Vantor Industries Inc",)] * 3


def test_a_generic_head_word_alone_is_the_article_s_full_name_or_none() -> None:
    docs = [doc(f"Banks {i}.\n\nThe {name} Bank cut its rate; the bank said the bank and "
                "other banks would follow.", [(f"{name} Bank", "ORG")])
            for i, name in enumerate(("Dresdner", "Midland", "Fuji", "Chase"))]
    docs.append(doc("Sugar.\n\nThe European Community Commission sold sugar. The Commission "
                    "said so. The Bank said so too.",
                    [("European Community Commission", "ORG"), ("Commission", "ORG"),
                     ("Bank", "ORG")]))
    docs.append(doc("Vote.\n\nSecretary of State Jim Baker met Senate leaders. The Senate "
                    "voted, and Ohio State, Kansas State and Islamic State were named.",
                    [("State", "ORG"), ("Jim Baker", "PERSON"), ("Senate", "ORG"),
                     ("Senate", "ORG"), ("Ohio State", "ORG"), ("Kansas State", "ORG"),
                     ("Islamic State", "ORG")]))
    docs.append(doc("Talks.\n\nTalks in East Jerusalem ended. Jerusalem was calm.",
                    [("East Jerusalem", "GPE"), ("Jerusalem", "GPE")]))
    found = facets(docs)
    # "Bank" alone is no organization, nor the town of the gazetteer it also names.
    assert found[4].organizations == ("European Community Commission",)
    assert found[4].places == ()
    # "State" cut out of "Secretary of State" is none; "the Senate voted" is the Senate.
    assert set(found[5].organizations) == {"Senate", "Ohio State", "Kansas State",
                                           "Islamic State"}
    assert found[6].places == ("East Jerusalem", "Jerusalem")


def test_a_company_goes_by_its_first_word() -> None:
    docs = [doc("BELMARK CORP YEAR NET\n\nCHICAGO, March 4 - Belmark Corp makes valves.",
                [("Belmark Corp", "ORG")]),
            doc("BELMARK FILES OFFERING\n\nCHICAGO, March 12 - Belmark said it filed an offering.",
                [("Belmark", "PERSON")])]
    assert facets(docs)[1].organizations == ("Belmark Corp",) and facets(docs)[1].people == ()


def test_the_x_administration_is_the_person_x() -> None:
    docs = [doc(f"Trade {i}.\n\nThe Halvorsen administration expects a deficit, officials said.",
                [("Halvorsen", "ORG")]) for i in range(4)]
    docs.append(doc("Budget.\n\nPresident Tom Halvorsen said cuts were needed.",
                    [("Tom Halvorsen", "PERSON")]))
    docs.append(doc("Rates.\n\nThe Bonn government said so, and Halvorsen aides agreed.",
                    [("Bonn", "GPE"), ("Halvorsen", "ORG")]))
    found = facets(docs)
    assert all(f.organizations == () for f in found)
    assert all(f.people == ("Halvorsen",) for f in found[:4])
    assert found[5].places == ("Bonn",) and found[5].people == ("Halvorsen",)
    with rules.disabled("leaders_name_their_administration"):
        assert facets(docs)[0].organizations == ("Halvorsen",)


def test_a_dateline_place_is_that_place_in_the_whole_article() -> None:
    text = ("ROTTERDAM PORT TRAFFIC RISES\n\nROTTERDAM, April 7 - Cargo in the port of Rotterdam "
            "rose. Rotterdam handled more grain.")
    entities = normalize_mentions(*doc(text, [("ROTTERDAM", "PERSON"), ("Rotterdam", "PERSON"),
                                              ("Rotterdam", "PERSON")]))
    assert entities.people == () and entities.places == ("Rotterdam",)


def test_a_name_most_articles_give_one_kind_has_it_in_the_others() -> None:
    docs = [doc(f"Accord {i}.\n\nThe Louvre accord held, dealers said.", [("Louvre", "ORG")])
            for i in range(3)]
    docs.append(doc("Dollar.\n\nLouvre was on dealers' minds.", [("Louvre", "PERSON")]))
    assert facets(docs)[3].organizations == ("Louvre",) and facets(docs)[3].people == ()


def test_junk_found_again_by_the_corpus_lexicon_stays_out() -> None:
    docs = [results("Vantor Industries Inc", "Vantor Industries Inc", 3),
            results("Belmark Corp", "Belmark Corp", 4),
            results("Harwick Foods Inc", "Harwick Foods Inc", 5)]
    docs.append(doc("Grain.\n\nCHICAGO, March 6 - Grain rose in March and Revs fell.", []))
    corpus = CorpusView.build((tag_mentions(m, t), t) for m, t in docs)
    assert "revs" not in corpus.lexicons[False] and "march" not in corpus.lexicons[False]
    assert normalize_mentions(*docs[3], corpus=corpus).people == ()
