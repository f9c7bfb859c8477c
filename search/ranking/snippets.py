"""Snippets: the best passages of a body with the query's terms in ``<b>…</b>``.

Words are matched through the field's own analyzer, so a stemmed query term (``elect``)
marks every form of the word (``election``, ``elected``). Only words that start like a
query term are analysed: running the analyzer over whole articles cost about 2.5 ms a hit
on BBC News, which was most of a search's time.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from whoosh import query as wq

from index import WhooshAnalyzer, WhooshReader

#: Longest snippet fragment, in characters.
SNIPPET_CHARS = 240
#: Fragments joined into one snippet.
SNIPPET_FRAGMENTS = 2
#: Characters of context kept around the matches of a fragment.
CONTEXT_CHARS = 60
_BETWEEN = " … "
#: Most words highlighted: a wildcard may stand for thousands, and one pattern of them all
#: took seconds to compile (measured: 4.6 s for a range over 7,800 words).
MAX_HIGHLIGHT_TERMS = 256


def query_terms(query: wq.Query, reader: WhooshReader, fields: Iterable[str]) -> frozenset[str]:
    """The terms of ``query`` in ``fields``, wildcards expanded against ``reader``.

    Not ``Query.existing_terms``: it reuses its ``fieldname`` argument as a loop variable
    and so skips every leaf after the first one of another field (``title:x OR body:x``).
    """
    wanted = set(fields)
    out = set()
    for leaf in query.leaves():
        try:
            terms = leaf.expanded_terms(reader, phrases=True)
        except Exception:  # noqa: BLE001 - a leaf without terms just highlights nothing
            continue
        for name, text in terms:
            if name in wanted:
                out.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
                if len(out) >= MAX_HIGHLIGHT_TERMS:
                    return frozenset(out)
    return frozenset(out)


def lead(body: str) -> str:
    """The start of ``body``, cut at a word, as a plain snippet."""
    if len(body) <= SNIPPET_CHARS:
        return body
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS] + " …"


class Snippets:
    """Makes snippets for one field's analyzer."""

    def __init__(self, analyzer: WhooshAnalyzer) -> None:
        self._analyzer = analyzer
        self._stems: dict[str, tuple[str, ...]] = {}

    def make(self, body: str, terms: frozenset[str]) -> str:
        """Escaped HTML on one line: the best fragments with ``terms`` in bold, else the
        lead of ``body``."""
        matches = self._matches(body, terms) if terms and body else []
        if not matches:
            return _one_line(html.escape(lead(body), quote=False))
        fragments = _best_fragments(body, matches)
        return _one_line(_BETWEEN.join(_format(body, start, end, matches)
                                       for start, end in fragments))

    def around(self, body: str, focus: tuple[int, int], terms: frozenset[str],
               marked: tuple[int, int] | None = None) -> str:
        """Escaped HTML on one line: the passage of ``body`` around the characters ``focus``
        (start, end), with ``terms`` and the characters ``marked`` in bold."""
        start, end = _snap(body, focus[0] - CONTEXT_CHARS, focus[1] + CONTEXT_CHARS)
        matches = [m for m in self._matches(body, terms) if m[0] >= start and m[1] <= end] \
            if terms else []
        if marked is not None:
            matches = sorted([m for m in matches if m[1] <= marked[0] or m[0] >= marked[1]]
                             + [(marked[0], marked[1], "")])
        text = _format(body, start, end, matches)
        return _one_line(("… " if start > 0 else "") + text + (" …" if end < len(body) else ""))

    def _matches(self, body: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
        """(start, end, term) of every word of ``body`` whose analyzed form is in ``terms``."""
        found = []
        for match in _candidates(terms).finditer(body):
            word = match.group().lower()
            stems = self._stems.get(word)
            if stems is None:
                stems = tuple(token.text for token in self._analyzer(word))
                if len(self._stems) < 100_000:
                    self._stems[word] = stems
            hit = next((s for s in stems if s in terms), None)
            if hit is not None:
                found.append((match.start(), match.end(), hit))
        return found


@functools.lru_cache(maxsize=256)
def _candidates(terms: frozenset[str]) -> re.Pattern[str]:
    """Words that start like one of ``terms`` less its last letter (a stem such as
    ``happi`` or ``elect`` starts every word it was made from but for that letter)."""
    prefixes = sorted({t[:max(3, len(t) - 1)] for t in terms if t}, key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in prefixes) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*(?:\.?\w+)*", re.IGNORECASE)


def _best_fragments(body: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Up to :data:`SNIPPET_FRAGMENTS` spans of ``body``, in text order, that hold the most
    distinct terms (then the most matches)."""
    candidates = []
    for i, (first, _, _) in enumerate(matches):
        inside = [m for m in matches[i:] if m[1] - first <= SNIPPET_CHARS - 2 * CONTEXT_CHARS]
        last = inside[-1][1]
        start, end = _snap(body, first - CONTEXT_CHARS, last + CONTEXT_CHARS)
        candidates.append(((len({m[2] for m in inside}), len(inside), -first), start, end))
    chosen: list[tuple[int, int]] = []
    for _, start, end in sorted(candidates, reverse=True):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == SNIPPET_FRAGMENTS:
            break
    return sorted(chosen)


def _snap(body: str, start: int, end: int) -> tuple[int, int]:
    """``start`` and ``end`` moved inward to word boundaries, within ``body``."""
    start, end = max(0, start), min(len(body), end)
    if start > 0:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < end else start
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def _format(body: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    out, position = [], start
    for m_start, m_end, _ in matches:
        if m_start >= start and m_end <= end:
            out.append(html.escape(body[position:m_start], quote=False))
            out.append(f"<b>{html.escape(body[m_start:m_end], quote=False)}</b>")
            position = m_end
    out.append(html.escape(body[position:end], quote=False))
    return "".join(out)


def _one_line(snippet: str) -> str:
    """Paragraph breaks and runs of spaces as one space: a snippet is read as one line."""
    return " ".join(snippet.split())
