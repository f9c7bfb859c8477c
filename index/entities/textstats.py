"""Counts over one article's words and mentions that add up over a corpus.

The corpus-level rules of :mod:`index.entities.rules` decide from these counts: how often
the corpus writes a word in lower case (an ordinary word, not a name), right after a figure
(a unit or a currency), where a name stands (opening a line of figures: a table label),
which kinds the articles give a name, which longer names end in a word. Each article's
:class:`TextCounts` is computed on its own and counts are merged with ``+``, so a corpus
view can be kept up to date by adding and subtracting articles.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.entities.counts import Mergeable
from index.entities.mentions import NOISE, NORP, ORG, PERSON, Tagged, is_sports_story
from index.entities.names import LEGAL_FORMS, clean_person, name_key
from index.ner.casing import FUNCTION_WORDS, is_shouted

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
#: A figure starts with a digit or one of these ("$5", "£2.5 mln").
_CURRENCIES = "$£€¥"
_FIGURE = re.compile(rf"[{re.escape(_CURRENCIES)}]?\d[\d.,:/]*%?")
#: A dateline ahead of the text on its line ("NEW YORK, March 3 - ") ends here.
_DATELINE_END = re.compile(r"^[A-Z][A-Z .,'\-]*,[\w .]*?\d{1,2}\s+-+\s+")
#: A line counts as a line of figures when figures hold at least this share of its characters.
FIGURE_LINE_SHARE = 0.4
#: Tokens after a label within which a figure must come ("Avg shrs 10.2 mln").
LABEL_REACH = 2
#: A label opens its line or its dateline: no further than this many characters in.
HEAD_MAX = 80
#: Characters that count as part of figures beside the digits ("1,250.5", "3-2", "5%").
_FIGURE_MARKS = ".,-/%"
#: Stripped from a token's ends before its word is read, and from the word's end after.
_OPENERS = "\"'“‘(["
_CLOSERS = ".,;:!?'’"
#: A token ending so ends a sentence: the next word's capital says nothing.
_SENTENCE_ENDS = (".", "!", "?", ":")


@dataclass(slots=True)
class TextCounts(Mergeable):
    """Mergeable counts over articles (each counter maps a lower-case word or name key)."""

    #: Uses of a word in lower case, in lines that are not ALL CAPS.
    lower: Counter[str] = field(default_factory=Counter)
    #: Uses of a word with a capital inside a sentence, in lines that are not ALL CAPS.
    capital: Counter[str] = field(default_factory=Counter)
    #: Uses of a lower-case word right after a figure ("12 cts", "45.6 mln dlrs").
    after_figure: Counter[str] = field(default_factory=Counter)
    #: Name keys the articles write in mixed case (one count per article).
    names: Counter[str] = field(default_factory=Counter)
    #: Articles with a mention of a name opening a line of figures, and with any mention
    #: of it (news other than sport, context rules' mentions left out).
    table: Counter[str] = field(default_factory=Counter)
    uses: Counter[str] = field(default_factory=Counter)
    #: Articles giving a name each kind: keys ``"kind\x00name key"``; and among news other
    #: than sport (where one-word places also name teams).
    kinds: Counter[str] = field(default_factory=Counter)
    news_kinds: Counter[str] = field(default_factory=Counter)
    #: Articles naming a person in full by each surname.
    surnames: Counter[str] = field(default_factory=Counter)
    #: Longer names of organizations and places ending in a word: keys ``"word\x00name key"``.
    tails: Counter[str] = field(default_factory=Counter)
    #: Articles naming a company with a legal form, by its first word:
    #: keys ``"first word\x00name"`` ("belmark\x00Belmark Corp").
    companies: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, tagged: Sequence[Tagged], text: str) -> TextCounts:
        """The counts of one article: its cleaned mentions and the text NER read."""
        out = cls()
        for line in text.split("\n"):
            if line.strip() and not is_shouted(line):
                _count_words(out, line)
        news = not is_sports_story(text) if text else True
        kinds: set[str] = set()
        for mention in tagged:
            if mention.kind in (NORP, NOISE):
                continue
            key = name_key(mention.text)
            if not key:
                continue
            kinds.add(f"{mention.kind}\x00{key}")
            shouted = bool(text) and shouted_at(text, mention.start)
            if not shouted:
                out.names[key] = 1
            if news and text and not mention.fixed:  # a dateline is no table row
                out.uses[key] = 1
                if opens_figures(mention, text):
                    out.table[key] = 1
            words = key.split()
            if mention.kind == PERSON and len(words) > 1:
                out.surnames[name_key(clean_person(mention.text)).split()[-1]] = 1
            elif mention.kind != PERSON and len(words) > 1:
                out.tails[f"{words[-1]}\x00{key}"] = 1
                if mention.kind == ORG and words[-1] in LEGAL_FORMS and not shouted:
                    out.companies[f"{words[0]}\x00{mention.text}"] = 1
        out.kinds.update(kinds)
        if news:
            out.news_kinds.update(kinds)
        return out


def _count_words(out: TextCounts, line: str) -> None:
    # One pass over the tokens; whether a token is a figure is decided once, when it is
    # read, and its counts go to the counters in one C-level update each.
    lower: list[str] = []
    capital: list[str] = []
    after: list[str] = []
    previous_figure = before_figure = previous_lower = False
    start_of_sentence = True
    for token in line.split():
        first = token[:1]
        figure = (first in _CURRENCIES or first.isdigit()) and _is_figure(token)
        word_match = _WORD.match(token.strip(_OPENERS))
        if word_match:
            word = word_match.group(0).rstrip(_CLOSERS)
            if word[:1].islower():
                key = word.lower()
                lower.append(key)
                if previous_figure or (previous_lower and before_figure):
                    after.append(key)  # "12 cts", "45.6 mln dlrs"
            elif not start_of_sentence:
                capital.append(word.lower())
        start_of_sentence = token.endswith(_SENTENCE_ENDS) or token == "-" or token == "--"
        before_figure, previous_figure, previous_lower = previous_figure, figure, \
            first.islower()
    out.lower.update(lower)
    out.capital.update(capital)
    out.after_figure.update(after)


def _is_figure(token: str) -> bool:
    # "1." numbers a list ("1. Carl Lewis"): no quantity follows.
    return bool(_FIGURE.fullmatch(token.rstrip(",;"))) and not token.endswith(".")


@functools.lru_cache(maxsize=256)
def _lines(text: str) -> tuple[list[int], list[str], list[bool]]:
    """Line starts, lines and whether each is shouted, once per text (rules ask for every
    mention; a long line must not be rescanned each time)."""
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    return starts, lines, [is_shouted(line) for line in lines]


@functools.lru_cache(maxsize=1024)  # asked once per mention, mostly of a few lines
def figure_share(line: str) -> float:
    """The share of the line's visible characters that are digits or ``.,-/%``."""
    visible = "".join(line.split())  # split() drops exactly what isspace() calls space
    if not visible:
        return 0.0
    return (sum(map(str.isdigit, visible)) + sum(map(visible.count, _FIGURE_MARKS))) \
        / len(visible)


