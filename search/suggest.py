""""Did you mean": spelling suggestions for query words and entity values that match nothing."""

from __future__ import annotations

import difflib
import re
from typing import Any

from index import Facet
from index.normalize import name_key
from index.schema import BODY, TITLE
from search.facets import FacetColumn
from search.results import Suggestion

#: How alike (0..1, difflib ratio on matching keys) a known value must be to be suggested.
MIN_SIMILARITY = 0.75
_WORD = re.compile(r"(?<![\w:])([^\W\d_][\w']*)(?![\w:])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def entity_suggestion(facet: Facet, value: str, column: FacetColumn) -> Suggestion | None:
    """The known value of ``facet`` closest to ``value``, if any is close enough."""
    key = name_key(value)
    found = difflib.get_close_matches(key, column.key_ids, n=1, cutoff=MIN_SIMILARITY)
    if not found:
        return None
    return Suggestion(facet.value, value, column.values[column.key_ids[found[0]]])


def text_suggestion(text: str, searcher: Any) -> Suggestion | None:
    """``text`` with each word that no title or body contains replaced by the closest
    indexed word, or ``None`` when every word is known or none has a close match."""
    reader = searcher.reader()
    analyzer = searcher.schema[BODY].analyzer
    corrected, changed, position = [], False, 0
    for match in _WORD.finditer(text):
        word = match.group(1)
        terms = [t.text for t in analyzer(word)]
        replacement = word
        if word not in _OPERATORS and len(terms) == 1 and not any(
                reader.doc_frequency(name, terms[0]) for name in (BODY, TITLE)):
            found = searcher.suggest(BODY, terms[0], limit=1, maxdist=2)
            if found:
                replacement = _surface(searcher, analyzer, found[0]) or found[0]
                changed = True
        corrected.append(text[position:match.start(1)] + replacement)
        position = match.end(1)
    corrected.append(text[position:])
    return Suggestion("text", text, "".join(corrected)) if changed else None


def _surface(searcher: Any, analyzer: Any, stem: str) -> str | None:
    """A word as written in an article whose analyzed form is ``stem`` (indexed terms are
    stems, ``govern``; a user expects ``government``)."""
    from whoosh import query as wq

    docs = searcher.docs_for_query(wq.Term(BODY, stem))
    for docnum in docs:
        body = searcher.stored_fields(docnum).get(BODY, "")
        for token in analyzer(body, chars=True, removestops=False):
            if token.text == stem:
                return str(body[token.startchar:token.endchar]).lower()
        break
    return None
