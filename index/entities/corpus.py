"""What the whole corpus says about a name, applied back to each document.

One article's model output is noisy; the corpus is less so. From every document's cleaned
mentions (:func:`index.entities.mentions.tag_mentions`) this builds:

- a label vote: a name the model labels one way in most of its mentions (at least
  ``MIN_VOTES`` mentions, a ``MAJORITY`` share) gets that label where the model said
  otherwise, unless a context rule decided that mention's label; a one-word name votes
  among stories of its kind, sports or other news ("Wales" is a team in one, a place in
  the other), a longer name across all of them;
- acronyms: an acronym an article expands ("ISSG" next to "International Syria Support
  Group") is expanded in articles that only use the acronym, when no article expands it
  differently;
- a lexicon: a name the corpus labels one way in at least ``MIN_DOCUMENTS`` documents
  (of its kind, for one word, as for the vote) is found where the model missed it in
  another document (one sense per corpus: "Greenock Morton" in a results table is the
  club it is in the match reports; "Six Nations" where the model saw only "Nations");
- full names: a surname alone ("Mr Blair") in an article that names no one of that surname
  in full is the person the corpus names in full by it, when at least
  ``MIN_FULL_NAME_DOCUMENTS`` articles do (``MIN_ONLY_FULL_NAME_DOCUMENTS`` when it is the
  only person of that surname the corpus names in full: "Erdoğan" beside "Recep Tayyip
  Erdoğan"), ``MAJORITY`` of the articles giving a full name of that surname give that one
  ("Tony Blair", not "Cherie Blair"), and the word is
  seldom a first name ("Charles");
- named organizations: a one-word name that at least ``MIN_DOCUMENTS`` documents name as
  a platform or company ("wrote on Twitter", "oil giant Yukos") is an organization
  wherever the model calls it a person;
- display forms: each entity is shown in the spelling most documents use
  (:mod:`index.entities.display`), so "U.S." and "United States" are one place across the
  corpus.

Each of these is decided from counts that add up over articles, in rounds: the rules'
:class:`~index.entities.textstats.TextCounts` first, then :class:`ViewCounts` (counted on
the mentions the rules leave), then :class:`LexiconCounts` (counted on the mentions the
votes relabel). Every round's counts merge with ``+``, so the same decisions come from one
pass over a corpus, from the merged counts of its parts (:mod:`index.entities.rounds`), and
from counts kept up to date as articles come and go.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.entities import places
from index.entities.counts import Mergeable, Nested
from index.entities.lookups import ANY_LEXICON, note, recording
from index.entities.mentions import (
    NOISE,
    NORP,
    ORG,
    PERSON,
    PLACE,
    PLURAL_ACRONYM,
    Tagged,
    find_acronyms,
    is_named_organization,
    is_sports_story,
)
from index.entities.names import LONE_SURNAMES, clean_person, name_key
from index.entities.rules import CorpusRules, apply_rules
from index.entities.switches import enabled
from index.entities.textstats import TextCounts

#: A name needs this many mentions across the corpus before its majority label counts.
MIN_VOTES = 3
#: Share of those mentions that must agree on one label.
MAJORITY = 0.75
#: A name joins the lexicon once this many documents label it the same way.
MIN_DOCUMENTS = 2
#: A lone surname is linked to a full name that at least this many documents give.
MIN_FULL_NAME_DOCUMENTS = 3
#: ... or this many, when it is the only full name of that surname in the corpus.
MIN_ONLY_FULL_NAME_DOCUMENTS = 2
#: Longest name, in words, looked up in the lexicon.
MAX_WORDS = 4
_TOKEN = re.compile(r"[^\W_][\w'’.&-]*")
#: Where a name votes: one word among stories of its kind (sports "s", other news "n"),
#: a longer name among all stories ("*").
SPORTS, NEWS, ALL = "s", "n", "*"
_GROUP_OF = {True: SPORTS, False: NEWS}


def vote_group(key: str, sports: bool) -> str:
    """Where name ``key`` votes in a story of this kind."""
    return ALL if " " in key else _GROUP_OF[sports]


class NotedDict(dict[str, str]):
    """A decision table whose every lookup is recorded (:func:`index.entities.lookups.note`)."""

    def __contains__(self, key: object) -> bool:
        note(str(key))
        return dict.__contains__(self, key)

    def __getitem__(self, key: str) -> str:
        note(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        note(key)
        return dict.get(self, key, default)


class NotedSet(frozenset[str]):
    """A set of decided keys whose every membership test is recorded."""

    def __contains__(self, key: object) -> bool:
        note(str(key))
        return frozenset.__contains__(self, key)


@dataclass(slots=True)
class ViewCounts(Mergeable):
    """The counts the label votes, acronyms, full names and named organizations are decided
    from, counted on the mentions the rules leave."""

    #: Name key -> ``"group\x00kind"`` -> mentions.
    votes: Nested = field(default_factory=dict)
    #: Acronym -> ``"long name key\x00long form"`` -> articles expanding it so.
    expansions: Nested = field(default_factory=dict)
    #: Word -> articles naming a person in full with it.
    person_words: Counter[str] = field(default_factory=Counter)
    #: One-word name -> articles naming it as a platform or company.
    organizations: Counter[str] = field(default_factory=Counter)
    #: One-word name -> articles calling it a place.
    place_words: Counter[str] = field(default_factory=Counter)
    #: Surname -> full name key -> articles naming that person in full.
    full_names: Nested = field(default_factory=dict)
    #: Full name key -> spelling -> articles.
    spellings: Nested = field(default_factory=dict)
    #: Word -> articles using it before a surname in a full name.
    given: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, applied: Sequence[Tagged], text: str) -> ViewCounts:
        """One article's counts, from its mentions as the rules leave them."""
        out = cls()
        sports = is_sports_story(text)
        for mention in applied:
            if mention.kind not in (NORP, NOISE) and not mention.fixed:
                key = name_key(mention.text)
                kinds = out.votes.setdefault(key, Counter())
                kinds[f"{vote_group(key, sports)}\x00{mention.kind}"] += 1
        for acronym, long_form in find_acronyms(list(applied), text).items():
            out.expansions.setdefault(acronym, Counter())[
                f"{name_key(long_form)}\x00{long_form}"] = 1
        out.person_words.update({word for m in applied
                                 if m.kind == PERSON and len(m.text.split()) > 1
                                 for word in name_key(m.text).split()})
        out.organizations.update({name_key(m.text) for m in applied
                                  if " " not in m.text and m.kind == ORG and m.fixed and text
                                  and is_named_organization(m, text)})
        out.place_words.update({name_key(m.text) for m in applied
                                if " " not in m.text and m.kind == PLACE})
        full = {}
        for mention in applied:
            if mention.kind == PERSON:
                name = clean_person(mention.text)
                if len(name.split()) > 1:
                    full[name_key(name)] = name
        for key, name in full.items():
            out.full_names.setdefault(key.split()[-1], Counter())[key] = 1
            out.spellings.setdefault(key, Counter())[name] = 1
        out.given.update({word for key in full for word in key.split()[:-1]})
        return out

    def affected(self) -> set[str]:
        """The keys whose decisions may change when the corpus's counts change by these."""
        keys = set(self.votes) | set(self.expansions) | set(self.person_words)
        keys |= set(self.organizations) | set(self.place_words) | set(self.full_names)
        keys |= set(self.given) | {key.split()[-1] for key in self.spellings}
        return keys


