"""The documents a text query matches, computed with numpy.

Whoosh walks a query's matchers one document at a time in Python, about 2 µs a posting
(9 ms for a word in 5,000 of 22,000 articles). Boolean queries need no positions or
scores to know their matches, so here each term's posting list is read a block at a time
into an array and AND/OR/NOT become array operations. Query types this module does not
know (phrases, ranges, wildcards) are left to Whoosh, subtree by subtree.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeGuard, cast

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from index import (
    BODY,
    MENTIONS,
    WhooshBlockMatcher,
    WhooshMatcher,
    WhooshReader,
    WhooshSearcher,
    mention_term,
    safe_loads,
    sorted_unique,
)
from search.query import cost
from search.query.near import EntityNear

# Phrase matching packs (document, position) into one int64: positions below 2**24.
_POSITION_BITS = 24
#: A term's text as Whoosh takes it: the indexed word, or its bytes.
TermText = str | bytes
#: A field format's decoder of one posting's positions.
Decode = Callable[[bytes], list[int]]


#: Memory for the posting lists a :class:`Postings` keeps: a search reads each of its terms
#: once, and a refined search (new filter, next page) reads none again.
MAX_CACHED_BYTES = 64 * 1024 * 1024


class Postings:
    """Posting lists of one reader as arrays, the most recently used ones kept."""

    def __init__(self, reader: WhooshReader, max_bytes: int = MAX_CACHED_BYTES) -> None:
        self.reader = reader
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lists: OrderedDict[tuple[str, TermText], tuple[np.ndarray, np.ndarray]] = \
            OrderedDict()

    def get(self, field: str, text: TermText) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term; deleted documents included."""
        key = (field, text)
        found = self._lists.get(key)
        if found is not None:
            self._lists.move_to_end(key)
            return found
        found = term_postings(self.reader, field, text)
        self._store(key, found)
        return found

    def _store(self, key: tuple[str, TermText], found: tuple[np.ndarray, np.ndarray]) -> None:
        self._lists[key] = found
        self._bytes += found[0].nbytes + found[1].nbytes
        while self._bytes > self._max_bytes and len(self._lists) > 1:
            _, (docs, weights) = self._lists.popitem(last=False)
            self._bytes -= docs.nbytes + weights.nbytes

    def remember(self, field: str, text: TermText, docs: np.ndarray, weights: np.ndarray) -> None:
        """Keep the postings of a term read elsewhere, unless already kept."""
        if (field, text) not in self._lists:
            self._store((field, text), (docs, weights))

    def docs(self, field: str, text: TermText) -> np.ndarray:
        """Document numbers of a term."""
        return self.get(field, text)[0]

    def clear(self) -> None:
        """Forget every list read."""
        self._lists.clear()
        self._bytes = 0


def query_mask(query: wq.Query, searcher: WhooshSearcher, live: np.ndarray,
               postings: Postings | None = None) -> np.ndarray:
    """A boolean per document number: live documents matching ``query``."""
    mask = _evaluate(query, searcher, live, postings or Postings(searcher.reader()))
    return cast(np.ndarray, mask & live)


def _evaluate(q: wq.Query, searcher: WhooshSearcher, live: np.ndarray, postings: Postings
              ) -> np.ndarray:
    cost.check()
    kind = type(q)
    if kind is wq.Term:
        mask = np.zeros(len(live), dtype=bool)
        mask[postings.docs(q.fieldname, q.text)] = True
        return mask
    if kind is wq.Every:
        # Every article has a title and a body; Whoosh would read every posting of the
        # field to find the documents that have one (seconds on a large index).
        return live.copy()
    if q is wq.NullQuery or kind is type(wq.NullQuery):
        return np.zeros(len(live), dtype=bool)
    if kind is wq.And:
        parts = [_evaluate(sub, searcher, live, postings) for sub in q.subqueries]
        return np.logical_and.reduce(parts) if parts else live.copy()
    if (kind is wq.Or and not getattr(q, "minmatch", 0)) or kind is wq.DisjunctionMax:
        parts = [_evaluate(sub, searcher, live, postings) for sub in q.subqueries]
        if not parts:
            return np.zeros(len(live), dtype=bool)
        either: np.ndarray = np.logical_or.reduce(parts)
        return either
    if kind is wq.Not:
        return cast(np.ndarray, live & ~_evaluate(q.query, searcher, live, postings))
    if kind is wq.AndNot:
        kept = _evaluate(q.a, searcher, live, postings)
        return cast(np.ndarray, kept & ~_evaluate(q.b, searcher, live, postings))
    if kind is wq.AndMaybe:
        return _evaluate(q.a, searcher, live, postings)
    if kind is wq.Phrase and q.slop == 1 and q.words:
        mask = np.zeros(len(live), dtype=bool)
        mask[phrase_docs(postings, q.fieldname, q.words)] = True
        return mask
    if kind is EntityNear:
        mask = np.zeros(len(live), dtype=bool)
        mask[near_pairs(postings, q)[0]] = True
        return mask
    if kind is wq.Require:
        required = _evaluate(q.a, searcher, live, postings)
        return cast(np.ndarray, required & _evaluate(q.b, searcher, live, postings))
    mask = np.zeros(len(live), dtype=bool)
    mask[np.fromiter(_checked(searcher.docs_for_query(q)), dtype=np.int64)] = True
    return mask


