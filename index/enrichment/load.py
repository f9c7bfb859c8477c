"""An index from enriched shards: documents written once, facets as the shards say.

No NER and no corpus pass run: the shards carry each article's mentions, the facets the
enrichment's corpus pass decided and the keys of the decisions they depend on, so loading
is reading JSON and writing Whoosh. The alias table and the corpus statistics the
enrichment left are stored in the index, so a later incremental run updates the facets
from them (:mod:`index.corpus.update`) as it would after ``newsfacet index``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from whoosh.writing import CLEAR

from index.build import IndexReport
from index.corpus import state as corpus_state
from index.enrichment.run import STATE_GENERATION, read_manifest
from index.enrichment.shards import EnrichedRecord, read_shards, shard_files
from index.entities.aliases import Aliases, write_stored
from index.errors import InputError
from index.store import folder as store
from index.store.columns import refresh_columns
from index.store.parallel import bulk_writer
from index.store.positions import mentions_value
from index.store.record import StoredRecord
from index.store.schema import (
    BODY,
    DATE,
    HASH,
    ID,
    LANGUAGE,
    LOOKUPS,
    MENTIONS,
    PATH,
    RECORD,
    SCHEMA_VERSION,
    SOURCE,
    TITLE,
    URL,
    Facet,
    encode_keys,
)

#: Memory the writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128


def index_enriched(enriched: str | os.PathLike[str], index_dir: str | os.PathLike[str], *,
                   rebuild: bool = False, wait: bool = False) -> IndexReport:
    """Build the index at ``index_dir`` from the shards of ``newsfacet enrich``'s output.

    Args:
        enriched: the output folder of an enrichment.
        index_dir: the index to write; it must be new or empty unless ``rebuild``.
        rebuild: replace an index that holds documents.
        wait: when another process is writing the index, wait for it.

    Raises:
        InputError: no enrichment at ``enriched``, a shard is damaged, or the index holds
            documents and ``rebuild`` is off.
        IndexLockedError, IndexWriteError: as for :func:`index.build.build_index`.
    """
    started = time.perf_counter()
    source = Path(enriched)
    manifest = read_manifest(source)
    files = shard_files(source)
    folder = Path(index_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise store.write_error(folder, exc) from None
    with store.write_lock(folder, wait=wait):
        if not rebuild and store.index_exists(folder):
            held = store.open_index(folder).doc_count()
            if held:
                raise InputError(f"The index at '{folder}' already holds {held} documents; "
                                 "an index from enriched shards starts empty: add --rebuild "
                                 "or choose another --index")
        ix = store.create_or_open(folder, rebuild=True)
        expected = sum(_lines(path) for path in files)
        writer: Any = bulk_writer(ix, expected, WRITER_MEMORY_MB)
        seen: set[str] = set()
        try:
            for record in read_shards(source):
                if record.id in seen:
                    raise InputError(f"Document id {record.id!r} is in two shards of "
                                     f"'{source}'; run newsfacet enrich again")
                seen.add(record.id)
                writer.add_document(**document_of(record))
            writer.commit(mergetype=CLEAR)
            writer = None
            aliases = Aliases.from_dict(manifest.get("aliases") or {})
            kept = corpus_state.load(source, STATE_GENERATION, aliases)
            if kept is not None:
                corpus_state.save(folder, ix.latest_generation(), kept.stats, kept.decisions)
            else:  # an output of an older newsfacet: the next index run does the full pass
                corpus_state.forget(folder)
            write_stored(folder, aliases)
            store.clear_facets_stale(folder)
            refresh_columns(ix, folder)
            store.write_meta(folder, store.IndexMeta(
                SCHEMA_VERSION, str(manifest.get("model") or "") or None,
                tuple(str(r) for r in manifest.get("roots") or ())))
        except OSError as exc:
            raise store.write_error(folder, exc) from None
        finally:
            if writer is not None:
                writer.cancel()
    return IndexReport(str(folder), len(seen), 0, 0, 0, 0, time.perf_counter() - started,
                       model=str(manifest.get("model") or ""), added=tuple(seen))


def document_of(record: EnrichedRecord) -> dict[str, Any]:
    """The index document of an enriched record (as an index run writes it)."""
    stored = StoredRecord(record.mentions, record.entities, record.model, record.truncated)
    doc: dict[str, Any] = {ID: record.id, TITLE: record.title, BODY: record.text,
                           PATH: record.path, HASH: record.digest, RECORD: stored.to_dict()}
    if record.date:
        doc[DATE] = dt.datetime.combine(record.date, dt.time())
    for name, value in ((SOURCE, record.source), (URL, record.url),
                        (LANGUAGE, record.language)):
        if value:
            doc[name] = value
    for facet in Facet:
        values = record.entities.get(facet)
        if values:
            doc[facet.value] = ",".join(values)
    placed = mentions_value(record.mentions, record.entities.to_dict(), record.title,
                            record.text)
    if placed:
        doc[MENTIONS] = placed
    keys = encode_keys(record.lookups)
    if keys:
        doc[LOOKUPS] = keys
    return doc


def _lines(path: Path) -> int:
    with path.open("rb") as data:
        return sum(1 for _ in data)
