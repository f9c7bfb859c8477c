"""What each index document keeps beside its text: the stored record.

The record is the pivot of the pipeline: the raw NER mentions (so facets can be derived
again without the model), the entities they became with the spellings each entity was
written as (:mod:`index.entities.spellings`), the model that found them and whether the
text was cut at the length limit. It is stored as a plain dict of JSON-ready
values in the ``record`` field; :class:`StoredRecord` is the one place that writes and
reads that dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from index.entities.normalize import Entities
from index.entities.spellings import Spellings
from index.ner.pipeline import Mention
from index.store.schema import RECORD, Facet

#: The facets' field names, read once: every page of hits reads a record per hit.
_FACETS = tuple(f.value for f in Facet)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One document's raw mentions, entities (with their spellings), model and truncation
    flag."""

    mentions: tuple[Mention, ...] = ()
    entities: Entities = field(default_factory=Entities)
    model: str = ""
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The stored form: ``{"mentions": [[text, label, start]...], "entities": {...},
        "spellings": {...}, "model": ..., "truncated": ...}`` (spellings as
        :meth:`Spellings.to_dict` writes them, in the order of the entities)."""
        return {"mentions": [m.to_list() for m in self.mentions],
                "entities": self.entities.to_dict(),
                "spellings": self.entities.spellings.to_dict(
                    {f: self.entities.get(f) for f in Facet}),
                "model": self.model, "truncated": self.truncated}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, mentions: bool = True,
                  spellings: bool = True) -> StoredRecord:
        """Inverse of :meth:`to_dict`; missing keys (older indexes) take their defaults.

        ``mentions=False`` leaves the mentions out: a page of hits needs only the entities,
        and reading a document's mentions costs more than the rest of its record.
        ``spellings=False`` leaves the entities' spellings out, for the same reason.
        """
        if not data:
            return cls()
        entities = data.get("entities") or {}
        values = {name: tuple(entities.get(name) or ()) for name in _FACETS}
        return cls(
            mentions=tuple(Mention.from_list(m) for m in data.get("mentions") or ())
            if mentions else (),
            entities=Entities(
                people=values["people"], organizations=values["organizations"],
                places=values["places"], countries=values["countries"],
                spellings=Spellings.from_dict(data.get("spellings"), values)
                if spellings else Spellings()),
            model=str(data.get("model") or ""),
            truncated=bool(data.get("truncated", False)),
        )

    @classmethod
    def of(cls, fields: Mapping[str, Any], *, mentions: bool = True, spellings: bool = True
           ) -> StoredRecord:
        """The record of a document's stored fields (without its mentions or spellings if
        not wanted)."""
        return cls.from_dict(fields.get(RECORD), mentions=mentions, spellings=spellings)

    def with_entities(self, entities: Entities) -> StoredRecord:
        """The same record with other entities."""
        return replace(self, entities=entities)
