"""Mention-level rules: turn raw NER mentions into cleaned, correctly labelled names.

Each rule is a fix a news reader would make by looking at the mention in its sentence:

- labels collapse to ``PERSON``, ``ORG``, ``PLACE`` (GPE, LOC, FAC), ``NORP`` (nationalities,
  used for countries only) and ``NOISE`` (no name at all);
- a nationality directly followed by an organization is one name ("Islamic" + "State");
- a mention that spans a separator is split ("Romania - Cosmin Contra", "Scott Draper
  (Australia"), and scores glued to a name go ("Kent 108-3" -> "Kent");
- the places of a dateline ("LONDON 1996-08-30", "MOSCOW (Reuters) -", "NEW YORK, March 3 -")
  are places, also where the model missed them, and the date after the comma is none;
- a name that is a country ("Moldova" tagged ORG) is a place, but a bare code of up to three
  capitals tagged ORG ("BT", "IE") stays an organization; a nationality word tagged as a
  person or organization ("Britons") is a nationality;
- a "person" with an organization word ("Jabhat al-Nusra", "Acme Inc") is an organization,
  a leading nationality is not part of a name ("American Dennis Mitchell"), and a person
  with digits ("COVID-19") or a time zone ("UTC") is no name;
- outside sport, a one-word city tagged as an organization is a place ("Moscow said");
- in a sports story (its headline names a sport, or its words and scores are those of a team
  sport): a city, region or state that is not where something happens ("in Leeds",
  "Leicester: ...", a dateline) is the team named after it, a home nation called a person
  is the nation;
  the rows of a team sport's tables name teams ("Greenock Morton 3 2 0 1 5 2 6"); in an
  individual sport a name followed by a country in brackets is a competitor ("Jansher Khan
  (Pakistan)"); a one-word label opening a line ("Attendance: 25,000") is no name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from index.entities import places
from index.entities.names import clean_name
from index.entities.switches import enabled
from index.ner.pipeline import Mention

PERSON, ORG, PLACE, NORP = "PERSON", "ORG", "PLACE", "NORP"
#: The kind of a mention that is no name at all ("SOCCER" in a headline, "Attendance:").
NOISE = "NOISE"
SPACY_KINDS: dict[str, str] = {
    "PERSON": PERSON, "PER": PERSON, "ORG": ORG, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE,
    "NORP": NORP,
}
#: Words that make a name an organization, not a person (Arabic and Urdu heads included:
#: "jabhat" = front, "harakat" = movement, "hizb" = party, "jaish"/"lashkar" = army).
_ORG_WORDS_TEXT = (
    "inc ltd llc plc corp corporation company group party front movement council committee "
    "ministry department agency association union federation bank university institute "
    "foundation club league fc news times airlines airways army navy jabhat harakat hizb "
    "hezbollah jaish lashkar ansar tehrik tehreek brigade brigades organisation organization "
    "commission authority board court parliament united city rovers wanderers albion hotspur "
    "athletic premiership dem dems democrats republicans tories conservative conservatives "
    "labour"
)
ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())
#: Headline words that make an article a sports story.
_SPORT_WORDS_TEXT = (
    "soccer football cricket tennis golf baseball basketball rugby hockey athletics cycling "
    "boxing racing motorsport motor-racing formula skiing swimming volleyball handball squash "
    "badminton nfl nba nhl mlb nascar olympics snooker darts rowing sailing equestrianism "
    "horse-racing"
)
SPORT_WORDS = frozenset(_SPORT_WORDS_TEXT.split())
#: Words of reports on sports played by teams: a story using ``SPORT_TERMS_MIN`` of them
#: (scores such as "2-1" count too) is a sports story whatever its headline ("Benitez
#: deflects blame from Dudek"). Stories of individual sports are told by their headline
#: only: their places are where the athletes compete, not teams.
_SPORT_TERMS_TEXT = (
    "striker strikers midfielder midfielders goalkeeper goalkeepers referee premiership "
    "wicket wickets innings batsman batsmen bowler bowlers half-time hat-trick touchdown "
    "goalless equaliser equalizer winger wingers full-back fly-half scrum-half scrum lineout "
    "relegation relegated kick-off rugby football footballer footballers soccer cricket "
    "cricketer cricketers league squad goals injury-time stoppage-time defender defenders "
    "playmaker"
)
SPORT_TERMS = frozenset(_SPORT_TERMS_TEXT.split())
SPORT_TERMS_MIN = 3
_SCORE = re.compile(r"(?<![\w.,:/-])\d{1,2}-\d{1,2}(?![\w:/-]|[.,]\d)")
#: The plural of an acronym names a kind of thing ("MPs", "PCs"), not an organization.
PLURAL_ACRONYM = re.compile(r"[A-Z]{2,5}s\.?")
_LOWER_WORDS = re.compile(r"[a-z][a-z'-]*")
#: Sports played by teams: in their tables every row names a team.
_TEAM_SPORTS_TEXT = (
    "soccer football cricket baseball basketball rugby hockey volleyball handball nfl nba nhl "
    "mlb"
)
TEAM_SPORTS = frozenset(_TEAM_SPORTS_TEXT.split())
#: Time zones: models tag them as organizations; they name no entity.
_TIME_ZONES_TEXT = "UTC GMT BST CET CEST EET EST EDT CST CDT MST MDT PST PDT IST JST AEST"
TIME_ZONES = frozenset(_TIME_ZONES_TEXT.split())
#: Country acronyms that stand for the country also where a model tags them as organizations.
COUNTRY_ACRONYMS = frozenset({"US", "USA", "UK", "UAE", "USSR", "DRC", "PRC"})
#: Home nations field national teams of their own: in a sports story they stay places.
HOME_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})
#: Words before a place that say something happens there, so it is not a team.
_VENUE_TEXT = (
    "in at near from to of outside around into on visit visiting via across inside toward "
    "towards"
)
VENUE_WORDS = frozenset(_VENUE_TEXT.split())
_SEPARATORS = re.compile(r"\s+-+\s+|\s*[()\[\]:;/|\n]\s*|\s{2,}")
_NUMBERS = re.compile(r"^(?:[\d][\d.,/\-]*\s+)+|(?:\s+[\d][\d.,/\-]*\w?)+$")
#: The name of the dateline rule below (listed in :mod:`index.entities.rules`).
DATELINE_DATES = "datelines_give_place_not_date"
#: A date after a dateline's place: "NEW YORK, March 3 -", "PARIS, Jan. 12 -".
_DATE_AFTER = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}"
               r"(?:, \d{4})?\s+-")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'\-]*?(?:\s+\d{4}-\d\d-\d\d|\s*\((?:[A-Z][\w ]*)\)"
                       rf"|(?=, {_DATE_AFTER}))")
# The place part of a dateline: "LONDON 1996-08-30", "AL-AIN, United Arab Emirates 1996-12-06",
# "MOSCOW (Reuters) -".
_DATELINE_PLACE = re.compile(
    r"([A-Z][A-Z .'\-]*[A-Z])(?:, ([A-Z][\w .'\-]*[\w.]))?"
    rf"(?= \d{{4}}-\d\d-\d\d\b| ?\([A-Z][\w ]*\)|, {_DATE_AFTER})")
# The same without the "PLACE, Month Day -" form: the rule switched off.
_DATELINE_DATED = re.compile(r"^[A-Z][A-Z .,'\-]*?(?:\s+\d{4}-\d\d-\d\d|\s*\((?:[A-Z][\w ]*)\))")
_DATELINE_PLACE_DATED = re.compile(
    r"([A-Z][A-Z .'\-]*[A-Z])(?:, ([A-Z][\w .'\-]*[\w.]))?(?= \d{4}-\d\d-\d\d\b| ?\([A-Z][\w ]*\))")
_WORDS = re.compile(r"[\w'’-]+")
#: "wrote on Twitter", "said via Facebook", "a post on Instagram": a one-word name right
#: after "via", or after a verb of publishing and "on", is the platform, not a person (the
#: small model often calls it PERSON).
_PUBLISHED_ON = re.compile(
    r"(?:\bvia|\b(?:said|says|wrote|writes|posted|posts|tweeted|shared|published|announced|"
    r"stated|commented|replied|reported|reacted|responded|noted|confirmed|posting|writing|"
    r"saying|sharing|announcing|commenting|speaking|noting|confirming|responding|reacting|"
    r"praised|thanked|criticised|criticized|a post|a message|a statement|a video|a tweet)"
    r"(?:\s+[A-Z][\w.'’-]*){0,3}\s+on)\s+$")
#: "the Twitter account", "a Facebook post": a one-word name before these is no person.
_PLATFORM_NOUN = re.compile(r"\s+(?:account|accounts|post|posts|feed|page|followers|handle|"
                            r"user|users|livestream)\b", re.IGNORECASE)
#: "oil giant Yukos", "rock group Blur": a one-word name after one of these is no person.
_COMPANY_NOUN = re.compile(
    r"\b(?:firm|company|giant|group|maker|bank|carrier|operator|retailer|producer|"
    r"conglomerate|insurer|airline|brewer|chain|broadcaster|publisher|manufacturer|"
    r"supermarket|subsidiary|distributor|band|label|studio|website|site)\s+$")
_TEAM = r"[A-Z][\w'’.&-]*(?: (?:[A-Z][\w'’.&-]*|of|de|del|la|and))*"
# A standings row ("Greenock Morton 3 2 0 1 5 2 6", "NEW YORK 74 59 .556 -") or a result
# ("Pohang 3 Ulsan 2").
_STANDING = re.compile(rf"^({_TEAM})(?: (?:\d[\d./]*|\.\d+|-)){{3,}}\s*$", re.MULTILINE)
_RESULT = re.compile(rf"^({_TEAM}) \d+ ({_TEAM}) \d+\b", re.MULTILINE)
# A competitor and their country: "Pete Sampras (U.S.) beat Mark Cairns (England)".
_COMPETITOR = re.compile(r"\b([A-Z][\w'’-]*(?:\.? [A-Z][\w'’-]*){1,3}) \(([A-Z][\w. ]+)\)")


@dataclass(frozen=True, slots=True)
class Tagged:
    """A cleaned mention: its text, kind (PERSON, ORG, PLACE, NORP), offset and whether a
    context rule decided the kind (then a corpus-wide vote leaves it alone)."""

    text: str
    kind: str
    start: int
    fixed: bool = False

    def __reduce__(self) -> tuple[type[Tagged], tuple[str, str, int, bool]]:
        # Pickled as a call of the constructor: a slotted dataclass otherwise unpickles
        # through a Python-level ``__setstate__`` that looks its fields up for every
        # object, most of the time the corpus pass spends reading its spill back.
        return (Tagged, (self.text, self.kind, self.start, self.fixed))


# The corpus pass asks this of every article several times: the cache spares most rescans
# (about 80 us an article) while holding at most this many texts.
@functools.lru_cache(maxsize=4096)
def is_sports_story(text: str) -> bool:
    """True when the first line (the headline) names a sport, or the story uses
    :data:`SPORT_TERMS_MIN` words and scores of team sports."""
    headline = text.split("\n", 1)[0].lower()
    if any(word in SPORT_WORDS for word in _WORDS.findall(headline)):
        return True
    terms = len(_SCORE.findall(text))
    for word in _LOWER_WORDS.findall(text.lower()):
        terms += word in SPORT_TERMS
        if terms >= SPORT_TERMS_MIN:
            return True
    return False


def is_team_sports_story(text: str) -> bool:
    """True when the headline names a sport played by teams."""
    headline = text.split("\n", 1)[0].lower()
    return any(word in TEAM_SPORTS for word in _WORDS.findall(headline))


def table_teams(text: str) -> list[Tagged]:
    """The teams named by the rows of a team-sport story's tables (standings, results)."""
    if not text or not is_team_sports_story(text):
        return []
    found = []
    for pattern in (_STANDING, _RESULT):
        for match in pattern.finditer(text):
            for group in range(1, (pattern.groups or 0) + 1):
                found.append(Tagged(match.group(group), ORG, match.start(group), fixed=True))
    return found


