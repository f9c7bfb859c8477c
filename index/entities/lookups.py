"""Which corpus decisions one article's facets depend on.

Every question the corpus pass asks of the whole corpus about a name or a word goes
through :func:`note` with the key it asks about (``"blair"``, ``"tony blair"``). While an
article is normalised inside :func:`recording`, those keys are collected; the index keeps
them with the document (the ``lookups`` field). When an update changes what the corpus
decides about some keys, the documents to normalise again are exactly those that asked
about them: an article's processing can only differ where one of its questions gets
another answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

#: Asked by an article that looked for names NER missed: whether the corpus has any
#: lexicon or acronym at all (the search is skipped when it has none).
ANY_LEXICON = "\x00lexicon"
_keys: set[str] | None = None


def note(key: str) -> None:
    """Record that the article being normalised asked the corpus about ``key``."""
    if _keys is not None:
        _keys.add(key)


def note_all(keys: Iterable[str]) -> None:
    """Record that the article being normalised asked about each of ``keys`` (asked
    before, in work done once and kept)."""
    if _keys is not None:
        _keys.update(keys)


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the keys :func:`note` receives inside the block (not nested, one thread)."""
    global _keys
    outer, _keys = _keys, set()
    try:
        yield _keys
    finally:
        _keys = outer

