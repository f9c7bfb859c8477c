"""Each segment's facet postings and body terms, kept beside the index for the columns.

The search columns (:mod:`index.store.columns`) of a commit are computed from every
segment's facet postings, body terms and dates. A segment never changes once written
(deletions are in the live column), so what is read from it is kept in
``segment-postings/<segment id>.npz`` and read back by the next commits, which then read
only the segments they wrote. Each segment's ids, content hashes and paths are kept in
the same folder, as JSON (:func:`segment_fingerprints`): decoding them from Whoosh's
columns was 0.11 s of every run on 20,000 articles, reading them back 0.05 s.

Each facet term is kept with its :func:`~index.entities.names.name_key`, under a digest
of the code the key comes from: working the keys out again was a third of the columns'
time on an index of 20,000 articles, at every commit. Kept keys of another digest are
worked out again and the file rewritten.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from index.entities import names
from index.entities.names import name_key
from index.store.schema import BODY, DATE, HASH, ID, PATH, Facet
from index.store.whoosh_types import WhooshReader

#: Where each segment's postings and fingerprint columns are kept, inside the index folder.
SEGMENT_CACHE = "segment-postings"
#: Suffix of a segment's kept fingerprint columns, beside its ``.npz``.
FINGERPRINTS_SUFFIX = ".ids.json"
#: Whoosh's raw date column value of a document without a date (its default).
NO_DATE = np.iinfo(np.uint64).max


def as_text(value: object) -> str:
    """A term or column value as text (Whoosh gives bytes or text)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _segment_id(leaf: WhooshReader) -> str:
    """The id of a one-segment reader's segment (empty for a reader of several)."""
    segments = leaf.segments() or []
    return segments[0].segment_id() if len(segments) == 1 else ""


