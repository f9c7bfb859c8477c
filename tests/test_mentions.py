"""Mention-level normalisation rules, one test each, on hand-made mentions and texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index import Mention, normalize_mentions
from index.entities.mentions import (
    NOISE,
    NORP,
    ORG,
    PERSON,
    PLACE,
    find_acronyms,
    initials,
    is_sports_story,
    table_teams,
    tag_mentions,
)
from index.entities.normalize import hyphenated_nationalities


def at(text: str, name: str, label: str, nth: int = 0) -> Mention:
    """A mention of ``name`` at its ``nth`` occurrence in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Mention(name, label, start)


def kinds(mentions: list[Mention], text: str) -> dict[str, str]:
    return {t.text: t.kind for t in tag_mentions(mentions, text)}


def test_dateline_place_is_a_place() -> None:
    text = "Markets calm.\n\nLONDON 1996-08-30\nShares rose."
    assert kinds([at(text, "LONDON", "ORG")], text) == {"LONDON": PLACE}
    text = "Markets calm.\n\nMOSCOW (Reuters) - Shares rose."
    assert kinds([at(text, "MOSCOW", "PERSON")], text) == {"MOSCOW": PLACE}


def test_split_name_is_joined() -> None:
    text = "Attack claimed.\n\nThe Islamic State group said so."
    mentions = [at(text, "Islamic", "NORP"), at(text, "State", "ORG")]
    assert kinds(mentions, text) == {"Islamic State": ORG}


def test_separators_split_and_scores_go() -> None:
    text = "Scores.\n\nRomania - Cosmin Contra 23\nKent 108-3"
    mentions = [Mention("Romania - Cosmin Contra 23", "ORG", text.index("Romania")),
                Mention("Kent 108-3", "PERSON", text.index("Kent"))]
    tagged = kinds(mentions, text)
    assert tagged["Romania"] == PLACE  # a country, whatever the model said
    assert "Cosmin Contra" in tagged
    assert "Kent" in tagged


def test_country_tagged_as_organization_is_a_place() -> None:
    assert kinds([Mention("Moldova", "ORG", 0)], "") == {"Moldova": PLACE}


def test_organization_words_make_a_person_an_organization() -> None:
    text = "Strikes.\n\nStrikes against Jabhat al-Nusra and Acme Inc continued."
    mentions = [at(text, "Jabhat al-Nusra", "PERSON"), at(text, "Acme Inc", "PERSON")]
    assert kinds(mentions, text) == {"Jabhat al-Nusra": ORG, "Acme Inc": ORG}
    text = "Takeover.\n\nManchester United, the Lib Dems and the Premiership replied."
    mentions = [at(text, name, "PERSON") for name in ("Manchester United", "Lib Dems",
                                                      "Premiership")]
    assert kinds(mentions, text) == {"Manchester United": ORG, "Lib Dems": ORG,
                                     "Premiership": ORG}


def test_the_plural_of_an_acronym_is_no_organization() -> None:
    text = "Vote.\n\nMPs and PCs. But the PCS union and the BBC said no."
    mentions = [at(text, name, "ORG") for name in ("MPs", "PCs.", "PCS", "BBC")]
    assert kinds(mentions, text) == {"MPs": NOISE, "PCs.": NOISE, "PCS": ORG, "BBC": ORG}


def test_leading_nationality_is_not_part_of_a_name() -> None:
    text = "Race.\n\nAmerican Dennis Mitchell won."
    assert kinds([at(text, "American Dennis Mitchell", "PERSON")], text) == \
        {"Dennis Mitchell": PERSON}


def test_a_team_sports_story_is_known_by_its_words_as_well_as_its_headline() -> None:
    match = ("Benitez deflects blame from Dudek\n\nLiverpool manager Rafael Benitez has "
             "refused to blame goalkeeper Jerzy Dudek after an injury-time equaliser.")
    assert is_sports_story(match)
    text = "Mayor speaks\n\nThe mayor of Leeds spoke about the league tables of schools."
    assert not is_sports_story(text)
    assert is_sports_story("Results\n\nLeeds won 2-1, Hull 3-0 and the league moved on.")
    # Individual sports go by their headline; a planet's name is no score.
    assert not is_sports_story("Moya suffers shock loss\n\nFifth seed Carlos Moya lost in "
                               "straight sets at the Australian Open, 6-4 6-3.")
    assert not is_sports_story("Water found\n\nK2-18b, K2-18b and K2-18b orbit a red dwarf.")