def dateline_places(text: str) -> list[Tagged]:
    """The places of the dateline that opens the body (the line after the headline)."""
    if "\n" not in text:
        return []
    body_start = text.index("\n") + 1
    while text.startswith("\n", body_start):
        body_start += 1
    pattern = _DATELINE_PLACE if enabled(DATELINE_DATES) else _DATELINE_PLACE_DATED
    match = pattern.match(text, body_start)
    if match is None:
        return []
    return [Tagged(match.group(g), PLACE, match.start(g), fixed=True)
            for g in (1, 2) if match.group(g)]


def competitors(text: str) -> list[Tagged]:
    """People named with their country in an individual sport's results ("Jansher Khan
    (Pakistan) beat Anthony Hill (Australia)"); in team sports those are clubs, so none."""
    if not text or not is_sports_story(text) or is_team_sports_story(text):
        return []
    found = []
    for match in _COMPETITOR.finditer(text):
        country = match.group(2)
        if places.country_for_name(country) or country.lower() in HOME_NATIONS:
            found.append(Tagged(match.group(1), PERSON, match.start(1), fixed=True))
    return found


def tag_mentions(mentions: Iterable[Mention], text: str = "") -> list[Tagged]:
    """Apply every mention-level rule; ``text`` is the text NER read (may be empty)."""
    # Buildings and grounds (FAC) are never teams: their kind is fixed from the start.
    raw = [Tagged(m.text, SPACY_KINDS[m.label], m.start, fixed=m.label == "FAC")
           for m in mentions if m.label in SPACY_KINDS]
    raw = _join_split_names(raw, text)
    teams = table_teams(text) + competitors(text) + dateline_places(text)
    if teams:
        taken = {t.start for t in teams}
        spans = [(t.start, t.start + len(t.text)) for t in teams]
        raw = [m for m in raw if not any(a <= m.start < b for a, b in spans)
               and m.start not in taken] + teams
        raw.sort(key=lambda m: m.start)
    sports = bool(text) and is_sports_story(text)
    out: list[Tagged] = []
    for mention in raw:
        for piece in _pieces(mention):
            name = _NUMBERS.sub("", clean_name(piece.text)).strip()
            name = clean_name(name)
            if not name:
                continue
            out.append(_relabel(replace(piece, text=name), text, sports))
    # A platform or company named as one ("wrote on Twitter") is one in the whole article.
    named = {m.text for m in out if m.kind == ORG and text and len(m.text.split()) == 1
             and is_named_organization(m, text)}
    return [replace(m, kind=ORG, fixed=True) if m.kind == PERSON and m.text in named else m
            for m in out]