@dataclass(slots=True)
class LexiconCounts(Mergeable):
    """Name key -> ``"group\x00kind"`` -> articles giving it that kind after the votes."""

    seen: Nested = field(default_factory=dict)

    @classmethod
    def of(cls, voted: Sequence[Tagged], text: str) -> LexiconCounts:
        """One article's counts, from its mentions as the corpus's votes leave them."""
        out = cls()
        sports = is_sports_story(text)
        kinds: dict[str, str] = {}
        for mention in voted:
            if mention.kind not in (NORP, NOISE) and len(mention.text.split()) <= MAX_WORDS:
                kinds.setdefault(name_key(mention.text), mention.kind)
        for key, kind in kinds.items():
            out.seen.setdefault(key, Counter())[f"{vote_group(key, sports)}\x00{kind}"] = 1
        return out

    def affected(self) -> set[str]:
        """The keys whose lexicon entries may change with these counts."""
        return set(self.seen)


@dataclass(frozen=True, slots=True)
class CorpusView:
    """Corpus-wide decisions: the rules', label votes (by story kind: sports ``True``, other
    news ``False``), acronyms (acronym -> long form), the lexicon, and who a lone surname is.

    Every lookup of a decision is recorded (:mod:`index.entities.lookups`), and
    :meth:`decided_about` gives every decision about one key (with the rules'
    :meth:`~index.entities.rules.CorpusRules.signature`, all of them).
    """

    labels: dict[bool, NotedDict] = field(default_factory=dict)
    acronyms: NotedDict = field(default_factory=NotedDict)
    lexicons: dict[bool, NotedDict] = field(default_factory=dict)
    person_words: NotedSet = field(default_factory=NotedSet)
    named_organizations: NotedSet = field(default_factory=NotedSet)
    full_names: NotedDict = field(default_factory=NotedDict)
    place_names: NotedSet = field(default_factory=NotedSet)
    rules: CorpusRules = field(default_factory=CorpusRules)

    @classmethod
    def build(cls, documents: Iterable[tuple[Sequence[Tagged], str]]) -> CorpusView:
        """Build from ``(tagged mentions, text)`` of every document, in memory."""
        seen = [(list(tagged), text) for tagged, text in documents]
        rules = CorpusRules.build(TextCounts.total(TextCounts.of(t, text) for t, text in seen))
        applied = [(apply_rules(tagged, text, rules), text) for tagged, text in seen]
        view = cls.decide(rules, ViewCounts.total(ViewCounts.of(a, text) for a, text in applied))
        return view.with_lexicons(LexiconCounts.total(
            view.lexicon_counts(a, text) for a, text in applied))

    @classmethod
    def decide(cls, rules: CorpusRules, counts: ViewCounts) -> CorpusView:
        """Every decision but the lexicon's, from the corpus's summed counts."""
        return cls.decided(rules, counts, counts.votes.keys() | counts.expansions.keys()
                           | counts.person_words.keys() | counts.organizations.keys()
                           | counts.place_words.keys() | counts.full_names.keys())

    @classmethod
    def decided(cls, rules: CorpusRules, counts: ViewCounts, keys: Iterable[str],
                base: CorpusView | None = None) -> CorpusView:
        """``base``'s decisions (none when ``None``) with those about ``keys`` decided anew
        from ``counts``; the lexicon is ``base``'s."""
        old = base or cls()
        labels = {sports: NotedDict(old.labels.get(sports, {})) for sports in (True, False)}
        acronyms, full_names = NotedDict(old.acronyms), NotedDict(old.full_names)
        person_words, organizations = set(old.person_words), set(old.named_organizations)
        place_names = set(old.place_names)
        for key in keys:
            votes = counts.votes.get(key)
            for sports in (True, False):
                label = _majority_label(votes, vote_group(key, sports)) if votes else None
                _put(labels[sports], key, label)
            _put(acronyms, key, _expansion(counts.expansions.get(key)))
            _put(full_names, key, _full_name(key, counts))
            _include(person_words, key, counts.person_words[key] > 0)
            _include(organizations, key, counts.organizations[key] >= MIN_DOCUMENTS)
            _include(place_names, key, counts.place_words[key] >= MIN_DOCUMENTS
                     # Only gazetteer places: the model also calls "Olympic" a place.
                     and places.country_for_place(key) is not None)
        return cls(labels, acronyms, old.lexicons, NotedSet(person_words),
                   NotedSet(organizations), full_names, NotedSet(place_names), rules)

    def lexicon_counts(self, applied: Sequence[Tagged], text: str) -> LexiconCounts:
        """One article's lexicon counts under these decisions."""
        return LexiconCounts.of(self.vote(applied, sports=is_sports_story(text)), text)

    def with_lexicons(self, counts: LexiconCounts, keys: Iterable[str] | None = None
                      ) -> CorpusView:
        """These decisions with the lexicon decided from ``counts`` (only about ``keys``,
        the others kept, when given)."""
        base: dict[bool, dict[str, str]] = {sports: {} for sports in (True, False)} \
            if keys is None else {s: dict(self.lexicons.get(s, {})) for s in (True, False)}
        for key in counts.seen if keys is None else keys:
            seen = counts.seen.get(key)
            for sports in (True, False):
                _put(base[sports], key,
                     _lexicon_kind(seen, vote_group(key, sports)) if seen else None)
        return CorpusView(self.labels, self.acronyms,
                          {sports: NotedDict(base[sports]) for sports in (True, False)},
                          self.person_words, self.named_organizations, self.full_names,
                          self.place_names, self.rules)

    def decided_about(self, key: str) -> tuple[object, ...]:
        """Every decision of this view about ``key``, the rules' left out."""
        with recording():
            return (*(self.labels.get(s, NotedDict()).get(key) for s in (True, False)),
                    *(self.lexicons.get(s, NotedDict()).get(key) for s in (True, False)),
                    self.acronyms.get(key), self.full_names.get(key), key in self.person_words,
                    key in self.named_organizations, key in self.place_names)

    def has_lexicon(self, sports: bool) -> bool:
        """Whether names missed by NER can be found at all in a story of this kind."""
        note(ANY_LEXICON)
        return bool(self.lexicons.get(sports)) or len(self.acronyms) > 0

    def find_missed(self, tagged: Sequence[Tagged], text: str) -> list[Tagged]:
        """Mentions of lexicon names in ``text`` that NER missed, in text order."""
        if not text:
            return []
        sports = is_sports_story(text)
        if not self.has_lexicon(sports):
            return []
        lexicon = self.lexicons.get(sports, NotedDict())
        covered = bytearray(len(text) + 1)
        for mention in tagged:
            end = text.find(mention.text, mention.start)
            span_end = end + len(mention.text) if end >= 0 else mention.start + len(mention.text)
            covered[mention.start:span_end] = b"\x01" * (span_end - mention.start)
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        found: list[Tagged] = []
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            if not text[start].isupper() or covered[start]:
                i += 1
                continue
            for width in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
                end = tokens[i + width - 1][1]
                name = text[start:end].rstrip(".")
                if not text[tokens[i + width - 1][0]].isupper() or "\n" in name \
                        or any(covered[start:end]):
                    continue
                if PLURAL_ACRONYM.fullmatch(name):
                    continue  # "PCs" is not the union PCS
                kind = lexicon.get(name_key(name))
                if kind is None and width == 1 and name.isupper() \
                        and name.lower() in self.acronyms:
                    kind = ORG  # an acronym another article expands
                if kind is None:
                    continue
                if width == 1 and (f" {name.lower()} " in text or _sentence_start(text, start)):
                    continue  # maybe an everyday word ("Next", "One possible reason")
                found.append(Tagged(name, kind, start))
                i += width - 1
                break
            i += 1
        return found

    def vote(self, tagged: Sequence[Tagged], *, sports: bool = False) -> list[Tagged]:
        """The mentions with the corpus's label where a context rule did not decide it.

        A one-word "person" that is no part of any full name in the corpus is, in a sports
        story, a team ("Surrey", "Worcestershire") and elsewhere, if it is a city or region
        other articles name as a place, the place ("Glasgow").
        """
        out = []
        labels = self.labels.get(sports, NotedDict())
        for mention in tagged:
            if mention.fixed or mention.kind in (NORP, NOISE):
                out.append(mention)
                continue
            key = name_key(mention.text)
            label = labels.get(key)
            if mention.kind == PERSON and key in self.named_organizations:
                label = ORG
            if (label or mention.kind) == PERSON and " " not in mention.text \
                    and key not in self.person_words:
                if sports:
                    label = ORG
                elif key in self.place_names:
                    label = PLACE  # "Edinburgh and Glasgow airports"
            out.append(replace_kind(mention, label) if label else mention)
        return out