def test_in_a_sports_story_a_country_called_a_person_is_the_country() -> None:
    text = ("Wales edge Italy\n\nWales beat Italy in the Six Nations. The fly-half kicked "
            "a penalty before half-time and the scrum held. Scotland lost, Hull won.")
    assert is_sports_story(text)
    mentions = [at(text, "Wales", "PERSON"), at(text, "Italy", "GPE"),
                at(text, "Scotland", "PERSON"), at(text, "Hull", "PERSON")]
    # Home nations field teams of their own, named like the nation: they stay places.
    assert kinds(mentions, text) == {"Wales": PLACE, "Italy": PLACE, "Scotland": PLACE,
                                     "Hull": PERSON}


def test_sports_story_cities_are_teams_grounds_stay_places() -> None:
    text = ("SOCCER - LEEDS BEAT NEWCASTLE.\n\nLONDON 1996-08-30\n"
            "Leeds beat Newcastle 2-0 in Leeds on Saturday.\n"
            "England drew with Moldova.")
    assert is_sports_story(text)
    mentions = [at(text, "LONDON", "GPE"), at(text, "Leeds", "GPE"),
                at(text, "Newcastle", "GPE"), at(text, "Leeds", "GPE", 1),
                at(text, "England", "GPE"), at(text, "Moldova", "GPE")]
    tagged = [(t.text, t.kind) for t in tag_mentions(mentions, text)]
    assert tagged == [("LONDON", PLACE), ("Leeds", ORG), ("Newcastle", ORG), ("Leeds", PLACE),
                      ("England", PLACE), ("Moldova", PLACE)]


def test_ground_before_a_colon_is_a_place() -> None:
    text = "CRICKET - SCORES.\n\nLeicester: Leicestershire beat Somerset."
    mentions = [at(text, "Leicester", "PERSON"), at(text, "Leicestershire", "GPE")]
    assert kinds(mentions, text) == {"Leicester": PLACE, "Leicestershire": ORG}


def test_headline_sport_word_is_not_an_entity() -> None:
    text = "SOCCER - RESULTS.\n\nResults."
    entities = normalize_mentions([Mention("SOCCER", "ORG", 0)], text)
    assert entities.organizations == ()


def test_outside_sport_a_one_word_city_organization_is_a_place() -> None:
    text = "Talks.\n\nMoscow said the talks failed."
    assert kinds([at(text, "Moscow", "ORG")], text) == {"Moscow": PLACE}


def test_table_rows_of_team_sports_name_teams() -> None:
    text = ("SOCCER - SCOTTISH LEAGUE STANDINGS.\n\nLONDON 1996-08-31\n"
            "Greenock Morton 3 2 0 1 5 2 6\nSt Johnstone 2 1 1 0 3 0 4\n"
            "Pohang 3 Ulsan 2 (halftime 1-0)\n")
    assert [t.text for t in table_teams(text)] == ["Greenock Morton", "St Johnstone", "Pohang",
                                                    "Ulsan"]
    assert table_teams(text.replace("SOCCER", "GOLF")) == []


def test_acronyms_join_their_long_form() -> None:
    assert "ISSG" in initials("International Syria Support Group")
    assert "TCCB" in initials("Test and County Cricket Board")
    assert initials("U.S. Senate") == set()
    text = ("Talks.\n\nThe International Syria Support Group (ISSG) met. "
            "The ISSG will meet again.")
    mentions = [at(text, "International Syria Support Group", "ORG"), at(text, "ISSG", "ORG", 1)]
    tagged = tag_mentions(mentions, text)
    assert find_acronyms(tagged, text) == {"issg": "International Syria Support Group"}
    entities = normalize_mentions(mentions, text)
    assert entities.organizations == ("International Syria Support Group",)


def test_hyphenated_nationalities_imply_countries() -> None:
    text = "Convoys cross the Syrian-Turkish border, not the Franco-Spanish one."
    assert hyphenated_nationalities(text) == ["Syrian", "Turkish"]
    entities = normalize_mentions([Mention("Syria", "GPE", 0)], text)
    assert set(entities.countries) == {"Syria", "Turkey"}