def _keep(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a kept file whole or not at all (under another name, then renamed). A folder
    that cannot be written keeps nothing: what is kept only saves time."""
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(staging, "wb") as handle:
            write(handle)
        os.replace(staging, path)
    except OSError:
        staging.unlink(missing_ok=True)


@functools.cache
def key_version() -> str:
    """A digest of what :func:`name_key` answers depend on: the module it is written in
    and the Unicode tables of this Python. Empty when it cannot be read (keys kept then
    are never trusted)."""
    try:
        source = Path(names.__file__).read_bytes()
    except (OSError, TypeError):
        return ""
    digest = hashlib.blake2b(source, digest_size=8)
    digest.update(unicodedata.unidata_version.encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class TermPostings:
    """One field's postings in one segment: its terms in lexicon order, each term's
    :func:`name_key`, and the documents of each term one term after another (``lengths``
    of them each, the segment's own numbers)."""

    terms: list[str]
    keys: list[str]
    lengths: np.ndarray
    docs: np.ndarray

    @classmethod
    def of(cls, postings: Iterable[tuple[str, np.ndarray]]) -> TermPostings:
        """From ``(term, documents)`` pairs."""
        terms: list[str] = []
        arrays: list[np.ndarray] = []
        for term, docs in postings:
            terms.append(term)
            arrays.append(docs)
        return cls(terms, [name_key(t) for t in terms],
                   np.array([len(d) for d in arrays], dtype=np.int64),
                   np.concatenate(arrays).astype(np.int32) if arrays
                   else np.zeros(0, dtype=np.int32))

    @classmethod
    def read(cls, reader: WhooshReader, field: str) -> TermPostings:
        """Every term of ``field`` in ``reader`` with its documents."""
        return cls.of(_postings(reader, field))


def _postings(reader: WhooshReader, field: str) -> Iterator[tuple[str, np.ndarray]]:
    for raw in reader.lexicon(field):
        yield as_text(raw), np.fromiter(reader.postings(field, raw).all_ids(), dtype=np.int32)


@dataclass(frozen=True, slots=True)
class SegmentPostings:
    """One segment's facet postings and body terms: what the columns are computed from,
    kept per segment id."""

    segment: str
    facets: dict[str, TermPostings]
    body_terms: list[str]
    body_freq: np.ndarray
    #: Whoosh's raw date column (see :func:`raw_dates`).
    dates: np.ndarray

    @classmethod
    def read(cls, leaf: WhooshReader, segment: str) -> SegmentPostings:
        """Read from a one-segment reader."""
        terms, freqs = [], []
        for raw, info in leaf.iter_field(BODY):
            terms.append(as_text(raw))
            freqs.append(info.doc_frequency())
        return cls(segment, {f.value: TermPostings.read(leaf, f.value) for f in Facet},
                   terms, np.array(freqs, dtype=np.int64), raw_dates(leaf))

    @classmethod
    def get(cls, leaf: WhooshReader, cache: Path | None) -> SegmentPostings:
        """The segment's postings: from ``cache`` when kept there, else read (and kept)."""
        segment = _segment_id(leaf)
        if cache is None or not segment:
            return cls.read(leaf, segment)
        path = cache / f"{segment}.npz"
        try:
            found, keys_kept = cls._load(path, segment, leaf.doc_count_all())
        except (OSError, ValueError, KeyError, TypeError):
            found, keys_kept = cls.read(leaf, segment), False
        if not keys_kept:
            found._save(path, leaf.doc_count_all())
        return found

    def _save(self, path: Path, size: int) -> None:
        arrays: dict[str, np.ndarray] = {"body_freq": self.body_freq, "dates": self.dates,
                                         "size": np.array([size], dtype=np.int64)}
        vocab: dict[str, Any] = {"body": self.body_terms, "key_version": key_version(),
                                 "keys": {}}
        for name, postings in self.facets.items():
            vocab[name] = postings.terms
            vocab["keys"][name] = postings.keys
            arrays[f"{name}.lengths"] = postings.lengths
            arrays[f"{name}.docs"] = postings.docs
        arrays["terms"] = np.frombuffer(json.dumps(vocab, ensure_ascii=False).encode("utf-8"),
                                        dtype=np.uint8)
        save: Any = np.savez  # its keyword arrays clash with allow_pickle in the stubs
        _keep(path, lambda out: save(out, **arrays))

    @classmethod
    def _load(cls, path: Path, segment: str, size: int) -> tuple[SegmentPostings, bool]:
        """The kept postings, and whether their name keys were kept for this code."""
        with np.load(path, allow_pickle=False) as data:
            if int(data["size"][0]) != size:
                raise ValueError(f"{path} is of another segment")
            vocab = json.loads(data["terms"].tobytes().decode("utf-8"))
            version = vocab.get("key_version")
            keys_kept = bool(version) and version == key_version()
            facets = {}
            for facet in Facet:
                name = facet.value
                terms = [str(t) for t in vocab[name]]
                keys = [str(k) for k in vocab["keys"][name]] if keys_kept \
                    else [name_key(t) for t in terms]
                lengths = data[f"{name}.lengths"].astype(np.int64)
                docs = data[f"{name}.docs"].astype(np.int32)
                if len(lengths) != len(terms) or len(keys) != len(terms) \
                        or int(lengths.sum()) != len(docs):
                    raise ValueError(f"damaged postings in {path}")
                facets[name] = TermPostings(terms, keys, lengths, docs)
            body_freq = data["body_freq"].astype(np.int64)
            dates = data["dates"].astype(np.uint64)
        if len(vocab["body"]) != len(body_freq):
            raise ValueError(f"damaged body terms in {path}")
        if len(dates) != size:
            raise ValueError(f"damaged dates in {path}")
        return cls(segment, facets, [str(t) for t in vocab["body"]], body_freq, dates), \
            keys_kept

    @staticmethod
    def forget_others(cache: Path, keep: set[str]) -> None:
        """Remove what is kept of segments no longer in the index (their postings, their
        fingerprint columns, files left half written). An index that never held a
        document has no such folder."""
        with contextlib.suppress(FileNotFoundError):
            for path in cache.iterdir():
                if path.name.split(".")[0] not in keep:
                    path.unlink(missing_ok=True)


def raw_dates(leaf: WhooshReader) -> np.ndarray:
    """One segment's raw date column (microseconds since year 1, or a default)."""
    count = leaf.doc_count_all()
    if not leaf.has_column(DATE):
        return np.full(count, NO_DATE, dtype=np.uint64)
    column = leaf.column_reader(DATE, translate=False)
    return np.fromiter((column[n] for n in range(count)), dtype=np.uint64, count=count)


def segment_fingerprints(leaf: WhooshReader, cache: Path | None
                         ) -> tuple[list[str], list[str], list[str]]:
    """Every document's id, content hash and path in a one-segment reader, deleted ones
    too, by document number: from ``cache`` when kept there, else read (and kept)."""
    segment = _segment_id(leaf)
    size = leaf.doc_count_all()
    path = cache / f"{segment}{FINGERPRINTS_SUFFIX}" if cache is not None and segment \
        else None
    if path is not None:
        try:
            with open(path, encoding="utf-8") as handle:
                columns = json.load(handle)
            if isinstance(columns, list) and len(columns) == 3 and all(
                    isinstance(c, list) and len(c) == size
                    and all(isinstance(v, str) for v in c) for c in columns):
                return columns[0], columns[1], columns[2]
        except (OSError, ValueError):
            pass
    # Iterated in order, which decodes each column's blocks once (half the time of reading
    # document by document on 100,000 articles).
    readers = [leaf.column_reader(name, translate=False) for name in (ID, HASH, PATH)]
    ids, digests, paths = ([as_text(v) for v in column] for column in readers)
    if path is not None:
        text = json.dumps([ids, digests, paths], ensure_ascii=False).encode("utf-8")
        _keep(path, lambda out: out.write(text))
    return ids, digests, paths