def _checked(docs: Iterable[int], every: int = 1024) -> Iterator[int]:
    """``docs``, stopping when the search's time is up (Whoosh's matchers never look)."""
    for n, doc in enumerate(docs):
        if n % every == 0:
            cost.check()
        yield doc


def phrase_docs(postings: Postings, field: str, words: list[str]) -> np.ndarray:
    """Document numbers whose ``field`` holds ``words`` one after the other."""
    keys = phrase_keys(postings, field, words)
    found = np.sort(keys >> _POSITION_BITS)
    return found[np.concatenate(([True], found[1:] != found[:-1]))] if len(found) else found


def phrase_keys(postings: Postings, field: str, words: list[str] | tuple[str, ...],
                docs: np.ndarray | None = None) -> np.ndarray:
    """Where ``field`` holds ``words`` one after the other: sorted keys packing document
    number and the position of the first word (see :func:`unpack`); only in ``docs``
    (sorted document numbers) when given."""
    reader = postings.reader
    if not reader.schema[field].format.supports("positions"):
        return np.zeros(0, dtype=np.int64)
    # Each word's posting blocks are read once: the ids give the documents holding every
    # word, and positions are decoded only in those, the costly part.
    lists = []
    for word in words:
        found_docs, weights, values = _postings(reader, field, word, weights=True, values=True)
        postings.remember(field, word, found_docs, weights)
        lists.append((found_docs, values))
    # A term's document numbers are unique, and so are its (document, position) keys.
    candidates = lists[0][0] if docs is None else docs
    for found_docs, _ in lists[int(docs is None):]:
        candidates = np.intersect1d(candidates, found_docs, assume_unique=True)
    if not len(candidates):
        return np.zeros(0, np.int64)
    keys = None
    for offset_in_phrase, (found_docs, values) in enumerate(lists):
        word_keys = _position_keys(found_docs, values, candidates,
                                   reader.schema[field].format.decode_positions)
        word_keys -= offset_in_phrase  # the position the phrase would start at
        keys = word_keys if keys is None else np.intersect1d(keys, word_keys,
                                                              assume_unique=True)
        if not len(keys):
            break
    return np.zeros(0, np.int64) if keys is None else keys


def _position_keys(docs: np.ndarray, values: list[bytes], candidates: np.ndarray,
                   decode: Decode) -> np.ndarray:
    """Keys (document, position) of a term's occurrences in the ``candidates`` documents."""
    picked = np.flatnonzero(_within(docs, candidates))
    counts, positions = _decode_all([values[i] for i in picked.tolist()], decode)
    doc_array = np.repeat(docs[picked], counts)
    return np.sort((doc_array << _POSITION_BITS) + positions)


