"""How title and body text become index terms, and query words become search terms.

The rules (the README's query syntax section states them for users):

- A word is letters and digits, and a hyphen, ``&``, ``.`` or apostrophe *inside* a word
  joins it: ``COVID-19``, ``al-Assad``, ``AT&T``, ``U.S.``, ``O'Rourke`` are one word each.
- Such a word is indexed whole, without its joiners (``covid19``, ``alassad``, ``att``,
  ``us``, ``orourke``), and as its parts (``covid``, ``19``) at the same position, so
  ``covid`` finds "COVID-19", and ``COVID-19`` finds it and "COVID19". A query word is
  looked up whole only, which is precise: ``U.S.`` and ``US`` are both ``us``.
- Case and accents are folded (``Erdoğan`` = ``erdogan``, ``Straße`` = ``strasse``).
- No stop words: short words are names in news (``US``, ``UN``, ``WHO``, ``May``, ``IT``)
  and every word typed is searched.
- Words are stemmed (English Porter stemmer): ``strike`` finds "strikes". A word whose stem
  differs is also indexed as written, marked with :data:`SURFACE` (``=election``), so
  wildcard patterns match words as written (``elec?ion``), not only stems.

A leaf: imports only Whoosh (and the Protocols that describe it). The analyzer is pickled
into the index's schema, so the classes here keep their module path; changing what they
produce is a schema change (``SCHEMA_VERSION``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter import stem

from index.store.whoosh_types import WhooshToken

#: A word: letters or digits (wildcards for query patterns), joined by ``-``, ``&``, ``.``
#: or an apostrophe between two of them.
WORD_PATTERN = r"[\w*?]+(?:[-&.'’`´][\w*?]+)*"
JOINERS = "-&.'’`´"
#: Marks a word indexed as written beside its stem (never the first letter of a stem).
SURFACE = "="
_SPLIT = re.compile(f"[{re.escape(JOINERS)}]+")
_POSSESSIVE = re.compile(r"['’`´]s$", re.IGNORECASE)
#: Letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
                          "þ": "th", "ð": "d", "ħ": "h", "ŧ": "t", "ʻ": "", "ʼ": ""})


def fold(text: str) -> str:
    """``text`` case-folded and without accents (``Erdoğan`` -> ``erdogan``)."""
    if text.isascii():
        # Most words of English news: nothing to decompose or map, and case-folding ASCII
        # is lower-casing. A third of the analyzer's time went here before.
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_LETTERS)


def split_joined(word: str) -> list[str]:
    """The parts of a joined word (``al-Assad`` -> ``["al", "Assad"]``); one part if none.

    A possessive ``'s`` is no part: ``Turkey's`` is ``Turkey``.
    """
    if _SPLIT.search(word) is None:  # no joiner, so no possessive either: the usual case
        return [word] if word else []
    return [part for part in _SPLIT.split(_POSSESSIVE.sub("", word)) if part]


class FoldFilter(Filter):  # type: ignore[misc]
    """Folds case and accents of every token."""

    def __call__(self, tokens: Iterator[WhooshToken]) -> Iterator[WhooshToken]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class JoinFilter(Filter):  # type: ignore[misc]
    """Joined words: whole (joiners removed) and, when indexing, also as their parts at the
    same position; a query looks for the whole word only."""

    def __call__(self, tokens: Iterator[WhooshToken]) -> Iterator[WhooshToken]:
        for token in tokens:
            parts = split_joined(token.text)
            if len(parts) < 2:
                if parts:
                    token.text = parts[0]
                    yield token
                continue
            token.text = "".join(parts)
            yield token
            if token.mode != "index":
                continue
            whole = token.text
            for part in parts:
                if part != whole:
                    token.text = part
                    yield token


class SurfaceStemFilter(Filter):  # type: ignore[misc]
    """Stems every token; when indexing, also keeps a word whose stem differs as written,
    marked with :data:`SURFACE`."""

    def __call__(self, tokens: Iterator[WhooshToken]) -> Iterator[WhooshToken]:
        for token in tokens:
            written = token.text
            token.text = _stem(written)
            yield token
            if token.mode == "index" and token.text != written:
                token.text = SURFACE + written
                yield token


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    # Wildcard characters are not letters to the stemmer: a pattern is kept as typed.
    return word if "*" in word or "?" in word else stem(word)


def text_analyzer() -> CompositeAnalyzer:
    """The analyzer of the title and body fields (see the module's rules); a composite, whose
    ``items`` :mod:`index.store.positions` reuses."""
    return (RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FoldFilter() | JoinFilter()
            | SurfaceStemFilter())