def _join_split_names(mentions: list[Tagged], text: str) -> list[Tagged]:
    """"Islamic" (NORP) + "State" (ORG), one space apart, is the organization "Islamic State"."""
    if not text:
        return mentions
    out: list[Tagged] = []
    for mention in mentions:
        if out and mention.kind == ORG and out[-1].kind == NORP:
            previous = out[-1]
            gap = text[previous.start + len(previous.text):mention.start]
            if gap == " ":
                out[-1] = Tagged(f"{previous.text} {mention.text}", ORG, previous.start)
                continue
        out.append(mention)
    return out


def _pieces(mention: Tagged) -> list[Tagged]:
    pieces = []
    position = 0
    for part in _SEPARATORS.split(mention.text):
        offset = mention.text.find(part, position) if part else position
        position = offset + len(part)
        if part.strip():
            pieces.append(replace(mention, text=part, start=mention.start + max(offset, 0)))
    return pieces


def _relabel(mention: Tagged, text: str, sports: bool) -> Tagged:
    name, kind = mention.text, mention.kind
    if name in TIME_ZONES or (kind == PERSON and any(c.isdigit() for c in name)):
        return replace(mention, kind=NOISE, fixed=True)  # "UTC", "COVID-19" is no person
    if PLURAL_ACRONYM.fullmatch(name):
        return replace(mention, kind=NOISE, fixed=True)  # "MPs", "PCs": a kind of thing
    if text and _in_dateline(mention, text):
        return replace(mention, kind=PLACE, fixed=True)
    if kind in (ORG, PERSON) and places.country_for_name(name) is not None \
            and not _bare_code(name):
        return replace(mention, kind=PLACE, fixed=True)
    if kind in (PERSON, ORG) and places.country_for_nationality(name) is not None:
        return replace(mention, kind=NORP, fixed=True)  # "Britons", "Russians"
    words = name.split()
    if kind == PERSON:
        if any(w.lower().strip(".") in ORG_WORDS for w in name.replace("-", " ").split()):
            return replace(mention, kind=ORG, fixed=True)
        if len(words) == 1 and text and is_named_organization(mention, text):
            return replace(mention, kind=ORG, fixed=True)
        if len(words) > 2 and places.country_for_nationality(words[0]) is not None:
            return replace(mention, text=" ".join(words[1:]))
    if sports and text:
        return _sports_kind(mention, text)
    if kind == ORG and len(words) == 1 and not _bare_code(name) \
            and places.country_for_place(name) is not None:
        # Outside sport a one-word city or region is a place, also when it stands for its
        # government or people ("Arbil said", "Moscow announced").
        return replace(mention, kind=PLACE, fixed=True)
    return mention


