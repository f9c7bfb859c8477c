"""The ``mentions`` field: each entity's token positions in the body, as a postings list.

A query that puts an entity near words (``person:Shoigu NEAR/10 "air strikes"``) reads
the entity's positions from this field and the words' positions from the body field, so
both must count tokens the same way: positions here are those of the body's analyzer
(stop words are not counted). One term per entity, ``facet:value`` with the value as the
facet field indexes it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence

from index.entities.spans import Span, entity_spans
from index.ner.pipeline import Mention
from index.store.analysis import WORD_PATTERN
from index.store.schema import PAIR_SEPARATOR, TERM_SEPARATOR, Facet

#: The body field's words as its analyzer's tokenizer finds them. A word's position in the
#: field is its place in this sequence: the filters after the tokenizer fold, split and stem
#: a word at its own position and drop none. Finding them with the pattern alone costs a
#: small part of running the analyzer (no folding, splitting or stemming).
_WORDS = re.compile(WORD_PATTERN)


def mentions_value(mentions: Sequence[Mention], entities: Mapping[str, Sequence[str]],
                   title: str, body: str) -> str:
    """The ``mentions`` field value of a document from its NER mentions (offsets in the
    title-and-body text NER read) and its canonical facet values by facet name."""
    values = {facet: entities.get(facet.value, ()) for facet in Facet}
    if not body or not any(values.values()):
        return ""
    spans = entity_spans(mentions, values)
    return encode_positions(spans, len(title) + 2, body)


def mention_term(facet: Facet | str, value: str) -> str:
    """The term of the ``mentions`` field for one entity."""
    return f"{getattr(facet, 'value', facet)}:{value}"


def word_starts(body: str) -> list[int]:
    """The start character of each word of ``body``; a word's index in the list is its
    position in the body field."""
    return [match.start() for match in _WORDS.finditer(body)]


def encode_positions(spans: Iterable[Span], body_offset: int, body: str) -> str:
    """The ``mentions`` field value of a document: each span's entity at the position of the
    first body word it covers. Spans before ``body_offset`` (in the title) are left out.

    Args:
        spans: entity spans, offsets in the text NER read.
        body_offset: where the body starts in that text.
        body: the body text, as the body field indexes it.
    """
    inside = [s for s in spans if s.start >= body_offset]
    if not inside:
        return ""
    starts = word_starts(body)
    if not starts:
        return ""
    placed: set[tuple[int, str]] = set()
    for span in inside:
        # A mention that starts between words (a quote mark) takes the next word's place.
        at = min(bisect.bisect_left(starts, span.start - body_offset), len(starts) - 1)
        placed.add((at, mention_term(span.facet, span.value)))
    # Whoosh keeps a term's positions as deltas: they must come in order.
    return TERM_SEPARATOR.join(f"{term}{PAIR_SEPARATOR}{pos}" for pos, term in sorted(placed))
