"""Enriched shards: every field of an export plus the mentions, as JSONL and Parquet.

An enriched record is the pivot of the pipeline (an article, its raw NER mentions and
its facets as the corpus decided them): :mod:`index.enrichment.load` writes a Whoosh document
from it without NER or a corpus pass. Each shard is written twice: JSON Lines, which
:func:`read_shards` reads back, and Parquet for analysts' tools (pyarrow, an optional
dependency of the ``dask`` extra). The entity table lists each facet value once: its
display form, its key, the spellings the articles wrote and how many documents carry it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.entities.normalize import Entities
from index.entities.spellings import Spellings
from index.errors import InputError
from index.ingest.records import Article
from index.ner.pipeline import Mention
from index.store.schema import Facet

SHARDS_DIR = "shards"
ENTITIES_FILE = "entities"
JSONL, PARQUET = ".jsonl", ".parquet"


@dataclass(frozen=True, slots=True)
class EnrichedRecord:
    """One article with its mentions, facets, model and content hash."""

    id: str
    title: str
    text: str
    path: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    truncated: bool = False
    entities: Entities = field(default_factory=Entities)
    mentions: tuple[Mention, ...] = ()
    model: str = ""
    digest: str = ""
    #: The keys of the corpus decisions the facets depend on (what an index keeps to update
    #: them, see :mod:`index.corpus.update`).
    lookups: tuple[str, ...] = ()

    @classmethod
    def of(cls, article: Article, entities: Entities, mentions: Iterable[Mention], *,
           model: str, digest: str, lookups: Iterable[str] = ()) -> EnrichedRecord:
        """The record of an article read from disk."""
        return cls(article.id, article.title, article.text, article.path, article.date,
                   article.source, article.url, article.language, article.truncated,
                   entities, tuple(mentions), model, digest, tuple(sorted(lookups)))

    def article(self) -> Article:
        """The article as read from disk."""
        return Article(self.id, self.title, self.text, self.path, self.date, self.url,
                       self.source, self.truncated, self.language)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the keys of ``newsfacet export --format jsonl`` (text included) plus
        ``mentions`` (``[text, label, offset]``), ``spellings`` (each facet value's raw
        spellings, see :meth:`Spellings.to_dict`), ``model``, ``truncated``, ``digest``
        and ``lookups``."""
        out: dict[str, Any] = {
            "id": self.id, "title": self.title, "path": self.path,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source, "url": self.url, "language": self.language,
        }
        for facet in Facet:
            out[facet.value] = list(self.entities.get(facet))
        out.update(text=self.text, mentions=[m.to_list() for m in self.mentions],
                   spellings=self.entities.spellings.to_dict(
                       {f: self.entities.get(f) for f in Facet}),
                   model=self.model, truncated=self.truncated, digest=self.digest,
                   lookups=list(self.lookups))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnrichedRecord:
        """Inverse of :meth:`to_dict`."""
        day = data.get("date")
        values: dict[str, tuple[str, ...]] = {f.value: tuple(data.get(f.value) or ())
                                              for f in Facet}
        return cls(
            id=str(data["id"]), title=str(data.get("title") or ""),
            text=str(data.get("text") or ""), path=str(data.get("path") or ""),
            date=dt.date.fromisoformat(day) if day else None,
            source=data.get("source"), url=data.get("url"), language=data.get("language"),
            truncated=bool(data.get("truncated", False)),
            entities=Entities(people=values["people"], organizations=values["organizations"],
                              places=values["places"], countries=values["countries"],
                              spellings=Spellings.from_dict(data.get("spellings"), values)),
            mentions=tuple(Mention.from_list(m) for m in data.get("mentions") or ()),
            model=str(data.get("model") or ""), digest=str(data.get("digest") or ""),
            lookups=tuple(str(k) for k in data.get("lookups") or ()))


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One facet value of the corpus: display form, key, spellings, documents."""

    facet: Facet
    display: str
    key: str
    variants: tuple[tuple[str, int], ...]
    documents: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form; ``variants`` as ``[[spelling, mentions]...]``, most written first."""
        return {"facet": self.facet.value, "display": self.display, "key": self.key,
                "variants": [list(v) for v in self.variants], "documents": self.documents}


