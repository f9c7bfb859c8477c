"""The mentions checkpoint of a partition: what NER found in each of its articles.

One JSON Lines file per partition, ``mentions/<partition key>.jsonl``, written atomically
when the partition's NER is done, so a re-run finds it whole or not at all and skips the
partitions that have one. The first line is a header; then one line per article (its
fields, the pipeline that read it, the NER cache key and the mentions) or per read
problem, in reading order. The NER cache key is :func:`index.ner.cache.ner_key`'s, so
``newsfacet cache import`` fills the NER cache from checkpoints.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import CacheError, InputError
from index.ingest.records import Article, ProblemKind, ReadProblem
from index.ner.cache import CACHE_FILE, NerCache
from index.ner.models import TEXT_ONLY
from index.ner.pipeline import Mention, MentionTuple

MENTIONS_DIR = "mentions"
FORMAT = "newsfacet-mentions"
VERSION = 1


@dataclass(frozen=True, slots=True)
class NerRecord:
    """One article of a checkpoint: its fields, pipeline key, NER cache key, mentions.

    ``seq`` is the article's place in its partition. ``model`` is
    :data:`~index.ner.models.TEXT_ONLY` (and ``ner_key`` empty) when no pipeline reads
    the article's language.
    """

    seq: int
    article: Article
    model: str
    ner_key: str
    mentions: tuple[Mention, ...]
    #: The content hash an index run gives the article (:func:`index.build.content_hash`,
    #: of the article as read, before its language is detected).
    digest: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the line."""
        a = self.article
        return {"seq": self.seq, "id": a.id, "title": a.title, "text": a.text, "path": a.path,
                "date": a.date.isoformat() if a.date else None, "url": a.url,
                "source": a.source, "truncated": a.truncated, "language": a.language,
                "model": self.model, "ner_key": self.ner_key,
                "mentions": [m.to_list() for m in self.mentions], "digest": self.digest}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NerRecord:
        """Inverse of :meth:`to_dict`."""
        day = data.get("date")
        article = Article(str(data["id"]), str(data["title"]), str(data["text"]),
                          str(data["path"]), dt.date.fromisoformat(day) if day else None,
                          data.get("url"), data.get("source"), bool(data.get("truncated")),
                          data.get("language"))
        return cls(int(data["seq"]), article, str(data["model"]), str(data["ner_key"]),
                   tuple(Mention.from_list(m) for m in data["mentions"]),
                   str(data.get("digest") or ""))


def checkpoint_path(out: str | os.PathLike[str], key: str) -> Path:
    """Where the checkpoint of the partition keyed ``key`` lives under output folder ``out``."""
    return Path(out) / MENTIONS_DIR / f"{key}.jsonl"


def write_checkpoint(path: Path, header: Mapping[str, Any],
                     items: Iterable[NerRecord | ReadProblem]) -> None:
    """Write a checkpoint atomically: a reader (or a re-run) sees all of it or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "version": VERSION, **header},
                             ensure_ascii=False) + "\n")
        for item in items:
            row = item.to_dict() if isinstance(item, NerRecord) else {"problem": {
                "path": item.path, "reason": item.reason, "kind": item.kind.value,
                "line": item.line}}
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def read_checkpoint(path: Path) -> Iterator[NerRecord | ReadProblem]:
    """The articles and problems of a checkpoint, in order.

    Raises:
        InputError: the file is not a checkpoint of this version, or a line is damaged.
    """
    with path.open(encoding="utf-8") as lines:
        header = _header(path, lines.readline())
        del header
        for number, line in enumerate(lines, 2):
            try:
                data = json.loads(line)
                if "problem" in data:
                    p = data["problem"]
                    yield ReadProblem(str(p["path"]), str(p["reason"]), ProblemKind(p["kind"]),
                                      p.get("line"))
                else:
                    yield NerRecord.from_dict(data)
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise InputError(f"Mentions checkpoint '{path}' line {number} is damaged "
                                 f"({type(exc).__name__}); delete the file and run newsfacet "
                                 "enrich again to redo its partition") from None


def _header(path: Path, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(f"'{path}' is not a newsfacet mentions checkpoint; give the output "
                         "folder of newsfacet enrich (or its mentions/ folder)")
    if header.get("version") != VERSION:
        raise InputError(f"Mentions checkpoint '{path}' has version {header.get('version')!r}"
                         f", this newsfacet reads version {VERSION}; run newsfacet enrich "
                         "again to rewrite it")
    return header


def checkpoint_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The checkpoints under ``folder`` (an enrichment output or its mentions folder).

    Raises:
        InputError: there are none.
    """
    base = Path(folder)
    where = base / MENTIONS_DIR if (base / MENTIONS_DIR).is_dir() else base
    found = sorted(where.glob("*.jsonl")) if where.is_dir() else []
    if not found:
        raise InputError(f"No mentions checkpoints in '{folder}'. Write them first: "
                         f"newsfacet enrich ARTICLES... --out {folder}")
    return found


@dataclass(frozen=True, slots=True)
class CacheImport:
    """What ``cache import`` did: checkpoints read, entries put in the NER cache."""

    cache: str
    checkpoints: int
    entries: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"cache": self.cache, "checkpoints": self.checkpoints, "entries": self.entries}


def import_checkpoints(folder: str | os.PathLike[str], *,
                       cache_dir: str | os.PathLike[str] | None = None) -> CacheImport:
    """Fill the NER cache with the mentions of every checkpoint under ``folder``, so that
    ``newsfacet index`` of the same articles runs no NER.

    Raises:
        InputError: no checkpoints there, or one is damaged.
        CacheError: the NER cache cannot be opened or written.
    """
    files = checkpoint_files(folder)
    cache = NerCache(cache_dir)
    entries = 0
    try:
        for path in files:
            for item in read_checkpoint(path):
                if isinstance(item, NerRecord) and item.model != TEXT_ONLY and item.ner_key:
                    found: list[MentionTuple] = [(m.text, m.label, m.start)
                                                 for m in item.mentions]
                    cache.put(item.ner_key, found)
                    entries += 1
            cache.flush()
    finally:
        cache.close()
    if cache.problem:
        raise CacheError(cache.problem)
    return CacheImport(str(cache.folder / CACHE_FILE), len(files), entries)
