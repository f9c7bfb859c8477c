"""Snippets: the best passages of a body with the query's terms in ``<b>…</b>``.

Highlighting runs on the stored text with the field's own analyzer, so a stemmed query
term (``elect``) marks every form of the word (``election``, ``elected``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from whoosh import highlight
from whoosh import query as wq

#: Longest snippet fragment, in characters.
SNIPPET_CHARS = 240
#: Fragments joined into one snippet.
SNIPPET_FRAGMENTS = 2
_SURROUND = 60


class BoldFormatter(highlight.Formatter):
    """HTML-escaped fragments with matched terms in plain ``<b>…</b>``."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<b>{html.escape(highlight.get_text(text, token, replace))}</b>"

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)


def query_terms(query: wq.Query, reader: Any, fields: Iterable[str]) -> frozenset[str]:
    """The indexed terms of ``query`` in ``fields``, wildcards expanded against ``reader``."""
    wanted = set(fields)
    try:
        found = query.existing_terms(reader, phrases=True, expand=True)
    except Exception:  # noqa: BLE001 - a query type without terms just highlights nothing
        return frozenset()
    return frozenset(t.decode("utf-8") if isinstance(t, bytes) else str(t)
                     for name, t in found if name in wanted)


def lead(body: str) -> str:
    """The start of ``body``, cut at a word, as a plain snippet."""
    if len(body) <= SNIPPET_CHARS:
        return body
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS] + " …"


class Snippets:
    """Makes snippets for one field's analyzer."""

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer
        self._fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SURROUND)
        self._formatter = BoldFormatter()

    def make(self, body: str, terms: frozenset[str]) -> str:
        """Escaped HTML: the best fragments with ``terms`` in bold, else the lead."""
        if terms and body:
            found = highlight.highlight(body, terms, self._analyzer, self._fragmenter,
                                        self._formatter, top=SNIPPET_FRAGMENTS)
            if found:
                return str(found)
        return html.escape(lead(body), quote=False)
