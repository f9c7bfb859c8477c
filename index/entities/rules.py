"""Named rules that keep junk out of the facets, whatever the archive.

Each rule takes one article's cleaned mentions (:class:`~index.entities.mentions.Tagged`),
the article (:class:`Article`) and what the corpus says (:class:`CorpusRules`, decided from
the mergeable counts of :mod:`index.entities.textstats`), and returns the mentions with
junk marked ``NOISE`` and wrong kinds fixed. They run in this order (see :data:`RULES`):

- ``calendar_words_are_no_names``: months and weekdays are never entities;
- ``titles_alone_are_no_people``: "Sen", "Gov." alone name no one;
- ``units_are_no_names``: words the corpus writes after figures ("dlrs", "ecus") are
  units and currencies;
- ``table_labels_are_no_names``: a name the corpus mostly shows opening a line of
  figures ("Shr 12 cts vs 10 cts") labels a table row;
- ``headline_words_are_no_names``: in an ALL-CAPS line, ordinary words (the corpus writes
  them in lower case) are no names and are trimmed off longer ones;
- ``legal_forms_alone_are_no_organizations``: "Inc", "Ltd" alone belong to the name before;
- ``generic_words_alone_are_no_names``: "Commission" alone is the one longer name the
  article gives that ends in it, else no name when the corpus uses it as a generic head;
- ``companies_go_by_their_first_word``: "Belmark said" is the company "Belmark Corp";
- ``leaders_name_their_administration``: "the X administration" names the person X;
- ``one_sense_per_article``: a one-word name a context rule fixed (a dateline place) has
  that kind in the whole article;
- ``corpus_kind_majority``: a name most articles give one kind has it in the others.

Every rule can be switched off for a measurement (:func:`disabled`), which is how
``benchmarks/facet_quality.py`` shows the facets before and after them.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from index.entities import places
from index.entities.lookups import note, recording
from index.entities.mentions import (
    DATELINE_DATES,
    NOISE,
    NORP,
    ORG,
    PERSON,
    PLACE,
    Tagged,
    is_sports_story,
)
from index.entities.names import (
    HONORIFICS,
    LEGAL_FORM_GROUPS,
    LEGAL_FORMS,
    LONE_SURNAMES,
    SHOUTED_DISPLAY,
    TITLES,
    name_key,
    without_legal_form,
)
from index.entities.switches import enabled, switch_off, switch_on
from index.entities.textstats import TextCounts, joined_to_a_name, shouted_at

#: A word is ordinary when at least this share of its uses inside sentences is lower case.
ORDINARY_SHARE = 0.5
#: A lower-case word is a unit when at least this share of its uses follows a figure...
UNIT_SHARE = 0.5
#: ... it is seen at least this often, and capitalised inside sentences at most this share
#: as often ("Larry Fine" is no unit, "$500 fine" notwithstanding).
MIN_UNIT_USES = 2
UNIT_CAPITALS = 0.2
#: A name is a table label when in at least this share of the articles naming it, it opens a
#: line of figures...
TABLE_SHARE = 0.5
#: ... in at least this many articles (a company in one results table is no label).
MIN_TABLE_USES = 3
#: A one-word name is a generic head when this many longer names end in it.
MIN_GENERIC_TAILS = 3
#: A one-word organization is the longer one of the article ending in it of this many words.
MIN_FULL_WORDS = 3
#: A name takes the kind this many times more articles give it than all others together...
KIND_RATIO = 3
#: ... once at least this many articles give it that kind.
MIN_KIND_DOCUMENTS = 3

_MONTHS_TEXT = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS_TEXT = (
    "monday tuesday wednesday thursday friday saturday sunday tue tues thu thur thurs fri"
)
CALENDAR_WORDS = frozenset((_MONTHS_TEXT + " " + _WEEKDAYS_TEXT).split())
#: Words after a leader's name that name their government or team, not an organization.
_FOLLOWERS_TEXT = (
    "administration administrations government governments camp campaign campaigns aides "
    "cabinet presidency regime team era"
)
FOLLOWERS = frozenset(_FOLLOWERS_TEXT.split())
_FOLLOWED = re.compile(r"(?:['’]s)?\s+([A-Za-z]+)")
_FIGURES = re.compile(r"^[\d\W]*$")


@dataclass(frozen=True, slots=True)
class Article:
    """What the rules need to know of one article."""

    text: str
    sports: bool

    @classmethod
    def of(cls, text: str) -> Article:
        """The article NER read as ``text``."""
        return cls(text, bool(text) and is_sports_story(text))


@dataclass(frozen=True, slots=True)
class CorpusRules:
    """The corpus's decisions, from the summed :class:`TextCounts` of its articles.

    Every question goes through a method that takes one key and records it
    (:func:`index.entities.lookups.note`), and :meth:`signature` gives every answer about a
    key at once: an update re-normalises the articles that asked about a key whose
    signature changed.
    """

    counts: TextCounts = field(default_factory=TextCounts)
    tail_names: dict[str, int] = field(default_factory=dict)
    #: First word -> {company name with a legal form: articles}.
    companies: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Word -> names of several words holding it, built on first use by :meth:`known_run`.
    by_word: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    #: Tells these rules apart from any others (a new one for every object, ``replace``
    #: included), for what is worked out once per article under them
    #: (:meth:`index.entities.rounds.ArticleInput.under`). Rules answer from counts that
    #: must not change once they are asked.
    token: int = field(default_factory=lambda: secrets.randbits(63), init=False,
                       compare=False, repr=False)

    @classmethod
    def build(cls, counts: TextCounts) -> CorpusRules:
        """Decide from ``counts`` (one article's, or a corpus's sum)."""
        tails: Counter[str] = Counter()
        for item, n in counts.tails.items():
            if n > 0:
                tails[item.split("\x00")[0]] += 1
        companies: dict[str, dict[str, int]] = {}
        for item, n in counts.companies.items():
            first, _, name = item.partition("\x00")
            if n > 0:
                companies.setdefault(first, {})[name] = n
        return cls(counts, dict(tails), companies)

    def ordinary(self, word: str) -> bool:
        """True when the corpus writes ``word`` mostly in lower case inside sentences."""
        key = word.lower().strip(".'’")
        note(key)
        lower, capital = self.counts.lower[key], self.counts.capital[key]
        return lower > 0 and lower / (lower + capital) >= ORDINARY_SHARE

    def unit(self, word: str) -> bool:
        """True when the corpus writes ``word`` in lower case mostly after figures."""
        key = word.lower().strip(".'’")
        note(key)
        lower = self.counts.lower[key]
        return lower >= MIN_UNIT_USES and self.counts.after_figure[key] / lower >= UNIT_SHARE \
            and self.counts.capital[key] <= UNIT_CAPITALS * lower

    def table_label(self, key: str) -> bool:
        """True when most articles naming ``key`` show it opening a line of figures."""
        note(key)
        table, uses = self.counts.table[key], self.counts.uses[key]
        return table >= MIN_TABLE_USES and table / uses >= TABLE_SHARE

    def known(self, key: str) -> bool:
        """True when some article writes name ``key`` in mixed case."""
        note(key)
        return self.counts.names[key] > 0

    def known_run(self, key: str) -> bool:
        """True when ``key`` is a name some article writes in mixed case, or a run of the
        words of one ("bailey" of "donovan bailey")."""
        if self.known(key):
            return True
        words = key.split()
        if not words:
            return False
        if not self.by_word:
            for name, n in self.counts.names.items():
                for word in set(name.split()) if n > 0 and " " in name else ():
                    self.by_word.setdefault(word, []).append(name)
        return any(_is_run(name.split(), words) for name in self.by_word.get(words[0], ()))

    def generic(self, key: str) -> bool:
        """True when ``key`` ends at least :data:`MIN_GENERIC_TAILS` longer names of the
        corpus ("State" of "Islamic State", "Secretary of State", "Ohio State")."""
        note(key)
        return self.tail_names.get(key, 0) >= MIN_GENERIC_TAILS

    def company(self, word: str) -> str | None:
        """The one company the corpus names with a legal form starting with ``word``
        (``belmark`` -> "Belmark Corp"), in the spelling most articles use."""
        note(word)
        names = self.companies.get(word, {})
        keys = {without_legal_form(name_key(name)) for name in names}
        if len(keys) != 1:
            return None
        return min(names, key=lambda name: (-names[name], name))

    def person(self, key: str) -> bool:
        """True when the corpus names a person in full by ``key`` or calls it a person."""
        note(key)
        return self.counts.surnames[key] > 0 or self.counts.kinds[f"{PERSON}\x00{key}"] > 0

    def named_in_full(self, surname: str) -> bool:
        """True when some article names a person in full by ``surname``."""
        note(surname)
        return self.counts.surnames[surname] > 0

    def place_articles(self, key: str) -> int:
        """How many articles call ``key`` a place."""
        note(key)
        return self.counts.kinds[f"{PLACE}\x00{key}"]

    def usual_kind(self, key: str) -> str | None:
        """The kind most articles give ``key``, if any gives it one."""
        note(key)
        given = {kind: self.counts.kinds[f"{kind}\x00{key}"] for kind in (PERSON, ORG, PLACE)}
        kind = max(given, key=lambda k: given[k])
        return kind if given[kind] else None

    def majority(self, key: str) -> str | None:
        """The kind at least :data:`KIND_RATIO` times more articles give ``key`` than all
        other kinds together, if any."""
        note(key)
        given = {kind: self.counts.news_kinds[f"{kind}\x00{key}"] for kind in (PERSON, ORG, PLACE)}
        kind = max(given, key=lambda k: given[k])
        others = sum(given.values()) - given[kind]
        if given[kind] >= MIN_KIND_DOCUMENTS and given[kind] >= KIND_RATIO * others:
            return kind
        return None

    def signature(self, key: str) -> tuple[object, ...]:
        """Every answer these rules give about ``key``: two corpora whose signatures of a
        key are equal treat every mention of it alike."""
        with recording():  # asking is no article's lookup
            return (self.ordinary(key), self.unit(key), self.table_label(key),
                    self.known_run(key), self.generic(key), self.company(key),
                    self.person(key), self.place_articles(key) > 1, self.usual_kind(key),
                    self.majority(key))

    @staticmethod
    def affected(counts: TextCounts) -> set[str]:
        """The keys whose :meth:`signature` may differ between two corpora whose counts
        differ by ``counts`` (a name changes the answers about every run of its words)."""
        keys: set[str] = set()
        for name in ("lower", "capital", "after_figure", "table", "uses", "surnames"):
            keys.update(getattr(counts, name))
        for key in counts.names:
            words = key.split()
            keys.update(" ".join(words[i:j]) for i in range(len(words))
                        for j in range(i + 1, len(words) + 1))
        for name in ("kinds", "news_kinds", "tails", "companies"):
            keys.update(item.partition("\x00")[2 if name.endswith("kinds") else 0]
                        for item in getattr(counts, name))
        return keys


def _is_run(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


RuleFunction = Callable[[list[Tagged], Article, CorpusRules], list[Tagged]]


def _noise(mention: Tagged) -> Tagged:
    return replace(mention, kind=NOISE, fixed=True)


def _article_surnames(tagged: Sequence[Tagged]) -> set[str]:
    return {name_key(m.text).split()[-1] for m in tagged
            if m.kind == PERSON and len(m.text.split()) > 1}


def calendar_words_are_no_names(tagged: list[Tagged], article: Article,
                                corpus: CorpusRules) -> list[Tagged]:
    """Months and weekdays, alone or with figures ("March", "JAN 12", "Tuesday"), are never
    people, organizations or places; a surname the corpus gives in full ("Theresa May")
    stays the person."""
    surnames = _article_surnames(tagged)
    out = []
    for m in tagged:
        words = [w for w in name_key(m.text).split() if not w.isdigit()]
        if m.kind != NOISE and words and all(w in CALENDAR_WORDS for w in words) and not (
                m.kind == PERSON and len(words) == 1
                and (words[0] in surnames or corpus.named_in_full(words[0]))):
            m = _noise(m)
        out.append(m)
    return out


def titles_alone_are_no_people(tagged: list[Tagged], article: Article,
                               corpus: CorpusRules) -> list[Tagged]:
    """A title or honorific with no name after it ("Sen", "Gov.", "Mr") names no one."""
    return [_noise(m) if m.kind == PERSON and all(
        w.strip(".").lower() in TITLES | HONORIFICS for w in m.text.split()) else m
        for m in tagged]


def units_are_no_names(tagged: list[Tagged], article: Article,
                       corpus: CorpusRules) -> list[Tagged]:
    """A name ending in a word the corpus writes in lower case right after figures ("12 cts",
    "1.8 marks", "100 mln dlrs", "9 a.m.") is a quantity, not an entity ("U.S. Dlrs");
    "Electoral College" is not, whatever "270 electoral votes" says."""
    return [_noise(m) if m.kind not in (NOISE, NORP) and m.text.split()
            and corpus.unit(m.text.split()[-1]) else m for m in tagged]


def table_labels_are_no_names(tagged: list[Tagged], article: Article,
                              corpus: CorpusRules) -> list[Tagged]:
    """Outside sport, a name the corpus mostly shows opening a line of figures ("Shr 12 cts
    vs 10 cts", "Revs 45.6 mln") or in lines of figures is the label of a table row."""
    if article.sports:
        return tagged  # results tables name competitors and teams
    return [_noise(m) if m.kind not in (NOISE, NORP) and not m.fixed
            and corpus.table_label(name_key(m.text)) else m for m in tagged]


def headline_words_are_no_names(tagged: list[Tagged], article: Article,
                                corpus: CorpusRules) -> list[Tagged]:
    """In an ALL-CAPS line case says nothing: a mention whose words are all ordinary words
    of the corpus ("RAISES", "SEES HIGHER") is none, and a longer one that holds ordinary
    words and is not named so in mixed case is the longest run of its words the corpus
    names in mixed case ("BUNDESBANK LEAVES RATES" -> "BUNDESBANK"), else none."""
    out = []
    for m in tagged:
        if m.kind in (NOISE, NORP) or m.fixed or not article.text \
                or not shouted_at(article.text, m.start):
            out.append(m)
            continue
        words = m.text.split()
        if all(corpus.ordinary(w) for w in words):
            out.append(_noise(m))
            continue
        key = name_key(m.text)
        if len(words) > 1 and not corpus.known(key) and any(corpus.ordinary(w) for w in words):
            m = _known_run(m, words, corpus) or _noise(m)
        out.append(m)
    return out


def _known_run(m: Tagged, words: list[str], corpus: CorpusRules) -> Tagged | None:
    """The longest run of the mention's words that the corpus names in mixed case, with
    the kind most articles give it."""
    for width in range(len(words) - 1, 0, -1):
        for i in range(len(words) - width + 1):
            run = " ".join(words[i:i + width])
            key = name_key(run)
            if corpus.known_run(key) and not all(corpus.ordinary(w) for w in run.split()):
                offset = m.text.find(run)
                return replace(m, text=run, start=m.start + max(offset, 0),
                               kind=corpus.usual_kind(key) or m.kind)
    return None


def legal_forms_alone_are_no_organizations(tagged: list[Tagged], article: Article,
                                           corpus: CorpusRules) -> list[Tagged]:
    """A legal form alone ("Inc", "Corp.", "Ltd") is the tail of the name before it, not an
    organization."""
    return [_noise(m) if m.kind != NOISE and all(
        w.strip(".,").lower() in LEGAL_FORMS for w in m.text.split()) else m for m in tagged]


def generic_words_alone_are_no_names(tagged: list[Tagged], article: Article,
                                     corpus: CorpusRules) -> list[Tagged]:
    """Outside sport, a one-word organization that ends exactly one organization of
    :data:`MIN_FULL_WORDS` words or more named before it in the article ("the Commission"
    after "European Community Commission"; "the House" is no "White House") is that one;
    else a generic head word (many longer names of the corpus end in it) cut out of a longer
    name ("State" of "Secretary of State Jim Baker", "Finance Minister") is none, while one
    named on its own ("the Senate voted") stays. A gazetteer place is never a head word
    ("Jerusalem" of "East Jerusalem") unless it is an ordinary word ("the Bank said")."""
    if article.sports:
        return tagged
    longer: dict[str, set[str]] = defaultdict(set)
    out = []
    for m in tagged:
        words = m.text.split()
        if m.kind == ORG and len(words) >= MIN_FULL_WORDS:
            longer[name_key(words[-1])].add(m.text)
        key = name_key(m.text)
        if m.kind not in (ORG, PLACE) or " " in key or places.country_for_name(m.text):
            out.append(m)
            continue
        found = longer.get(key, set()) if m.kind == ORG and not m.fixed else set()
        if len(found) == 1:
            m = replace(m, text=next(iter(found)))
        elif corpus.generic(key):
            if places.country_for_place(m.text) is not None:
                if corpus.ordinary(key):
                    m = _noise(m)
            elif not m.fixed and joined_to_a_name(m, article.text):
                m = _noise(m)
        out.append(m)
    return out


def companies_go_by_their_first_word(tagged: list[Tagged], article: Article,
                                     corpus: CorpusRules) -> list[Tagged]:
    """Outside sport, a one-word person, place (not one of the gazetteer) or organization in
    a headline ("BELMARK FILES") that is the first word of the one company
    the article, else the corpus, names with a legal form ("Belmark said" beside "Belmark
    Corp") is that company, unless the article names a person in full with it."""
    if article.sports:
        return tagged
    surnames = _article_surnames(tagged)
    here: dict[str, set[str]] = defaultdict(set)
    for m in tagged:
        words = name_key(m.text).split()
        if m.kind == ORG and len(words) > 1 and words[-1] in LEGAL_FORMS:
            here[words[0]].add(m.text)
    out = []
    for m in tagged:
        key = name_key(m.text)
        shouted = m.kind == ORG and shouted_at(article.text, m.start)
        if (m.kind in (PERSON, PLACE) or shouted) and not m.fixed and " " not in key \
                and key not in surnames and places.country_for_name(m.text) is None \
                and places.country_for_place(m.text) is None:
            found = here.get(key, set())
            # A place other articles name too ("Pacific") is no gas company's short name.
            elsewhere = m.kind == PLACE and corpus.place_articles(key) > 1
            company = next(iter(found)) if len(found) == 1 else \
                None if found or elsewhere else corpus.company(key)
            if company is not None:
                m = replace(m, text=company, kind=ORG)
        out.append(m)
    return out


def leaders_name_their_administration(tagged: list[Tagged], article: Article,
                                      corpus: CorpusRules) -> list[Tagged]:
    """"The X administration", "X aides", "the X campaign": X is the person who leads it
    when the article or corpus names a person so, and X is no place or nationality ("the
    Bonn government" stays a place)."""
    if not article.text:
        return tagged
    surnames = _article_surnames(tagged)
    out = []
    for m in tagged:
        words = m.text.split()
        if words and words[-1].lower() in FOLLOWERS and len(words) > 1:
            name = " ".join(words[:-1])  # the model took "Halvorsen administration" whole
        else:
            after = _FOLLOWED.match(article.text, m.start + len(m.text))
            name = m.text if after and after.group(1).lower() in FOLLOWERS else ""
        key = name_key(name)
        if name and m.kind in (ORG, PERSON, PLACE) and len(key.split()) <= 3 \
                and places.country_for_name(name) is None \
                and places.country_for_place(name) is None \
                and places.country_for_nationality(name) is None \
                and (key.split()[-1] in surnames or corpus.person(key.split()[-1])):
            m = replace(m, text=name, kind=PERSON, fixed=True)
        out.append(m)
    return out


def one_sense_per_article(tagged: list[Tagged], article: Article,
                          corpus: CorpusRules) -> list[Tagged]:
    """A one-word name a context rule fixed as a place in the article (its dateline) is that
    place wherever the model called it a person or organization there, unless the article
    names a person in full with it ("ROTTERDAM, April 7 - ... Rotterdam handled")."""
    fixed = {name_key(m.text) for m in tagged if m.fixed and m.kind == PLACE
             and " " not in name_key(m.text)}
    surnames = _article_surnames(tagged)
    return [replace(m, kind=PLACE) if m.kind in (PERSON, ORG) and not m.fixed
            and name_key(m.text) in fixed and name_key(m.text) not in surnames
            and not article.sports else m for m in tagged]


def corpus_kind_majority(tagged: list[Tagged], article: Article,
                         corpus: CorpusRules) -> list[Tagged]:
    """A name that :data:`KIND_RATIO` times more articles give one kind (person, place,
    organization) than all others has that kind in the few articles that say otherwise
    ("Louvre" a person in a few stories, a place in many), unless a context rule decided;
    outside sport, where one-word names of places also name teams."""
    if article.sports:
        return tagged
    out = []
    for m in tagged:
        if m.kind in (PERSON, ORG, PLACE) and not m.fixed:
            kind = corpus.majority(name_key(m.text))
            if kind is not None and kind != m.kind:
                m = replace(m, kind=kind)
        out.append(m)
    return out


#: Every rule, in the order it runs.
RULES: tuple[RuleFunction, ...] = (
    calendar_words_are_no_names,
    titles_alone_are_no_people,
    units_are_no_names,
    table_labels_are_no_names,
    headline_words_are_no_names,
    legal_forms_alone_are_no_organizations,
    generic_words_alone_are_no_names,
    companies_go_by_their_first_word,
    leaders_name_their_administration,
    one_sense_per_article,
    corpus_kind_majority,
)
#: Rules kept where the data they need is: datelines are read with the other context rules
#: (:mod:`index.entities.mentions`), the legal form and the display of shouted names where
#: names are grouped and shown (:mod:`index.entities.names`), full names in the corpus view.
RULES_ELSEWHERE: dict[str, str] = {
    DATELINE_DATES: "datelines give the place before the comma, never the date after it "
                    "(\"NEW YORK, March 3 -\")",
    LEGAL_FORM_GROUPS: "a legal form belongs to the name before it: \"Acme Corp\" and \"ACME\" "
                       "are one organization",
    SHOUTED_DISPLAY: "a person or place only ever written in capitals is shown as names are "
                     "written (\"HOUSTON\" -> \"Houston\")",
    LONE_SURNAMES: "a surname alone is the one person the corpus names in full by it",
}
RULE_NAMES: tuple[str, ...] = tuple(rule.__name__ for rule in RULES) + tuple(RULES_ELSEWHERE)


@contextlib.contextmanager
def disabled(*names: str) -> Iterator[None]:
    """Switch the named rules (all of them when none is named) off inside the block: for
    measuring what each rule changes, never for normal runs."""
    unknown = set(names) - set(RULE_NAMES)
    if unknown:
        raise ValueError(f"Unknown rule {sorted(unknown)[0]!r}; rules: {', '.join(RULE_NAMES)}")
    chosen = switch_off(set(names or RULE_NAMES))
    try:
        yield
    finally:
        switch_on(chosen)


def describe() -> dict[str, str]:
    """``{rule name: first line of what it does}`` for every rule, in order."""
    out = {rule.__name__: " ".join((rule.__doc__ or "").split()) for rule in RULES}
    return {**out, **RULES_ELSEWHERE}


def apply_rules(tagged: Sequence[Tagged], text: str, corpus: CorpusRules | None = None
                ) -> list[Tagged]:
    """Run every enabled rule over one article's mentions; ``corpus`` defaults to what the
    article alone says."""
    out = list(tagged)
    if not any(enabled(rule.__name__) for rule in RULES):
        return out
    if corpus is None:
        corpus = CorpusRules.build(TextCounts.of(out, text))
    article = Article.of(text)
    for rule in RULES:
        if enabled(rule.__name__):
            out = rule(out, article, corpus)
    return out


__all__ = ["RULES", "RULES_ELSEWHERE", "RULE_NAMES", "Article", "CorpusRules", "apply_rules",
           "describe", "disabled"]
