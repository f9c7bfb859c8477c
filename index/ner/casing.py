"""Restore the case of ALL-CAPS lines before NER reads them.

News headlines and datelines are often shouted ("SOCCER - JAPAN GET LUCKY WIN, CHINA IN
SURPRISE DEFEAT.", "LONDON 1996-12-06"), and a model trained on mixed-case text then tags
"WIN" as an organization and misses "JAPAN". NER reads a copy of the text in which every
line without a lower-case letter is re-cased word by word:

The first letter of a re-cased line is a capital.

1. a word the article also writes in mixed case takes its most frequent form there,
   counting sentence-initial capitals only when there is nothing else ("WIN" -> "win");
2. a short function word (``FUNCTION_WORDS``) is lower-cased ("IN" -> "in");
3. a word of up to ``ACRONYM_MAX`` letters seen nowhere else stays as it is ("UN", "NBA");
4. any other word is capitalised ("JAPAN" -> "Japan").

The copy has exactly the same length as the text, so entity offsets found in it are offsets
into the original, and mentions keep the original spelling.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

#: Bumped whenever the re-casing rules change: part of the NER fingerprint of a document.
CASING_VERSION = 2
#: Unknown all-caps words this short are taken for acronyms and kept.
ACRONYM_MAX = 3
_FUNCTION_WORDS_TEXT = (
    "a an and as at but by for from in into of off on onto or out over per the to up upon via "
    "with after before against among amid between down under than then vs v is are was were "
    "be been has have had it its his her their our we he she they not no"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_FIRST_LOWER = re.compile(r"^\W*[a-z]")  # a headline starts with a capital
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def is_shouted(line: str) -> bool:
    """True when ``line`` has cased letters and none of them is lower case."""
    return not any(map(str.islower, line)) and sum(map(str.isupper, line)) >= 2


def restore_case(text: str) -> str:
    """A same-length copy of ``text`` with every ALL-CAPS line re-cased (see module doc)."""
    lines = text.split("\n")
    shouted = [is_shouted(line) for line in lines]
    if not any(shouted):
        return text
    forms = _known_forms(line for line, loud in zip(lines, shouted, strict=True) if not loud)
    out = []
    for line, loud in zip(lines, shouted, strict=True):
        if loud:
            line = _WORD.sub(lambda m: _recase(m.group(0), forms), line)
            line = _FIRST_LOWER.sub(lambda m: m.group(0).upper(), line, count=1)
        out.append(line)
    restored = "\n".join(out)
    return restored if len(restored) == len(text) else text


def _known_forms(lines: object) -> dict[str, str]:
    """``{lower-case word: its most frequent form}`` over the article's mixed-case lines."""
    inner: dict[str, Counter[str]] = defaultdict(Counter)
    initial: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:  # type: ignore[attr-defined]
        for match in _WORD.finditer(line):
            word = match.group(0)
            before = line[:match.start()].rstrip(" \t\"“'‘(")
            at_start = not before or before[-1] in ".!?:"
            (initial if at_start else inner)[word.lower()][word] += 1
    forms = {}
    for key in inner.keys() | initial.keys():
        counts = inner.get(key) or initial[key]
        best = max(counts.items(), key=lambda item: (item[1], item[0] != item[0].upper()))[0]
        forms[key] = best
    return forms


def _recase(word: str, forms: dict[str, str]) -> str:
    key = word.lower()
    if len(key) != len(word):  # a case mapping that changes length would shift offsets
        return word
    known = forms.get(key)
    if known is not None and len(known) == len(word):
        return known
    if key in FUNCTION_WORDS:
        return key
    if len(word) <= ACRONYM_MAX:
        return word
    return word[:1] + word[1:].lower()