@dataclass(slots=True)
class EntityTally:
    """Entity table counts of some documents; merged with ``+`` across partitions."""

    documents: Counter[tuple[str, str]] = field(default_factory=Counter)
    spellings: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)

    def __add__(self, other: EntityTally) -> EntityTally:
        out = EntityTally(self.documents + other.documents,
                          {k: Counter(v) for k, v in self.spellings.items()})
        for key, counts in other.spellings.items():
            out.spellings.setdefault(key, Counter()).update(counts)
        return out

    def note(self, facet: Facet, display: str, spellings: Counter[str]) -> None:
        """One document carries ``display``, written as ``spellings``."""
        self.documents[(facet.value, display)] += 1
        if spellings:
            self.spellings.setdefault((facet.value, display), Counter()).update(spellings)

    def rows(self, key_of: Any) -> list[EntityRow]:
        """The table, by facet then most documents then display form."""
        order = {f.value: i for i, f in enumerate(Facet)}
        ranked = sorted(self.documents.items(),
                        key=lambda item: (order[item[0][0]], -item[1], item[0][1]))
        return [EntityRow(Facet(facet), display, key_of(display),
                          tuple(sorted(self.spellings.get((facet, display), Counter()).items(),
                                       key=lambda s: (-s[1], s[0]))), count)
                for (facet, display), count in ranked]


def shard_name(number: int) -> str:
    """The file stem of shard ``number``."""
    return f"part-{number:05d}"


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write ``rows`` as JSON Lines, atomically (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
    os.replace(partial, path)


def write_parquet(path: Path, rows: list[dict[str, Any]], *, entities: bool = False) -> None:
    """Write enriched records' rows (:func:`parquet_rows`) or the entity table's
    (:func:`entity_parquet_rows`) as a Parquet file, atomically."""
    import pyarrow as pa  # optional dependency (the dask extra); slow to import
    import pyarrow.parquet as pq

    partial = path.with_name(path.name + ".partial")
    schema = _entity_schema(pa) if entities else _record_schema(pa)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), partial)
    os.replace(partial, path)


def _record_schema(pa: Any) -> Any:
    """Explicit column types, so an empty shard or one of undated articles has the same
    columns as the others."""
    columns = [("id", pa.string()), ("title", pa.string()), ("path", pa.string()),
               ("date", pa.string()), ("source", pa.string()), ("url", pa.string()),
               ("language", pa.string())]
    columns += [(f.value, pa.list_(pa.string())) for f in Facet]
    columns += [("text", pa.string()),
                ("mentions", pa.list_(pa.struct([("text", pa.string()),
                                                 ("label", pa.string()),
                                                 ("start", pa.int64())]))),
                ("model", pa.string()), ("truncated", pa.bool_()), ("digest", pa.string()),
                ("lookups", pa.list_(pa.string()))]
    return pa.schema(columns)


def _entity_schema(pa: Any) -> Any:
    return pa.schema([("facet", pa.string()), ("display", pa.string()), ("key", pa.string()),
                      ("variants", pa.list_(pa.struct([("spelling", pa.string()),
                                                       ("mentions", pa.int64())]))),
                      ("documents", pa.int64())])


def parquet_rows(records: Iterable[EnrichedRecord]) -> list[dict[str, Any]]:
    """Records as Parquet rows: mentions as structs, so SQL engines can read them."""
    rows = []
    for record in records:
        row = record.to_dict()
        # The spellings are for reading the shard back; the entity table lists them.
        row.pop("spellings")
        row["mentions"] = [{"text": m.text, "label": m.label, "start": m.start}
                           for m in record.mentions]
        rows.append(row)
    return rows


def entity_parquet_rows(rows: Iterable[EntityRow]) -> list[dict[str, Any]]:
    """Entity rows for Parquet: variants as a list of ``{spelling, mentions}`` structs."""
    return [{**row.to_dict(), "variants": [{"spelling": s, "mentions": n}
                                           for s, n in row.variants]} for row in rows]


def read_shards(folder: str | os.PathLike[str]) -> Iterator[EnrichedRecord]:
    """Every record of the JSONL shards of an enrichment's output folder, shard by shard.

    Raises:
        InputError: the folder holds no shards, or a shard line is not a record.
    """
    for path in shard_files(folder):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    yield EnrichedRecord.from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError, IndexError) as exc:
                    raise InputError(f"'{path}' line {number} is no enriched record "
                                     f"({type(exc).__name__}: {exc}); run newsfacet enrich "
                                     "again to rewrite the shards") from None


def shard_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The JSONL shards under ``folder`` (an enrichment output or its shards folder).

    Raises:
        InputError: there are none.
    """
    base = Path(folder)
    where = base / SHARDS_DIR if (base / SHARDS_DIR).is_dir() else base
    found = sorted(where.glob(f"part-*{JSONL}"))
    if not found:
        raise InputError(f"No enriched shards in '{folder}'. Write them first: newsfacet "
                         f"enrich ARTICLES... --out {folder}")
    return found