def test_organization_named_after_a_country_implies_it() -> None:
    text = "Briefing.\n\nUS State Department spokesman John Kirby spoke."
    entities = normalize_mentions([at(text, "US State Department", "ORG")], text)
    assert entities.countries == ("United States",)
    assert entities.places == ()


def test_nationalities_are_kind_norp() -> None:
    assert kinds([Mention("Russian", "NORP", 0)], "") == {"Russian": NORP}


def test_individual_sport_competitors_are_people() -> None:
    text = ("SQUASH - HONG KONG OPEN RESULTS.\n\nHONG KONG 1996-08-30\n"
            "1 - Jansher Khan (Pakistan) beat Mark Cairns (England) 15-10 15-6 15-7")
    tagged = [(t.text, t.kind) for t in tag_mentions([at(text, "Mark Cairns (England", "ORG")],
                                                      text)]
    assert ("Jansher Khan", PERSON) in tagged and ("Mark Cairns", PERSON) in tagged


def test_a_line_label_before_a_colon_is_no_name() -> None:
    text = "SOCCER - RESULTS.\n\nAttendance: 25,000"
    assert normalize_mentions([at(text, "Attendance", "PERSON")], text).people == ()


def test_bare_codes_tagged_as_organizations_stay_organizations() -> None:
    text = "Broadband.\n\nBT said IE users were affected. The US said nothing."
    tagged = kinds([at(text, "BT", "ORG"), at(text, "US", "ORG")], text)
    assert tagged == {"BT": ORG, "US": PLACE}


def test_plural_nationality_tagged_as_person_is_a_nationality() -> None:
    entities = normalize_mentions([Mention("Britons", "PERSON", 0)], "Britons voted.")
    assert entities.people == () and entities.countries == ("United Kingdom",)


def test_surname_tagged_as_organization_is_the_person() -> None:
    text = "Hearing.\n\nKaterina Thanou missed a test. Thanou denied it."
    entities = normalize_mentions([at(text, "Katerina Thanou", "PERSON"),
                                   at(text, "Thanou", "ORG")], text)
    assert entities.people == ("Katerina Thanou",) and entities.organizations == ()


def test_dateline_places_are_found_where_the_model_missed_them() -> None:
    text = "SOCCER - JAPAN WIN.\n\nAL-AIN, United Arab Emirates 1996-12-06\nJapan won."
    entities = normalize_mentions([at(text, "Japan", "GPE")], text)
    assert set(entities.places) == {"Al-Ain", "United Arab Emirates", "Japan"}  # shown as written
    text = "Markets.\n\nMOSCOW (Reuters) - Shares fell."
    assert normalize_mentions([], text).countries == ("Russia",)


def test_time_zones_and_people_with_digits_are_no_names() -> None:
    entities = normalize_mentions([Mention("UTC", "ORG", 0), Mention("COVID-19", "PERSON", 10)])
    assert entities.organizations == entities.people == ()


def test_kurdish_city_spellings_resolve() -> None:
    entities = normalize_mentions([Mention("Arbil", "ORG", 0)], "Arbil said the talks failed.")
    assert entities.places == ("Arbil",) and entities.countries == ("Iraq",)


_LABELS = st.sampled_from(["PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE"])
_NAMES = st.text(alphabet=st.sampled_from("AaBbMr. -,'’(0)\n"), min_size=1, max_size=14)


@given(st.lists(st.tuples(_NAMES, _LABELS), max_size=8), st.booleans())
def test_normalised_values_are_clean_and_comma_free(items: list[tuple[str, str]],
                                                    sports: bool) -> None:
    text = ("SOCCER - RESULTS.\n\n" if sports else "News.\n\n") + " ".join(n for n, _ in items)
    mentions, position = [], text.index("\n\n") + 2
    for name, label in items:
        mentions.append(Mention(name, label, position))
        position += len(name) + 1
    entities = normalize_mentions(mentions, text)
    for facet_values in entities.to_dict().values():
        assert len(set(facet_values)) == len(facet_values)
        for value in facet_values:
            assert "," not in value and value == value.strip() and value


