"""The ``mentions`` field: each entity's token positions in the body, as a postings list.

A query that puts an entity near words (``person:Shoigu NEAR/10 "air strikes"``) reads
the entity's positions from this field and the words' positions from the body field, so
both must count tokens the same way: positions here are those of the body's analyzer
(stop words are not counted). One term per entity, ``facet:value`` with the value as the
facet field indexes it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

from whoosh.analysis import CompositeAnalyzer, StemFilter

from index.entities.spans import Span, entity_spans
from index.ner.pipeline import Mention
from index.store.analysis import text_analyzer
from index.store.schema import PAIR_SEPARATOR, TERM_SEPARATOR, Facet
from index.store.whoosh_types import WhooshAnalyzer

#: The body field's analyzer without its stemmer: the same tokens at the same positions,
#: for counting positions as the body field does, at a third of the cost (measured on BBC
#: News articles, where stemming was two thirds of this field's indexing time).
_ANALYZER = CompositeAnalyzer(*(item for item in text_analyzer().items
                                if not isinstance(item, StemFilter)))


def mentions_value(mentions: Sequence[Mention], entities: Mapping[str, Sequence[str]],
                   title: str, body: str) -> str:
    """The ``mentions`` field value of a document from its NER mentions (offsets in the
    title-and-body text NER read) and its canonical facet values by facet name."""
    values = {facet: entities.get(facet.value, ()) for facet in Facet}
    if not body or not any(values.values()):
        return ""
    spans = entity_spans(mentions, values)
    return encode_positions(spans, len(title) + 2, body, _ANALYZER)


def mention_term(facet: Facet | str, value: str) -> str:
    """The term of the ``mentions`` field for one entity."""
    return f"{getattr(facet, 'value', facet)}:{value}"


def body_positions(body: str, analyzer: WhooshAnalyzer) -> tuple[list[int], list[int]]:
    """Start characters of the body's indexed tokens and their positions, in text order."""
    starts, positions = [], []
    for token in analyzer(body, positions=True, chars=True, mode="index"):
        starts.append(token.startchar)
        positions.append(token.pos)
    return starts, positions


def encode_positions(spans: Iterable[Span], body_offset: int, body: str,
                     analyzer: WhooshAnalyzer) -> str:
    """The ``mentions`` field value of a document: each span's entity at the position of the
    first body token it covers. Spans before ``body_offset`` (in the title) are left out.

    Args:
        spans: entity spans, offsets in the text NER read.
        body_offset: where the body starts in that text.
        body: the body text, as the body field indexes it.
        analyzer: the body field's analyzer.
    """
    inside = [s for s in spans if s.start >= body_offset]
    if not inside:
        return ""
    starts, positions = body_positions(body, analyzer)
    placed: set[tuple[int, str]] = set()
    for span in inside:
        # A mention of stop words only ("US") is not indexed: it takes the next word's place.
        at = min(bisect.bisect_left(starts, span.start - body_offset), len(starts) - 1)
        if at >= 0:
            placed.add((positions[at], mention_term(span.facet, span.value)))
    # Whoosh keeps a term's positions as deltas: they must come in order.
    return TERM_SEPARATOR.join(f"{term}{PAIR_SEPARATOR}{pos}" for pos, term in sorted(placed))