def _line_index(text: str, position: int) -> int:
    return bisect.bisect_right(_lines(text)[0], position) - 1


def line_of(text: str, position: int) -> str:
    """The line of ``text`` holding ``position``."""
    return _lines(text)[1][_line_index(text, position)]


def shouted_at(text: str, position: int) -> bool:
    """True when the line holding ``position`` is ALL CAPS."""
    return _lines(text)[2][_line_index(text, position)]


def opens_figures(mention: Tagged, text: str) -> bool:
    """True when the mention opens its line (or follows its dateline) and figures come
    within :data:`LABEL_REACH` tokens after it ("Shr 12 cts", "Avg shrs 10.2 mln"), or
    its line is mostly figures."""
    starts, lines, _ = _lines(text)
    index = _line_index(text, mention.start)
    start, line = starts[index], lines[index]
    if figure_share(line) >= FIGURE_LINE_SHARE:
        return True
    offset = mention.start - start
    if offset > HEAD_MAX:
        return False
    head = line[:offset]
    dateline = _DATELINE_END.match(line[:HEAD_MAX])
    opens = not head.strip(" \t-*•") or (dateline is not None and dateline.end() == len(head))
    rest = line[offset + len(mention.text):offset + len(mention.text) + HEAD_MAX].split()
    return opens and any(_FIGURE.fullmatch(t.rstrip(",;")) for t in rest[:LABEL_REACH])


def joined_to_a_name(mention: Tagged, text: str) -> bool:
    """True when a capitalised word stands right before or after the mention on its line,
    directly or through "of" ("State" in "Secretary of State Jim Baker", "Finance" in
    "Finance Minister"): the mention is a piece of a longer name."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.start, mention.start + 2 * HEAD_MAX)
    end = mention.start + len(mention.text)
    before = text[max(line_start, mention.start - HEAD_MAX):mention.start].split()
    after = text[end:min(line_end if line_end >= 0 else len(text), end + HEAD_MAX)].split()
    if before and before[-1] == "of":
        before = before[:-1]
    if after and after[0] == "of":
        after = after[1:]
    left = bool(before) and not before[-1].endswith((".", ",", ";", ":", "-")) \
        and _capitalised(before[-1])
    right = bool(after) and text[mention.start + len(mention.text):][:1] not in ",;:." \
        and _capitalised(after[0])
    return left or right


def _capitalised(token: str) -> bool:
    word = token.strip("\"'“‘([")
    return word[:1].isupper() and word.lower() not in FUNCTION_WORDS
