"""The full corpus pass: every stored article, round by round, in bounded memory.

The articles are read from the index once and spilled to an unlinked temporary file in
the index folder; each round then streams them back, so memory holds the round's summed
counts and one article, never the corpus. The last stream writes every document with its
facets and lookup keys into new segments that replace all the others in one commit.
"""

from __future__ import annotations

import pickle
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from whoosh.writing import CLEAR

from index.corpus.documents import KnownTagged, article_of, rewritten
from index.entities.display import DisplayCounts
from index.entities.lookups import recording
from index.entities.rounds import (
    DISPLAY,
    LEXICON,
    TEXT,
    VIEW,
    CorpusStats,
    Decisions,
    article_counts,
    canonical_entities,
    decide,
)
from index.store import folder as store
from index.store.parallel import bulk_writer
from index.store.record import StoredRecord
from index.store.segment_postings import SEGMENT_CACHE

_LENGTH = struct.Struct("<Q")
#: Memory the rewriting writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128


@dataclass(frozen=True, slots=True)
class PassResult:
    """What a corpus pass did: documents read, documents whose facets changed, and the
    statistics and decisions it left."""

    documents: int
    changed: int
    stats: CorpusStats
    decisions: Decisions


def full_pass(ix: Any, folder: Path, decisions: Decisions, known: KnownTagged) -> PassResult:
    """Decide everything from the stored articles and rewrite every document.

    ``decisions`` holds the alias table to apply; ``known`` the tagged mentions the run
    already computed. The caller holds the write lock.
    """
    fingerprints = store.indexed_fingerprints(ix, folder / SEGMENT_CACHE)
    stats = CorpusStats()
    # A multi-process writer forks its sub-writers first, while this process is small.
    writer: Any = bulk_writer(ix, ix.doc_count(), WRITER_MEMORY_MB)
    try:
        with _spill(folder) as read, _spill(folder) as articles, _spill(folder) as canonical:
            count = 0
            with ix.searcher() as searcher:
                for _, fields in searcher.reader().iter_docs():
                    digest = fingerprints.get(fields["id"], ("", ""))[0]
                    article = article_of(fields, digest, known)
                    stats.text.add(article_counts(TEXT, article, decisions))
                    _put(read, (fields, digest, article))
                    count += 1
            decisions = decide(TEXT, stats.text, decisions)
            # The rules are decided: each article is spilled again with what they make of
            # it, which every later round asks for.
            for fields, digest, article in _items(read):
                stats.view.add(article_counts(VIEW, article, decisions))
                _put(articles, (fields, digest, article))
            read.truncate(0)
            decisions = decide(VIEW, stats.view, decisions)
            for _, _, article in _items(articles):
                stats.lexicon.add(article_counts(LEXICON, article, decisions))
            decisions = decide(LEXICON, stats.lexicon, decisions)
            for _, _, article in _items(articles):
                with recording() as keys:
                    entities = canonical_entities(article, decisions)
                stats.display.add(DisplayCounts.of(entities))
                _put(canonical, (entities, keys))
            decisions = decide(DISPLAY, stats.display, decisions)
            changed = 0
            for (fields, digest, _), (entities, keys) in zip(
                    _items(articles), _items(canonical), strict=True):
                final = decisions.display.apply(entities)
                stored = StoredRecord.of(fields)
                changed += final != stored.entities
                writer.add_document(**rewritten(fields, digest, final, keys, stored))
        writer.commit(mergetype=CLEAR)
        writer = None
    finally:
        if writer is not None:
            writer.cancel()
    return PassResult(count, changed, stats, decisions)


def _spill(folder: Path) -> Any:
    # Unlinked at once: nothing is left behind whatever happens to the process.
    return tempfile.TemporaryFile(dir=folder, prefix=".corpus-")


def _put(handle: IO[bytes], item: object) -> None:
    data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
    handle.write(_LENGTH.pack(len(data)))
    handle.write(data)


def _items(handle: IO[bytes]) -> Iterator[Any]:
    """Every item written to ``handle``, from the start (the handle is left at its end)."""
    end = handle.seek(0, 2)
    position = handle.seek(0)
    while position < end:
        (size,) = _LENGTH.unpack(handle.read(_LENGTH.size))
        # The spill was written by this process a moment ago: it is no outside input.
        yield pickle.loads(handle.read(size))  # noqa: S301
        position += _LENGTH.size + size
    handle.seek(end)
