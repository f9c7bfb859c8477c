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
  (:func:`unify_displays`), so "U.S." and "United States" are one place across the corpus.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from index.entities import places
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
from index.entities.names import LONE_SURNAMES, best_form, clean_person, group_key, name_key
from index.entities.normalize import Entities
from index.entities.rules import CorpusRules, apply_rules
from index.entities.switches import enabled
from index.entities.textstats import TextCounts
from index.store.schema import Facet

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


@dataclass(frozen=True, slots=True)
class CorpusView:
    """Corpus-wide label decisions (name key -> label) and acronyms (acronym -> long form)."""

    labels: dict[bool, dict[str, str]] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)
    lexicons: dict[bool, dict[str, str]] = field(default_factory=dict)
    person_words: frozenset[str] = frozenset()
    named_organizations: frozenset[str] = frozenset()
    full_names: dict[str, str] = field(default_factory=dict)
    place_names: frozenset[str] = frozenset()
    rules: CorpusRules = field(default_factory=CorpusRules)

    @classmethod
    def build(cls, documents: Iterable[tuple[Sequence[Tagged], str]]) -> CorpusView:
        """Build from ``(tagged mentions, text)`` of every document."""
        # Like the lexicon, one word votes among stories of its kind (sports or not).
        votes: dict[bool | None, dict[str, Counter[str]]] = {
            True: defaultdict(Counter), False: defaultdict(Counter), None: defaultdict(Counter)}
        expansions: dict[str, set[str]] = defaultdict(set)
        documents_seen = [(list(tagged), text) for tagged, text in documents]
        # The rules of index.entities.rules decide from counts that add up over articles;
        # junk they drop never votes nor enters the lexicon.
        rules = CorpusRules.build(TextCounts.total(
            TextCounts.of(tagged, text) for tagged, text in documents_seen))
        documents_seen = [(apply_rules(tagged, text, rules), text)
                          for tagged, text in documents_seen]
        for tagged, text in documents_seen:
            sports = is_sports_story(text)
            for mention in tagged:
                if mention.kind not in (NORP, NOISE) and not mention.fixed:
                    key = name_key(mention.text)
                    votes[sports if " " not in key else None][key][mention.kind] += 1
            for acronym, long_form in find_acronyms(list(tagged), text).items():
                expansions[acronym].add(name_key(long_form) + "\x00" + long_form)
        decided: dict[bool | None, dict[str, str]] = {}
        for group, names in votes.items():
            decided[group] = {}
            for key, counts in names.items():
                label, top = counts.most_common(1)[0]
                total = sum(counts.values())
                if total >= MIN_VOTES and top / total >= MAJORITY and len(counts) > 1:
                    decided[group][key] = label
        labels = _by_story_kind(decided)
        acronyms = {}
        for acronym, longs in expansions.items():
            keys = {item.split("\x00")[0] for item in longs}
            if len(keys) == 1:
                acronyms[acronym] = sorted(item.split("\x00")[1] for item in longs)[0]
        person_words = frozenset(
            word for tagged, _ in documents_seen for m in tagged
            if m.kind == PERSON and len(m.text.split()) > 1 for word in name_key(m.text).split())
        named_organizations = _one_words(
            documents_seen, lambda m, text: m.kind == ORG and m.fixed and bool(text)
            and is_named_organization(m, text))
        # Only gazetteer places: the model also calls "Olympic" or "Linux" a place.
        place_names = frozenset(
            k for k in _one_words(documents_seen, lambda m, _: m.kind == PLACE)
            if places.country_for_place(k) is not None)
        view = cls(labels, acronyms, person_words=person_words,
                   named_organizations=named_organizations,
                   full_names=_full_names(tagged for tagged, _ in documents_seen),
                   place_names=place_names, rules=rules)
        return replace(view, lexicons=view._lexicons(documents_seen))

    def _lexicons(self, documents: list[tuple[list[Tagged], str]]) -> dict[bool, dict[str, str]]:
        # One word's kind depends on the kind of story ("Leeds" is a team in sport, a city
        # elsewhere); a name of several words means the same in both ("Six Nations").
        seen: dict[bool | None, dict[str, Counter[str]]] = {
            True: defaultdict(Counter), False: defaultdict(Counter), None: defaultdict(Counter)}
        for tagged, text in documents:
            sports = is_sports_story(text)
            kinds: dict[str, str] = {}
            for mention in self.vote(tagged, sports=sports):
                if mention.kind not in (NORP, NOISE) and len(mention.text.split()) <= MAX_WORDS:
                    kinds.setdefault(name_key(mention.text), mention.kind)
            for key, kind in kinds.items():
                seen[sports if " " not in key else None][key][kind] += 1
        decided: dict[bool | None, dict[str, str]] = {}
        for group, names in seen.items():
            decided[group] = {}
            for key, counts in names.items():
                kind, top = counts.most_common(1)[0]
                if top >= MIN_DOCUMENTS and top / sum(counts.values()) >= MAJORITY:
                    decided[group][key] = kind
        return _by_story_kind(decided)

    def find_missed(self, tagged: Sequence[Tagged], text: str) -> list[Tagged]:
        """Mentions of lexicon names in ``text`` that NER missed, in text order."""
        lexicon = self.lexicons.get(is_sports_story(text), {}) if text else None
        if lexicon is None or not (lexicon or self.acronyms):
            return []
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
        for mention in tagged:
            label = self.labels.get(sports, {}).get(name_key(mention.text)) \
                if not mention.fixed else None
            if not mention.fixed and mention.kind == PERSON \
                    and name_key(mention.text) in self.named_organizations:
                label = ORG
            if not mention.fixed and (label or mention.kind) == PERSON \
                    and " " not in mention.text and name_key(mention.text) not in self.person_words:
                if sports:
                    label = ORG
                elif name_key(mention.text) in self.place_names:
                    label = PLACE  # "Edinburgh and Glasgow airports"
            out.append(replace(mention, kind=label) if label and mention.kind not in (NORP, NOISE)
                       else mention)
        return out


