"""Re-derive every facet of an index from its stored mentions, without running NER.

Each document keeps its raw NER mentions in its stored record. This module reads them all,
applies the mention rules, the corpus-wide view (:mod:`index.entities.corpus`) and the user's alias
table, and rewrites the documents whose facets changed. ``build_index`` runs the same pass
at the end of every run that changed the index, so an index run and a renormalisation give
the same facets.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.writing import CLEAR

from index.entities.aliases import Aliases, load_aliases, read_stored, write_stored
from index.entities.mentions import Tagged, tag_mentions
from index.entities.normalize import Entities
from index.entities.rounds import ArticleInput, corpus_entities
from index.errors import IndexWriteError
from index.ingest.records import joined_text
from index.ner.models import TEXT_ONLY
from index.ner.pipeline import Mention
from index.store import folder as store
from index.store.columns import refresh_columns
from index.store.parallel import SubWriterLost, bulk_writer
from index.store.positions import mentions_value
from index.store.record import StoredRecord
from index.store.schema import BODY, HASH, MENTIONS, RECORD, TITLE, Facet

#: Documents rewritten between two commits.
COMMIT_EVERY = 2_000
#: Memory the rewriting writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128

AliasSource = Aliases | str | os.PathLike[str] | None


@dataclass(frozen=True, slots=True)
class RenormalizeReport:
    """What a renormalisation did: documents read, documents whose facets changed, time."""

    index_dir: str
    documents: int
    changed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"index": self.index_dir, "documents": self.documents, "changed": self.changed,
                "seconds": round(self.seconds, 3)}


def renormalize(index_dir: str | os.PathLike[str], *, aliases: AliasSource = None
                ) -> RenormalizeReport:
    """Re-derive every document's facets from its stored mentions.

    Args:
        index_dir: an existing index.
        aliases: an alias table or the path of an alias file; it replaces the table stored
            in the index. ``None`` keeps the stored table.

    Raises:
        IndexNotFoundError: there is no index at ``index_dir``.
        IndexVersionError: the index has another schema version.
        IndexLockedError: another process is writing to this index.
        InputError, InvalidValueError: the alias file cannot be read or is malformed.
    """
    started = time.perf_counter()
    folder = Path(index_dir)
    ix = store.open_index(folder)
    table = resolve_aliases(folder, aliases)  # a bad alias file fails before the lock
    with store.write_lock(folder):
        documents, changed = refresh_facets(ix, folder, table)
        try:
            refresh_columns(ix, folder)
        except OSError as exc:
            raise store.write_error(folder, exc) from None
    return RenormalizeReport(str(folder), documents, changed, time.perf_counter() - started)


def resolve_aliases(folder: Path, aliases: AliasSource) -> Aliases:
    """The alias table to use: the one given (loaded when a path), else the stored one."""
    if aliases is None:
        return read_stored(folder)
    return aliases if isinstance(aliases, Aliases) else load_aliases(aliases)


def refresh_facets(ix: Any, folder: Path, aliases: Aliases, *, rewrite_all: bool = False,
                   tagged: Mapping[str, tuple[str, list[Tagged]]] | None = None
                   ) -> tuple[int, int]:
    """The corpus pass over an open index whose write lock the caller holds.

    Stores ``aliases`` in the index and returns ``(documents read, documents whose facets
    changed)``. Changed documents are rewritten; with ``rewrite_all``, every document is
    written again (one process per core, see :func:`index.store.parallel.bulk_writer`) into new
    segments that replace all the others in a single commit, which costs less than
    rewriting the changed ones and then merging (a fresh build takes this path).
    ``tagged`` holds documents' tagged mentions already computed, by id, with the content
    hash they were computed for.
    """
    known = tagged or {}
    # A multi-process writer forks its sub-writers first, while this process is small.
    writer: Any = bulk_writer(ix, ix.doc_count(), WRITER_MEMORY_MB) if rewrite_all else None
    try:
        items, fresh = _derive(ix, aliases, known)
        changed = 0
        for (fields, digest), entities in zip(items, fresh, strict=True):
            stored = StoredRecord.of(fields)
            same = stored.entities == entities
            changed += not same
            if same and not rewrite_all:
                continue
            record = stored.with_entities(entities)
            if rewrite_all:
                writer.add_document(**_document(fields, digest, record, entities))
                continue
            if writer is None:
                writer = ix.writer(limitmb=WRITER_MEMORY_MB)
            writer.update_document(**_document(fields, digest, record, entities))
            if changed % COMMIT_EVERY == 0:
                writer.commit()
                writer = None
        if writer is not None:
            if rewrite_all:
                writer.commit(mergetype=CLEAR)
            else:
                writer.commit()
            writer = None
    except SubWriterLost as exc:
        raise IndexWriteError(f"Cannot write the index at '{folder}': {exc}; the index holds "
                              "what was last committed; run the same command again") from None
    except OSError as exc:
        raise store.write_error(folder, exc) from None
    finally:
        if writer is not None:
            writer.cancel()
    write_stored(folder, aliases)
    store.clear_facets_stale(folder)
    return len(items), changed


def _derive(ix: Any, aliases: Aliases, known: Mapping[str, tuple[str, list[Tagged]]]
            ) -> tuple[list[tuple[dict[str, Any], str]], list[Entities]]:
    """Every stored document with its content hash, and its facets as the corpus sees them."""
    fingerprints = store.indexed_fingerprints(ix)
    items: list[tuple[dict[str, Any], str]] = []
    inputs: list[tuple[list[Mention], str, list[Tagged], bool]] = []
    with ix.searcher() as searcher:
        for _, fields in searcher.reader().iter_docs():
            digest = fingerprints.get(fields["id"], ("", ""))[0]
            stored = StoredRecord.of(fields)
            mentions = list(stored.mentions)
            text = joined_text(fields.get(TITLE, ""), fields.get(BODY, ""))
            kept = known.get(fields["id"])
            items.append((fields, digest))
            inputs.append((mentions, text, kept[1] if kept and kept[0] == digest
                           else tag_mentions(mentions, text), stored.model == TEXT_ONLY))
    # An article no pipeline read (its language has none) gets no entities from the
    # corpus either: names found in English text say nothing of a Polish one.
    articles = [ArticleInput.of(fields["id"], m, text, alone=alone, tagged=tagged)
                for (fields, _), (m, text, tagged, alone) in zip(items, inputs, strict=True)]
    fresh, _ = corpus_entities(articles, aliases)
    return items, fresh


def _document(fields: dict[str, Any], digest: str, record: StoredRecord,
              entities: Entities) -> dict[str, Any]:
    doc = {name: value for name, value in fields.items()
           if name not in {f.value for f in Facet} and value is not None}
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
    return doc