def replace_kind(mention: Tagged, kind: str) -> Tagged:
    """``mention`` with another kind."""
    return Tagged(mention.text, kind, mention.start, mention.fixed)


def _put(table: dict[str, str], key: str, value: str | None) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value


def _include(keys: set[str], key: str, present: bool) -> None:
    if present:
        keys.add(key)
    else:
        keys.discard(key)


def _group_counts(counts: Counter[str], group: str) -> Counter[str]:
    prefix = group + "\x00"
    return Counter({item[len(prefix):]: n for item, n in counts.items()
                    if item.startswith(prefix)})


def _majority_label(votes: Counter[str], group: str) -> str | None:
    """The label most of a name's mentions in ``group`` carry, when enough of them agree
    and the model said otherwise at least once."""
    counts = _group_counts(votes, group)
    if len(counts) < 2:
        return None
    label, top = max(counts.items(), key=lambda item: (item[1], item[0]))
    total = sum(counts.values())
    return label if total >= MIN_VOTES and top / total >= MAJORITY else None


def _lexicon_kind(seen: Counter[str], group: str) -> str | None:
    counts = _group_counts(seen, group)
    if not counts:
        return None
    kind, top = max(counts.items(), key=lambda item: (item[1], item[0]))
    return kind if top >= MIN_DOCUMENTS and top / sum(counts.values()) >= MAJORITY else None


def _expansion(longs: Counter[str] | None) -> str | None:
    """The long form of an acronym, when every article expanding it names the same thing."""
    if not longs:
        return None
    keys = {item.split("\x00")[0] for item in longs}
    return sorted(item.split("\x00")[1] for item in longs)[0] if len(keys) == 1 else None


def _full_name(surname: str, counts: ViewCounts) -> str | None:
    """The full name most articles give for ``surname``, where one dominates."""
    named = counts.full_names.get(surname)
    if not named:
        return None
    key, top = max(named.items(), key=lambda item: (item[1], item[0]))
    total = sum(named.values())
    # "Charles" alone may be Charles Kennedy as well as Ray Charles: first names stay.
    # The one person the corpus names in full by a surname needs fewer articles.
    enough = MIN_ONLY_FULL_NAME_DOCUMENTS if len(named) == 1 and enabled(LONE_SURNAMES) \
        else MIN_FULL_NAME_DOCUMENTS
    if top >= enough and top / total >= MAJORITY \
            and counts.given[surname] <= (1 - MAJORITY) * total:
        shown = counts.spellings[key]
        return min(shown, key=lambda name: (-shown[name], name))
    return None


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"