def test_baseball_standings_rows_are_teams_fixture_venues_are_places() -> None:
    text = ("BASEBALL - MAJOR LEAGUE STANDINGS.\n\nNEW YORK 1996-08-30\nW L PCT GB\n"
            "NEW YORK 74 59 .556 -\nBOSTON 69 65 .515 5 1/2\nKANSAS CITY AT DETROIT\n")
    assert [t.text for t in table_teams(text)] == ["NEW YORK", "BOSTON"]
    tagged = kinds([at(text, "KANSAS CITY", "GPE"), at(text, "DETROIT", "GPE")], text)
    assert tagged["KANSAS CITY"] == ORG and tagged["DETROIT"] == PLACE


def test_a_platform_named_as_one_is_no_person() -> None:
    text = ("Row over vote\n\nThe mayor wrote on Twitter that he was sorry. Aides said via "
            "Facebook that the Twitter account was hacked. Pressure on Trump grew.")
    mentions = [at(text, "Twitter", "PERSON"), at(text, "Facebook", "PERSON"),
                at(text, "Twitter", "PERSON", nth=1), at(text, "Trump", "PERSON")]
    assert kinds(mentions, text) == {"Twitter": ORG, "Facebook": ORG, "Trump": PERSON}


def test_a_platform_is_one_in_the_whole_article_and_across_the_corpus() -> None:
    from index.entities.corpus import CorpusView

    first = "Vote\n\nShe posted on Twitter late on Monday. Twitter users replied."
    second = "Debate\n\nHe responded on Twitter to the claims."
    third = "Rally\n\nTwitter was full of praise for the speech."
    assert kinds([at(first, "Twitter", "PERSON"), at(first, "Twitter", "PERSON", nth=1)],
                 first) == {"Twitter": ORG}
    tagged = [tag_mentions([at(t, "Twitter", "PERSON")], t) for t in (first, second, third)]
    assert [m.kind for m in tagged[2]] == [PERSON]  # nothing in the text says otherwise
    view = CorpusView.build(zip(tagged, (first, second, third), strict=True))
    assert [m.kind for m in view.vote(tagged[2])] == [ORG]
    assert [m.kind for m in CorpusView.build([(tagged[2], third)]).vote(tagged[2])] == [PERSON]


def test_a_name_after_a_company_noun_is_an_organization_across_the_corpus() -> None:
    from index.entities.corpus import CorpusView

    first = "Oil\n\nRussian oil giant Yukos has sued. Analyst Tom Smith spoke."
    second = "Sale\n\nThe oil firm Yukos lost its appeal."
    third = "Court\n\nYukos said it would fight on."
    assert kinds([at(first, "Yukos", "PERSON"), at(first, "Tom Smith", "PERSON")], first) == \
        {"Yukos": ORG, "Tom Smith": PERSON}
    tagged = [tag_mentions([at(t, "Yukos", "PERSON")], t) for t in (first, second, third)]
    assert [m.kind for m in tagged[2]] == [PERSON]
    view = CorpusView.build(zip(tagged, (first, second, third), strict=True))
    assert [m.kind for m in view.vote(tagged[2])] == [ORG]


def test_outside_sport_a_lone_person_that_is_a_known_place_elsewhere_is_the_place() -> None:
    from index.entities.corpus import CorpusView

    news = [f"Airports {i}\n\nFlights from Glasgow and Olympic resumed." for i in range(2)]
    tagged = [tag_mentions([at(t, "Glasgow", "GPE"), at(t, "Olympic", "GPE")], t)
              for t in news]
    text = "Visit\n\nGlasgow and Olympic welcomed the decision."
    lone = tag_mentions([at(text, "Glasgow", "PERSON"), at(text, "Olympic", "PERSON")], text)
    view = CorpusView.build([*zip(tagged, news, strict=True), (lone, text)])
    # Glasgow is a gazetteer city other articles call a place; "Olympic" is no city.
    assert [(m.text, m.kind) for m in view.vote(lone)] == [("Glasgow", PLACE),
                                                            ("Olympic", PERSON)]
    # Where a full name uses the word, it stays a person's.
    named = "Talks\n\nJohn Glasgow spoke."
    full = tag_mentions([at(named, "John Glasgow", "PERSON")], named)
    view = CorpusView.build([*zip(tagged, news, strict=True), (lone, text), (full, named)])
    assert [m.kind for m in view.vote(lone)][0] == PERSON