def unpack(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and positions of packed keys."""
    return keys >> _POSITION_BITS, keys & ((1 << _POSITION_BITS) - 1)


def near_pairs(postings: Postings, query: EntityNear
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a NEAR clause matches: document numbers (sorted, unique) and, per document,
    the entity's position and the words' position of its closest pair."""
    empty = np.zeros(0, np.int64)
    reader = postings.reader
    if MENTIONS not in reader.schema or not query.terms_:
        return empty, empty, empty
    entity_docs, entity_values = [], []
    for term in query.terms_:
        docs, _, values = _postings(reader, MENTIONS, mention_term(query.facet, term),
                                    weights=False, values=True)
        entity_docs.append(docs)
        entity_values.extend(values)
    docs = np.concatenate(entity_docs) if entity_docs else empty
    if not len(docs):
        return empty, empty, empty
    candidates = sorted_unique(docs)
    word_keys = phrase_keys(postings, BODY, query.words, candidates)
    if not len(word_keys):
        return empty, empty, empty
    # The entity's keys, only in documents that hold the words too.
    entity_keys = sorted_unique(_position_keys(docs, entity_values, sorted_unique(
        word_keys >> _POSITION_BITS), reader.schema[MENTIONS].format.decode_positions))
    if not len(entity_keys):
        return empty, empty, empty
    # For each mention, the nearest occurrence of the words before and after it. The
    # distance counts from the end of the words when they come first.
    at = np.searchsorted(word_keys, entity_keys)
    after = word_keys[np.minimum(at, len(word_keys) - 1)]
    before = word_keys[np.maximum(at - 1, 0)]
    span = len(query.words) - 1
    gap_after = np.abs(after - entity_keys)
    gap_before = np.abs(entity_keys - (before + span))
    use_after = gap_after <= gap_before
    nearest = np.where(use_after, after, before)
    gap = np.where(use_after, gap_after, gap_before)
    same_doc = (nearest >> _POSITION_BITS) == (entity_keys >> _POSITION_BITS)
    close = same_doc & (gap <= query.distance)
    if not close.any():
        return empty, empty, empty
    found_docs, entity_pos = unpack(entity_keys[close])
    _, word_pos = unpack(nearest[close])
    gaps = gap[close]
    # One pair per document: the closest.
    order = np.lexsort((gaps, found_docs))
    found_docs, entity_pos, word_pos = found_docs[order], entity_pos[order], word_pos[order]
    first = np.concatenate(([True], found_docs[1:] != found_docs[:-1]))
    return found_docs[first], entity_pos[first], word_pos[first]


def _within(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_set`` (sorted, unique, not empty)."""
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values  # type: ignore[no-any-return]


def _decode_all(values: list[bytes], decode: Decode) -> tuple[list[int], np.ndarray]:
    """Occurrence counts and positions (concatenated) of many postings of Whoosh's
    Positions format.

    Each value is a 4-byte count then a pickled list of position deltas. Unpickling them
    one by one was most of a phrase search's time; here they are unpickled as one list of
    lists, and each value is decoded on its own only if that fails. Index data, so the
    unpickler is the one that resolves no names outside an index's own (none here).
    """
    if not values:
        return [], np.zeros(0, dtype=np.int64)
    try:
        joined = safe_loads(b"\x80\x02(" + b"".join(v[4:-1] for v in values) + b"l.")
    except Exception:  # noqa: BLE001 - an unexpected encoding: decode one by one
        joined = None
    if not isinstance(joined, list) or len(joined) != len(values):
        joined = None
    if joined is not None:
        try:
            counts = list(map(len, joined))
            deltas = np.fromiter(itertools.chain.from_iterable(joined), dtype=np.int64,
                                 count=sum(counts))
        except (TypeError, ValueError):  # not lists of numbers: decode one by one
            joined = None
    if joined is not None:
        # A running sum of the deltas, restarted at each posting.
        sizes = np.array(counts, dtype=np.int64)
        running = np.cumsum(deltas)
        before = np.concatenate(([0], running))[np.cumsum(sizes) - sizes]
        return counts, running - np.repeat(before, sizes)
    decoded = [decode(v) for v in values]
    return [len(d) for d in decoded], np.fromiter(itertools.chain.from_iterable(decoded),
                                                  dtype=np.int64)


def term_postings(reader: WhooshReader, field: str, text: TermText, *, weights: bool = True
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (deleted ones included) whose ``field`` holds ``text``, and the
    term's weight in each (its frequency times the field boost); weights are empty when
    not asked for."""
    docs, found_weights, _ = _postings(reader, field, text, weights=weights, values=False)
    return docs, found_weights


def _postings(reader: WhooshReader, field: str, text: TermText, *, weights: bool, values: bool
              ) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """Every posting of a term in every segment, each block of its list read once: document
    numbers (deleted ones included: the live mask drops them), weights and the encoded
    values such as positions (each empty unless asked for)."""
    ids: list[np.ndarray] = []
    found_weights: list[np.ndarray] = []
    found_values: list[bytes] = []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        leaf_ids, leaf_weights = _read(matcher, weights, found_values if values else None)
        ids.append(leaf_ids + offset)
        found_weights.append(leaf_weights)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0), []
    if len(ids) == 1:
        return ids[0], found_weights[0], found_values
    return np.concatenate(ids), np.concatenate(found_weights), found_values


def _blockwise(matcher: WhooshMatcher) -> TypeGuard[WhooshBlockMatcher]:
    """Whether ``matcher`` is of Whoosh's W3 codec, read a block at a time. Not
    ``isinstance`` with the Protocol: that looks up every member, once per term and segment."""
    return all(hasattr(matcher, name) for name in
               ("_read_ids", "_read_weights", "_read_values", "_next_block", "_blocklength"))


def _read(matcher: WhooshMatcher, weights: bool, values: list[bytes] | None
          ) -> tuple[np.ndarray, np.ndarray]:
    """Every id (and weight) of a leaf matcher, a block at a time where the codec allows;
    the encoded values are appended to ``values`` when it is given."""
    ids: list[Any] = []
    found_weights: list[Any] = []
    if not _blockwise(matcher):
        while matcher.is_active():
            ids.append(matcher.id())
            if weights:
                found_weights.append(matcher.weight())
            if values is not None:
                values.append(matcher.value())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(found_weights, dtype=np.float64)
    # Whoosh's W3 codec: a posting list is a chain of blocks of sorted ids.
    while matcher.is_active():
        cost.check()
        length = matcher._blocklength  # noqa: SLF001
        matcher._read_ids()  # noqa: SLF001
        ids.append(np.asarray(matcher._ids, dtype=np.int64)[:length])  # noqa: SLF001
        if weights:
            matcher._read_weights()  # noqa: SLF001
            found_weights.append(np.asarray(matcher._weights, dtype=np.float64)[:length])  # noqa: SLF001
        if values is not None:
            matcher._read_values()  # noqa: SLF001
            values.extend(matcher._values[:length])  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(ids), (np.concatenate(found_weights) if weights else np.zeros(0))
