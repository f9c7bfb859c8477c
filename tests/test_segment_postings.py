"""Each segment's postings kept for the columns, with the name keys of their terms."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import Facet, build_index, renormalize
from index.entities.names import name_key
from index.store import columns, segment_postings
from index.store import folder as store
from index.store.columns import FacetArrays
from index.store.schema import ID
from index.store.segment_postings import SegmentPostings, TermPostings
from tests.conftest import SEEDS, seed_corpus


def kept_vocab(path: Path) -> dict[str, object]:
    with np.load(path, allow_pickle=False) as data:
        vocab: dict[str, object] = json.loads(data["terms"].tobytes().decode("utf-8"))
    return vocab


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    index_dir = tmp_path / "ix"
    build_index([seed_corpus(tmp_path / "corpus", 12)], index_dir, workers=1)
    return index_dir


def test_kept_postings_hold_the_name_key_of_every_facet_term(small_index: Path) -> None:
    kept = sorted((small_index / segment_postings.SEGMENT_CACHE).glob("*.npz"))
    assert kept
    for path in kept:
        vocab = kept_vocab(path)
        assert vocab["key_version"] == segment_postings.key_version()
        keys = vocab["keys"]
        assert isinstance(keys, dict)
        for facet in Facet:
            terms = vocab[facet.value]
            assert isinstance(terms, list)
            assert keys[facet.value] == [name_key(t) for t in terms]
        assert any(vocab[f.value] for f in Facet)


def test_keys_kept_by_other_code_are_worked_out_again_and_kept_anew(
        small_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = small_index / segment_postings.SEGMENT_CACHE
    with store.open_index(small_index).reader() as reader:
        before = columns.SearchColumns.compute(reader, cache)
        # Another version of the name keys' code: no kept key is trusted.
        monkeypatch.setattr(segment_postings, "key_version", lambda: "other code")
        for leaf, _ in reader.leaf_readers():
            found = SegmentPostings.get(leaf, cache)
            for facet in Facet:
                part = found.facets[facet.value]
                assert part.keys == [name_key(t) for t in part.terms]
        after = columns.SearchColumns.compute(reader, cache)
    for path in cache.glob("*.npz"):
        assert kept_vocab(path)["key_version"] == "other code"
    for facet in Facet:
        assert before.facets[facet].keys == after.facets[facet].keys
        assert before.facets[facet].values == after.facets[facet].values
        assert np.array_equal(before.facets[facet].docs, after.facets[facet].docs)


def test_kept_postings_without_keys_are_read_from_the_segment_again(
        small_index: Path) -> None:
    cache = small_index / segment_postings.SEGMENT_CACHE
    path = sorted(cache.glob("*.npz"))[0]
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    vocab = kept_vocab(path)
    del vocab["keys"]  # as an older version kept them
    arrays["terms"] = np.frombuffer(json.dumps(vocab).encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    with store.open_index(small_index).reader() as reader:
        kept = columns.SearchColumns.compute(reader, cache)
        fresh = columns.SearchColumns.compute(reader)
    assert "keys" in kept_vocab(path)
    for facet in Facet:
        assert kept.facets[facet].keys == fresh.facets[facet].keys
        assert kept.facets[facet].values == fresh.facets[facet].values


_SPELLINGS = ["Putin", "putin", "PUTIN", "Vladimir Putin", "vladimir putin", "Shoigu",
              "Sérgei Shoigu", "Sergei Shoigu", "U.S.", "US", "Moscow"]


@given(st.lists(st.tuples(st.sampled_from(_SPELLINGS),
                          st.lists(st.integers(0, 30), min_size=1, max_size=6, unique=True)),
                max_size=25),
       st.lists(st.integers(1, 6), max_size=4))
def test_facet_arrays_of_segments_follow_the_rule_however_the_index_is_split(
        postings: list[tuple[str, list[int]]], cuts: list[int]) -> None:
    # Segments: runs of postings, each term at most once per segment, documents numbered
    # from the segment's own first document.
    parts: list[tuple[TermPostings, int]] = []
    absolute: list[tuple[str, list[int]]] = []
    offset, rest = 0, list(postings)
    for size in [*cuts, len(rest)]:
        chunk, rest = rest[:size], rest[size:]
        by_term: dict[str, set[int]] = {}
        for term, docs in chunk:
            by_term.setdefault(term, set()).update(docs)
        lexicon = sorted(by_term.items())
        parts.append((TermPostings.of((t, np.array(sorted(d), dtype=np.int32))
                                      for t, d in lexicon), offset))
        absolute += [(t, [offset + d for d in sorted(docs)]) for t, docs in lexicon]
        offset += 31
    arrays = FacetArrays.merged(parts)

    # The rule: entities are name keys; each shows its spelling in most documents, the
    # first in term order on a tie; a document counts once per entity.
    spellings: dict[str, Counter[str]] = {}
    for term, docs in sorted(absolute, key=lambda item: item[0]):
        spellings.setdefault(name_key(term), Counter())[term] += len(docs)
    assert arrays.keys == tuple(sorted(spellings))
    for key, value in zip(arrays.keys, arrays.values, strict=True):
        most = max(spellings[key].values())
        assert value == min(t for t, n in spellings[key].items() if n == most)
    pairs = [(doc, arrays.keys[i])
             for doc, i in zip(arrays.docs.tolist(), arrays.ids.tolist(), strict=True)]
    assert pairs == sorted({(doc, name_key(t)) for t, docs in absolute for doc in docs},
                           key=lambda p: (p[0], arrays.keys.index(p[1])))
    for entity in range(len(arrays.keys)):
        grouped = arrays.by_id[arrays.starts[entity]:arrays.starts[entity + 1]].tolist()
        assert grouped == sorted(d for d, k in pairs if k == arrays.keys[entity])
    single = FacetArrays.of([(t, np.array(d, dtype=np.int32)) for t, d in absolute])
    assert single.keys == arrays.keys and single.values == arrays.values
    assert np.array_equal(single.docs, arrays.docs)
    assert np.array_equal(single.ids, arrays.ids)


def test_kept_fingerprint_columns_read_as_whooshs_own(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 12)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    cache = index_dir / segment_postings.SEGMENT_CACHE
    ix = store.open_index(index_dir)
    assert store.indexed_fingerprints(ix, cache) == store.indexed_fingerprints(ix)
    kept = sorted(cache.glob(f"*{segment_postings.FINGERPRINTS_SUFFIX}"))
    assert kept  # the run kept them
    # Deleted documents drop out of the kept columns' answer too.
    writer = ix.writer()
    writer.delete_by_term(ID, sorted(p.name for p in corpus.iterdir())[2])
    writer.commit(merge=False)
    ix = store.open_index(index_dir)
    found = store.indexed_fingerprints(ix, cache)
    assert found == store.indexed_fingerprints(ix) and len(found) == 11
    # Damaged or mismatched files are read from the segment again, and written anew.
    kept[0].write_text('[["only one id"], [], []]', encoding="utf-8")
    for damage in kept[1:]:
        damage.write_bytes(b"\x80 not json")
    assert store.indexed_fingerprints(ix, cache) == found
    for path in kept:
        ids, digests, paths = json.loads(path.read_text(encoding="utf-8"))
        assert len(ids) == len(digests) == len(paths) > 1


def test_what_is_kept_of_merged_segments_goes(tmp_path: Path) -> None:
    corpus = seed_corpus(tmp_path / "corpus", 8)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    for extra in sorted(SEEDS.glob("*.txt"))[8:10]:
        shutil.copy(extra, corpus / extra.name)
        build_index([corpus], index_dir, workers=1)
    cache = index_dir / segment_postings.SEGMENT_CACHE
    earlier = {p.name.split(".")[0] for p in cache.iterdir()}
    assert earlier
    renormalize(index_dir)  # rewrites every document into new segments
    with store.open_index(index_dir).reader() as reader:
        segments = {seg.segment_id() for seg in reader.segments() or ()}
    kept = {p.name.split(".")[0] for p in cache.iterdir()}
    assert kept and kept <= segments and not kept & earlier
    build_index([corpus], index_dir, workers=1)  # reads the new segments' fingerprints
    assert {p.name.split(".", 1)[1] for p in cache.iterdir()} == {"npz", "ids.json"}
    assert {p.name.split(".")[0] for p in cache.iterdir()} == kept
