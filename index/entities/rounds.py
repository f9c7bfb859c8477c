"""The corpus pass as rounds of map, merge and decide.

What the corpus says about a name is decided in four rounds. In each, every article gives
its counts under the decisions of the rounds before (:func:`article_counts`, the map), the
counts of all articles are summed (``+``, associative: any partition of the corpus, merged
in any order, gives the same sum), and the round's decisions are made from the sum
(:func:`decide`). The rounds:

1. ``text``: words and names as written (:class:`~index.entities.textstats.TextCounts`),
   for the rules of :mod:`index.entities.rules`;
2. ``view``: label votes, acronyms, full names, named organizations and places
   (:class:`~index.entities.corpus.ViewCounts`), on the mentions the rules leave;
3. ``lexicon``: the names the corpus knows by kind
   (:class:`~index.entities.corpus.LexiconCounts`), on the mentions the votes relabel;
4. ``display``: each entity's spellings (:class:`~index.entities.display.DisplayCounts`),
   on the articles' canonical entities.

:func:`final_entities` then gives each article its facets. The same functions run in one
process (:func:`corpus_entities`), over an index kept up to date (:mod:`index.corpus_pass`)
and on a cluster, so all three decide the same facets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from index.entities.aliases import Aliases
from index.entities.corpus import CorpusView, LexiconCounts, ViewCounts
from index.entities.counts import Mergeable
from index.entities.display import DisplayCounts, DisplayForms
from index.entities.lookups import note_all, recording
from index.entities.mentions import Tagged, tag_mentions
from index.entities.normalize import Entities, normalize_mentions
from index.entities.rules import CorpusRules, apply_rules
from index.entities.textstats import TextCounts
from index.ner.pipeline import Mention

TEXT, VIEW, LEXICON, DISPLAY = "text", "view", "lexicon", "display"
#: The rounds, in the order they are decided.
ROUNDS: tuple[str, ...] = (TEXT, VIEW, LEXICON, DISPLAY)
_COUNTS: dict[str, type[Mergeable]] = {TEXT: TextCounts, VIEW: ViewCounts,
                                       LEXICON: LexiconCounts, DISPLAY: DisplayCounts}


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """What the corpus pass needs of one article: its id, raw NER mentions, the text NER
    read, its cleaned mentions, and whether no pipeline read it (``alone``: it takes no
    part in the corpus's decisions and gets no entities from them)."""

    id: str
    mentions: tuple[Mention, ...]
    text: str
    tagged: tuple[Tagged, ...]
    alone: bool = False
    #: The mentions the rules leave, and the keys asked to decide, by the rules' token:
    #: every round after the first asks for them under the same rules (an update, under
    #: the old and the new), and the rules are the costliest step of normalising.
    ruled: dict[int, tuple[tuple[Tagged, ...], frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, doc_id: str, mentions: Iterable[Mention], text: str, *, alone: bool = False,
           tagged: Sequence[Tagged] | None = None) -> ArticleInput:
        """The input of one article; ``tagged`` when the caller has it already."""
        kept = tuple(mentions)
        return cls(doc_id, kept, text,
                   tuple(tagged if tagged is not None else tag_mentions(kept, text)), alone)

    def under(self, rules: CorpusRules) -> list[Tagged]:
        """The article's mentions after ``rules`` (:func:`apply_rules`), worked out once
        per rules; the keys the rules asked about are noted on every call, as if asked."""
        found = self.ruled.get(rules.token)
        if found is None:
            with recording() as asked:
                applied = tuple(apply_rules(self.tagged, self.text, rules))
            found = self.ruled[rules.token] = (applied, frozenset(asked))
        note_all(found[1])
        return list(found[0])


@dataclass(slots=True)
class CorpusStats:
    """The summed counts of every round (what an index keeps to be updated)."""

    text: TextCounts = field(default_factory=TextCounts)
    view: ViewCounts = field(default_factory=ViewCounts)
    lexicon: LexiconCounts = field(default_factory=LexiconCounts)
    display: DisplayCounts = field(default_factory=DisplayCounts)

    def of(self, name: str) -> Mergeable:
        """The counts of round ``name``."""
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Decisions:
    """What the corpus has decided so far, and the user's alias table."""

    view: CorpusView = field(default_factory=CorpusView)
    display: DisplayForms = field(default_factory=DisplayForms)
    aliases: Aliases = field(default_factory=Aliases)


def empty_counts(name: str) -> Mergeable:
    """Round ``name``'s counts of no article (the start of a sum)."""
    return _COUNTS[name]()


def article_counts(name: str, article: ArticleInput, decisions: Decisions) -> Any:
    """One article's counts of round ``name`` under the decisions of the rounds before."""
    if name == DISPLAY:
        return DisplayCounts.of(canonical_entities(article, decisions))
    if article.alone:
        return empty_counts(name)
    if name == TEXT:
        return TextCounts.of(article.tagged, article.text)
    applied = article.under(decisions.view.rules)
    if name == VIEW:
        return ViewCounts.of(applied, article.text)
    return decisions.view.lexicon_counts(applied, article.text)


def decide(name: str, total: Any, decisions: Decisions) -> Decisions:
    """The decisions after round ``name``, from its summed counts."""
    view = decisions.view
    if name == TEXT:
        return replace(decisions, view=replace(view, rules=CorpusRules.build(total)))
    if name == VIEW:
        return replace(decisions, view=CorpusView.decide(view.rules, total))
    if name == LEXICON:
        return replace(decisions, view=view.with_lexicons(total))
    return replace(decisions, display=DisplayForms.decide(total))


def canonical_entities(article: ArticleInput, decisions: Decisions) -> Entities:
    """The article's entities under the corpus's decisions, before display forms."""
    if article.alone:
        return normalize_mentions(article.mentions, article.text, aliases=decisions.aliases,
                                  tagged=list(article.tagged))
    return normalize_mentions(article.mentions, article.text, aliases=decisions.aliases,
                              corpus=decisions.view,
                              applied=article.under(decisions.view.rules))


def final_entities(article: ArticleInput, decisions: Decisions) -> tuple[Entities, frozenset[str]]:
    """The article's facets, and the keys of every corpus decision they depend on."""
    with recording() as keys:
        entities = decisions.display.apply(canonical_entities(article, decisions))
    return entities, frozenset(keys)


def corpus_entities(articles: Sequence[ArticleInput], aliases: Aliases | None = None
                    ) -> tuple[list[Entities], Decisions]:
    """Every article's facets as the whole corpus decides them, in one process."""
    decisions = Decisions(aliases=aliases or Aliases())
    for name in ROUNDS:
        decisions = decide(name, _COUNTS[name].total(
            article_counts(name, a, decisions) for a in articles), decisions)
    return [final_entities(a, decisions)[0] for a in articles], decisions