def is_named_organization(mention: Tagged, text: str) -> bool:
    """True when ``text`` names the mention as a platform ("wrote on Twitter", "via
    Facebook", "a Twitter account") or a company ("oil giant Yukos", "rock group Blur")."""
    end = mention.start + len(mention.text)
    return bool(_PUBLISHED_ON.search(text, max(0, mention.start - 40), mention.start)
                or _PLATFORM_NOUN.match(text, end)
                or _COMPANY_NOUN.search(text, max(0, mention.start - 20), mention.start))


def _sports_kind(mention: Tagged, text: str) -> Tagged:
    """In a sports story a place named as a competitor is its team; a ground is a place."""
    name = mention.text
    if name.lower() in SPORT_WORDS:  # "SOCCER" in a headline is the topic, not a name
        return replace(mention, kind=NOISE, fixed=True)
    is_country = places.country_for_name(name) is not None or name.lower() in HOME_NATIONS
    if mention.kind == PLACE and not mention.fixed and not is_country \
            and not _is_venue(mention, text):
        return replace(mention, kind=ORG, fixed=True)
    if mention.kind == PERSON and not mention.fixed and " " not in name and is_country:
        # A one-word "person" that is a country ("Wales beat Italy") is the country; a
        # surname the same article gives in full ("Jordan" of "Michael Jordan") is still
        # the person (see surnames_are_people).
        return replace(mention, kind=PLACE)
    if mention.kind != PLACE and _opens_line_before_colon(mention, text):
        if places.country_for_place(name) is not None:
            return replace(mention, kind=PLACE, fixed=True)
        if len(name.split()) == 1:  # "Attendance: 25,000", "Scorers: ..." label a line
            return replace(mention, kind=NOISE, fixed=True)
    return mention


