"""A stored document as the corpus pass reads it, and written back with new facets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from index.entities.mentions import Tagged
from index.entities.normalize import Entities
from index.entities.rounds import ArticleInput
from index.ingest.records import joined_text
from index.ner.models import TEXT_ONLY
from index.store.positions import mentions_value
from index.store.record import StoredRecord
from index.store.schema import BODY, HASH, LOOKUPS, MENTIONS, RECORD, TITLE, Facet, encode_keys

#: Tagged mentions a run already computed, by id, with the content hash they belong to.
KnownTagged = Mapping[str, tuple[str, list[Tagged]]]


def article_of(fields: Mapping[str, Any], digest: str, known: KnownTagged) -> ArticleInput:
    """The corpus pass's input for a stored document (``known`` spares re-tagging)."""
    stored = StoredRecord.of(fields)
    text = joined_text(fields.get(TITLE, ""), fields.get(BODY, ""))
    kept = known.get(fields["id"])
    # An article no pipeline read (its language has none) gets no entities from the
    # corpus either: names found in English text say nothing of a Polish one.
    return ArticleInput.of(fields["id"], stored.mentions, text,
                           alone=stored.model == TEXT_ONLY,
                           tagged=kept[1] if kept and kept[0] == digest else None)


def stored_entities(fields: Mapping[str, Any]) -> Entities:
    """The facets a stored document has now."""
    return StoredRecord.of(fields).entities


#: The facet fields, which a rewritten document takes from its new entities.
_FACET_FIELDS = frozenset(f.value for f in Facet)


def rewritten(fields: Mapping[str, Any], digest: str, entities: Entities,
              lookups: Iterable[str], stored: StoredRecord | None = None) -> dict[str, Any]:
    """The document to write for stored ``fields`` with new facets and lookup keys;
    ``stored`` is the record of ``fields`` when the caller has read it already."""
    record = (stored or StoredRecord.of(fields)).with_entities(entities)
    doc = {name: value for name, value in fields.items()
           if name not in _FACET_FIELDS and value is not None}
    doc[RECORD] = record.to_dict()
    doc[HASH] = digest
    for facet in Facet:
        values = entities.get(facet)
        if values:
            doc[facet.value] = ",".join(values)
    placed = mentions_value(record.mentions, entities.to_dict(), fields.get(TITLE, ""),
                            fields.get(BODY, ""))
    if placed:
        doc[MENTIONS] = placed
    keys = encode_keys(lookups)
    if keys:
        doc[LOOKUPS] = keys
    return doc
