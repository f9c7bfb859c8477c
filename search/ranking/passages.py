"""The passage a NEAR clause matched, in characters, for a snippet centred on it.

The match is known in token positions (the entity's and the words'); the body is
analysed again, only for the hits shown, to turn them into characters, and the stored NER
mentions give the entity's whole name to mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from index import BODY, TITLE, StoredRecord, WhooshAnalyzer


@dataclass(frozen=True, slots=True)
class Passage:
    """Characters of the body: the whole passage (``focus``) and the entity's name."""

    focus: tuple[int, int]
    entity: tuple[int, int]


def near_passage(fields: Mapping[str, Any], analyzer: WhooshAnalyzer, entity_pos: int,
                 word_pos: int, words: int) -> Passage | None:
    """The passage of a stored document where the entity at token ``entity_pos`` is near
    the ``words`` words starting at ``word_pos``; ``None`` if the positions are not found
    (the document changed since it was ranked)."""
    body = fields.get(BODY, "")
    spans: dict[int, tuple[int, int]] = {}
    last = max(entity_pos, word_pos + words - 1)
    for token in analyzer(body, positions=True, chars=True, mode="index"):
        if token.pos > last:
            break
        spans.setdefault(token.pos, (token.startchar, token.endchar))
    wanted = (entity_pos, word_pos, word_pos + words - 1)
    if any(p not in spans for p in wanted):
        return None
    entity = spans[entity_pos]
    offset = len(fields.get(TITLE, "")) + 2  # mentions count from the title NER read first
    for mention in StoredRecord.of(fields).mentions:
        begin = mention.start - offset
        if begin <= entity[0] < begin + len(mention.text):
            entity = (begin, begin + len(mention.text))
            break
    chars = [entity[0], entity[1], spans[word_pos][0], spans[word_pos + words - 1][1]]
    return Passage((min(chars), max(chars)), entity)