def _bare_code(name: str) -> bool:
    """An undotted code of up to three capitals ("BT", "IE"): as an organization it is more
    often a company or product than a country; "U.S." and the acronyms news uses for
    countries ("US", "UK", "UAE") are not bare codes."""
    return name.isupper() and len(name) <= 3 and name not in COUNTRY_ACRONYMS


def _in_dateline(mention: Tagged, text: str) -> bool:
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    match = (_DATELINE if enabled(DATELINE_DATES) else _DATELINE_DATED).match(line)
    return match is not None and mention.start - line_start < match.end()


def _is_venue(mention: Tagged, text: str) -> bool:
    """Whether a place mention in a sports story is where something happens."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    before = text[line_start:mention.start]
    words = _WORDS.findall(before)
    previous = words[-1].lower() if words else ""
    if previous in VENUE_WORDS:
        # "in Leeds", and "KANSAS CITY AT DETROIT": the home team's city is where they play.
        return True
    return _opens_line_before_colon(mention, text)


def _opens_line_before_colon(mention: Tagged, text: str) -> bool:
    """"Leicester: Leicestershire beat Somerset", "London (The Oval): ..." name the ground."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    if _WORDS.findall(text[line_start:mention.start]):
        return False
    line_end = text.find("\n", mention.start)
    rest = text[mention.start + len(mention.text):line_end if line_end >= 0 else len(text)]
    return ":" in rest and not any(c.isdigit() for c in rest[:rest.find(":")])


_ACRONYM = re.compile(r"[A-Z]{2,7}")
_PARENTHESISED = re.compile(r"\s*\(([A-Z]{2,7})\)")
_MINOR_TEXT = (
    "of and the for de du des la le el al in on to"
)
_MINOR_WORDS = frozenset(_MINOR_TEXT.split())


def initials(name: str) -> set[str]:
    """The acronyms a long name can have: its words' initials, with and without the small
    words ("Test and County Cricket Board" -> TCCB, TACCB)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalpha()]
    if len(words) < 2 or any("." in w or (w.isupper() and len(w) > 1) for w in words):
        return set()  # "U.S. Senate" is not what "US" stands for
    every = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.lower() not in _MINOR_WORDS).upper()
    return {every, major} - {""}


def find_acronyms(tagged: list[Tagged], text: str = "") -> dict[str, str]:
    """``{acronym: long form}`` for the organizations an article names both ways.

    An ALL-CAPS mention whose letters are the initials of an organization named in the
    same article ("ISSG" and "International Syria Support Group") stands for it, and so
    does an acronym written in brackets right after the long form.
    """
    longs: dict[str, str] = {}
    for mention in tagged:
        if mention.kind == ORG:
            for letters in initials(mention.text):
                if len(letters) >= 2:
                    longs.setdefault(letters, mention.text)
    found: dict[str, str] = {}
    for mention in tagged:
        letters = mention.text.replace(".", "")
        if _ACRONYM.fullmatch(letters) and letters in longs \
                and places.country_for_name(letters) is None:
            found[letters.lower()] = longs[letters]
    if text:
        for mention in tagged:
            if mention.kind != ORG:
                continue
            end = text.find(mention.text, mention.start)
            after = _PARENTHESISED.match(text, end + len(mention.text)) if end >= 0 else None
            if after and after.group(1) in initials(mention.text):
                found[after.group(1).lower()] = mention.text
    return found
