""""Did you mean": spelling suggestions for query words and entity values.

A word gets a suggestion when no article contains it, or when it is rare and a close word
is far more common (``goverment`` in 10 articles, ``government`` in 5,000): misspellings
occur in articles too. Only plain words are corrected, keeping their case: never a word in
capitals (an acronym: ``NATO``), a word joined by a hyphen or dot (``Jong-un``), a short word
that some article contains (``Kim``), nor anything with query syntax (wildcards, boosts,
fields, operators). An entity value gets one when it names no entity of the index: the
closest value of its facet, or the same name in another facet (``--country Moscow`` ->
``--place Moscow``).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process
from whoosh import query as wq

from index import (
    BODY,
    TITLE,
    BodyTerms,
    Facet,
    WhooshAnalyzer,
    WhooshReader,
    WhooshSearcher,
    name_key,
)
from search.counting.facets import FacetColumn
from search.results import Suggestion

#: How alike (0..1: twice the letters in common over the letters of both, as
#: ``rapidfuzz.fuzz.ratio`` / 100) a known value must be to be suggested.
MIN_SIMILARITY = 0.75
#: A word found in some articles is still corrected when a close word is in this many
#: times more.
MORE_COMMON = 10
#: A word found in some articles is corrected only when it has this many letters and the
#: correction is at least this alike: short words and names are rare, not wrong.
MIN_LETTERS_FOUND = 5
MIN_SIMILARITY_FOUND = 0.85
# A token of the query: everything between spaces, brackets and quotes. Only tokens that
# are letters alone are corrected; any other character is syntax or a joined word.
_TOKEN = re.compile(r'[^\s()"\[\]{}]+')
_LETTERS = re.compile(r"[^\W\d_]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "NEAR"})


def entity_suggestion(facet: Facet, value: str, column: FacetColumn) -> Suggestion | None:
    """The known value of ``facet`` closest to ``value``, if any is close enough; of
    equally close values, the one in most articles."""
    found = process.extract(name_key(value), column.keys, scorer=fuzz.ratio,
                            score_cutoff=MIN_SIMILARITY * 100, limit=_CANDIDATES)
    if not found:
        return None
    # Each match is (key, score, entity id): the keys are a sequence, numbered by entity.
    entity = max(found, key=lambda m: (m[1], column.doc_freq[m[2]]))[2]
    return Suggestion(facet.value, value, column.values[entity])


class Lexicon:
    """The body field's terms with their document counts (:class:`BodyTerms`, written
    with each commit)."""

    def __init__(self, body: BodyTerms) -> None:
        self._body = body

    def near(self, stem: str, at_least: int) -> list[tuple[str, int]]:
        """Terms spelled like ``stem`` (same first letter, close length and letters) found
        in at least ``at_least`` documents, closest first."""
        if not stem[:1].isalpha():
            return []
        start, end = self._body.starting(stem[:1])
        freqs = self._body.doc_freq[start:end]
        pool = [(t, int(n)) for t, n in zip(self._body.terms[start:end], freqs.tolist(),
                                            strict=True)
                if n >= at_least and t != stem and abs(len(t) - len(stem)) <= 2]
        if not pool:
            return []
        scores = _likeness(stem, [t for t, _ in pool])
        best = sorted(zip(scores.tolist(), (n for _, n in pool), (t for t, _ in pool),
                          strict=True), reverse=True)[:_CANDIDATES]
        return [(t, n) for ratio, n, t in best if ratio >= MIN_SIMILARITY]


_CANDIDATES = 8


def _likeness(word: str, stems: list[str]) -> np.ndarray:
    """How alike (0..1) a word is to each stem, a stem being the start of the words it
    stands for (``minster`` is like ``minist``, of ``minister``)."""
    whole = process.cdist([word], stems, scorer=fuzz.ratio)[0]
    starts = process.cpdist([word[:len(stem)] for stem in stems], stems, scorer=fuzz.ratio)
    similarity: np.ndarray = np.maximum(whole, starts) / 100
    return similarity


def text_suggestion(text: str, searcher: WhooshSearcher, lexicon: Lexicon) -> Suggestion | None:
    """``text`` with each plain word that no title or body contains, or that a close word
    outnumbers :data:`MORE_COMMON` times, replaced by that word in the same case; ``None``
    when there is nothing to correct.

    Indexed terms are stems (``goverment`` is indexed as ``gover``), so candidates are
    found among stems and judged by how they are written in an article (``government``).
    """
    reader = searcher.reader()
    analyzer = searcher.schema[BODY].analyzer
    corrected, changed, position = [], False, 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        replacement = word
        if _correctable(word):
            terms = [t.text for t in analyzer(word, mode="query")]
            if len(terms) == 1:
                replacement = _best(word, terms[0], reader, searcher, analyzer, lexicon)
        changed = changed or replacement != word
        corrected.append(text[position:match.start()] + replacement)
        position = match.end()
    corrected.append(text[position:])
    return Suggestion("text", text, "".join(corrected)) if changed else None


def _correctable(word: str) -> bool:
    """A plain word in lower or title case that is no operator."""
    return bool(_LETTERS.fullmatch(word)) and word not in _OPERATORS and not (
        word.isupper() and len(word) > 1)


def _best(word: str, term: str, reader: WhooshReader, searcher: WhooshSearcher,
          analyzer: WhooshAnalyzer, lexicon: Lexicon) -> str:
    """The correction of one word, or the word itself."""
    seen = max(reader.doc_frequency(name, term) for name in (BODY, TITLE))
    if seen and len(word) < MIN_LETTERS_FOUND:
        return word
    floor = MIN_SIMILARITY_FOUND if seen else MIN_SIMILARITY
    best, replacement = 0.0, word
    for stem, count in lexicon.near(term, max(1, MORE_COMMON * seen)):
        surface = _surface(searcher, analyzer, stem) or stem
        ratio = fuzz.ratio(word.lower(), surface) / 100
        # Between equally close words, the more common one is the likelier fix.
        score = ratio + 0.02 * math.log10(count)
        if score > best and ratio >= floor:
            best, replacement = score, surface
    if replacement == word:
        return word
    return replacement.capitalize() if word[:1].isupper() else replacement


def _surface(searcher: WhooshSearcher, analyzer: WhooshAnalyzer, stem: str) -> str | None:
    """A word as written in an article whose analyzed form is ``stem`` (indexed terms are
    stems, ``govern``; a user expects ``government``)."""
    prefix = re.compile(rf"(?<!\w){re.escape(stem[:max(3, len(stem) - 1)])}\w*", re.IGNORECASE)
    forms: Counter[str] = Counter()
    for docnum in searcher.docs_for_query(wq.Term(BODY, stem)):
        body = searcher.stored_fields(docnum).get(BODY, "")
        forms.update(found.group().lower() for found in prefix.finditer(body)
                     if [t.text for t in analyzer(found.group(), mode="query")] == [stem])
        break
    if not forms:
        return None
    # The form used most in that article, the shortest of equals (election, not elections).
    return min(forms, key=lambda form: (-forms[form], len(form), form))