def _one_words(documents: Sequence[tuple[Sequence[Tagged], str]],
               keep: Callable[[Tagged, str], bool]) -> frozenset[str]:
    """Keys of the one-word names that at least ``MIN_DOCUMENTS`` documents have a mention
    of that ``keep`` accepts (given the mention and its document's text)."""
    documents_of: Counter[str] = Counter()
    for tagged, text in documents:
        documents_of.update({name_key(m.text) for m in tagged
                             if " " not in m.text and keep(m, text)})
    return frozenset(k for k, n in documents_of.items() if n >= MIN_DOCUMENTS)


def _by_story_kind(decided: dict[bool | None, dict[str, str]]) -> dict[bool, dict[str, str]]:
    """Decisions for sports stories (True) and other news (False) from those made among
    each kind and, under None, among all stories (names of several words)."""
    return {sports: {**decided[None], **decided[sports]} for sports in (True, False)}


def _full_names(documents: Iterable[Sequence[Tagged]]) -> dict[str, str]:
    """Surname key -> the full name most articles give for it, where one dominates."""
    named: dict[str, Counter[str]] = defaultdict(Counter)  # surname -> full name -> articles
    shown: dict[str, Counter[str]] = defaultdict(Counter)  # full name key -> spellings
    given: Counter[str] = Counter()  # word -> articles using it before a surname
    for tagged in documents:
        full = {}
        for mention in tagged:
            if mention.kind == PERSON:
                name = clean_person(mention.text)
                if len(name.split()) > 1:
                    full[name_key(name)] = name
        for key, name in full.items():
            named[key.split()[-1]][key] += 1
            shown[key][name] += 1
        given.update({word for key in full for word in key.split()[:-1]})
    out = {}
    for surname, counts in named.items():
        key, top = counts.most_common(1)[0]
        total = sum(counts.values())
        # "Charles" alone may be Charles Kennedy as well as Ray Charles: first names stay.
        # The one person the corpus names in full by a surname needs fewer articles.
        enough = MIN_ONLY_FULL_NAME_DOCUMENTS if len(counts) == 1 and enabled(LONE_SURNAMES) \
            else MIN_FULL_NAME_DOCUMENTS
        if top >= enough and top / total >= MAJORITY \
                and given[surname] <= (1 - MAJORITY) * total:
            out[surname] = min(shown[key], key=lambda name: (-shown[key][name], name))
    return out


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


def unify_displays(documents: Sequence[Entities]) -> list[Entities]:
    """Show each entity in the spelling the most documents use, in every document."""
    forms: dict[tuple[Facet, str], Counter[str]] = defaultdict(Counter)
    for entities in documents:
        for facet in (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.PLACES):
            for name in entities.get(facet):
                forms[facet, group_key(facet, name)][name] += 1
    # Spellings in name order, so that a tie does not depend on the order of the documents
    # (which changes as documents are rewritten).
    chosen = {group: best_form(Counter(dict(sorted(counts.items()))), group[0])
              for group, counts in forms.items()}
    out = []
    for entities in documents:
        values = {}
        for facet in (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.PLACES):
            names = [chosen[facet, group_key(facet, n)] for n in entities.get(facet)]
            values[facet.value] = tuple(dict.fromkeys(names))
        out.append(Entities(countries=entities.countries, **values))
    return out
