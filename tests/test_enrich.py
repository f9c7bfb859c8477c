"""newsfacet enrich on a 2-worker local Dask cluster: the same mentions and facets as an
index run, an index from its shards, the NER cache from its checkpoints, bad records."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.app import app
from index import (
    Aliases,
    Facet,
    InputError,
    ReadProblem,
    StoredRecord,
    build_index,
    enrich,
    import_checkpoints,
    index_enriched,
    open_index,
    read_shards,
    renormalize,
)
from index.corpus import state as corpus_state
from index.enrichment.checkpoint import checkpoint_files, read_checkpoint
from index.enrichment.shards import EnrichedRecord
from index.store.folder import indexed_fingerprints
from search import NewsIndex, list_entities
from tests.helpers import SEEDS, seed_corpus, write_articles

BAD_RECORDS = "\n".join([
    '{"id": "broken-1", "title": "Unclosed", "text": "Angela Merkel',
    '{"id": "empty-1", "title": "", "text": ""}',
    '["not", "an", "object"]',
]) + "\n"


@pytest.fixture(scope="module")
def enriched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """seeds/ and a file of bad records only, enriched once without the NER cache (every
    text goes through a worker's pipeline)."""
    base = tmp_path_factory.mktemp("enrich")
    bad = write_articles(base / "bad", {"records.jsonl": BAD_RECORDS})
    out = base / "out"
    report = enrich([SEEDS, bad], out, workers=2, use_cache=False, partition_docs=64)
    return out, report


def _stored(index_dir: Path) -> dict[str, tuple[StoredRecord, str]]:
    ix = open_index(index_dir)
    digests = indexed_fingerprints(ix)
    with ix.searcher() as searcher:
        return {f["id"]: (StoredRecord.of(f), digests[f["id"]][0])
                for _, f in searcher.reader().iter_docs()}


def test_same_mentions_and_facets_as_an_index_run(enriched: tuple[Path, object],
                                                  seeds_index: Path) -> None:
    out, report = enriched
    indexed = _stored(seeds_index)
    shards = {r.id: r for r in read_shards(out)}
    assert set(shards) == set(indexed)
    assert report.documents == len(indexed) == 241  # type: ignore[attr-defined]
    assert report.ner_texts == 241 and report.workers == 2  # type: ignore[attr-defined]
    for doc_id, (record, digest) in indexed.items():
        mine = shards[doc_id]
        assert (mine.mentions, mine.entities, mine.model, mine.digest) == \
            (record.mentions, record.entities, record.model, digest), doc_id
        assert mine.entities.spellings == record.entities.spellings, doc_id


def test_a_bad_record_fails_alone(enriched: tuple[Path, object]) -> None:
    _, report = enriched
    failed = [p for p in report.problems  # type: ignore[attr-defined]
              if p.kind.value == "failed"]
    assert report.failed == 3 and len(failed) == 3  # type: ignore[attr-defined]
    assert {p.line for p in failed} == {1, 2, 3}
    assert all(p.path.endswith("records.jsonl") for p in failed)


def test_index_from_shards_searches_like_the_index(enriched: tuple[Path, object],
                                                   news: NewsIndex, tmp_path: Path) -> None:
    out, _ = enriched
    target = tmp_path / "from-shards"
    result = CliRunner().invoke(app, ["index", "--enriched", str(out), "--index", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Indexed 241 documents from the shards of ")
    with NewsIndex(target) as loaded:
        for text in ("", "election", "fire OR flood", "Trump"):
            mine, theirs = loaded.search(text), news.search(text)
            assert mine.total == theirs.total, text
            assert mine.facets == theirs.facets, text
        mine_stats, their_stats = loaded.stats(), news.stats()
        assert (mine_stats.entities, mine_stats.model, mine_stats.earliest) == \
            (their_stats.entities, their_stats.model, their_stats.earliest)
        assert loaded.search(people=["Donald Trump"]).total == \
            news.search(people=["Donald Trump"]).total > 0
        # The spellings recorded in the shards are those an index run records.
        for facet in Facet:
            assert list_entities(loaded, facet, top=0) == list_entities(news, facet, top=0)
    # Its documents carry the content hashes of an index run: indexing seeds/ into it
    # again finds every article unchanged and runs no NER.
    again = build_index([SEEDS], target, use_cache=False)
    assert (again.indexed, again.unchanged) == (0, 241)
    # It keeps the corpus statistics the enrichment summed: a run that adds an article
    # updates the facets from them, as the full pass would decide them.
    assert corpus_state.load(target, open_index(target).latest_generation(),
                             Aliases()) is not None
    extra = write_articles(tmp_path / "extra", {"new.txt": (
        "Shoigu meets Lavrov in Moscow\n\nSergei Shoigu met Sergey Lavrov and officials "
        "of Gazprom in Moscow on Monday, the Russian defence ministry said.")})
    added = build_index([extra], target)
    assert (added.indexed, added.unchanged) == (1, 0)
    assert renormalize(target).changed == 0


def test_index_from_shards_will_not_overwrite_an_index(enriched: tuple[Path, object],
                                                       seeds_index: Path) -> None:
    out, _ = enriched
    with pytest.raises(InputError, match="already holds 241 documents; an index from "
                                         "enriched shards starts empty: add --rebuild"):
        index_enriched(out, seeds_index)


def test_shards_and_entity_table_in_jsonl_and_parquet(enriched: tuple[Path, object],
                                                      news: NewsIndex) -> None:
    out, _ = enriched
    shard = sorted((out / "shards").glob("part-*.jsonl"))[0]
    rows = [json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines()]
    table = pq.read_table(shard.with_suffix(".parquet"))
    assert table.num_rows == len(rows) > 0
    exported = news.get(rows[0]["id"]).to_dict(text=True, mentions=True)
    assert set(exported) <= set(table.column_names) and set(exported) <= set(rows[0])
    assert EnrichedRecord.from_dict(rows[0]).to_dict() == rows[0]
    assert rows[0]["mentions"] == exported["mentions"]
    entities = [json.loads(line) for line in
                (out / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert pq.read_table(out / "entities.parquet").num_rows == len(entities)
    facet_counts = {c.value: c.count for c in news.facet(Facet.PEOPLE, size=0)}
    people = {e["display"]: e for e in entities if e["facet"] == "people"}
    assert {name: e["documents"] for name, e in people.items()} == facet_counts
    trump = people["Donald Trump"]
    assert trump["key"] == "donald trump"
    spellings = dict(map(tuple, trump["variants"]))
    assert {"Trump", "Donald Trump"} <= set(spellings)
    assert list(spellings.values()) == sorted(spellings.values(), reverse=True)


def test_entity_table_variants_agree_with_list_entities(enriched: tuple[Path, object],
                                                        news: NewsIndex) -> None:
    out, _ = enriched
    rows = [json.loads(line) for line in
            (out / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    for facet in Facet:
        table = {r["display"]: {s for s, _ in r["variants"]} - {r["display"]}
                 for r in rows if r["facet"] == facet.value}
        listed = {e.name: set(e.variants) | set(e.implied_by)
                  for e in list_entities(news, facet, top=0)}
        assert table == listed, facet
    shoigu = next(r for r in rows if r["display"] == "Sergei Shoigu")
    assert "Shoigu" in {spelling for spelling, _ in shoigu["variants"]}


def test_an_enrichment_without_recorded_spellings_is_refused(
        enriched: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = enriched
    old = tmp_path / "old"
    old.mkdir()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (old / "manifest.json").write_text(json.dumps({**manifest, "version": 1}),
                                       encoding="utf-8")
    with pytest.raises(InputError, match=r"has version 1; this newsfacet reads version 2: "
                                         r"run newsfacet enrich again"):
        index_enriched(old, tmp_path / "index")


def test_cache_import_fills_the_ner_cache(enriched: tuple[Path, object],
                                          tmp_path: Path) -> None:
    out, _ = enriched
    done = import_checkpoints(out, cache_dir=tmp_path / "cache")
    assert (done.checkpoints, done.entries) == (len(checkpoint_files(out)), 241)
    corpus = seed_corpus(tmp_path / "corpus", 20)
    report = build_index([corpus], tmp_path / "index", cache_dir=tmp_path / "cache")
    assert (report.indexed, report.cached) == (20, 20)


def test_cache_import_cli_names_a_folder_without_checkpoints(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["cache", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert f"No mentions checkpoints in '{tmp_path}'. Write them first: newsfacet enrich " \
        in result.output


def test_checkpoints_keep_problems_in_reading_order(enriched: tuple[Path, object]) -> None:
    out, _ = enriched
    items = [item for path in checkpoint_files(out) for item in read_checkpoint(path)]
    lines = [item.line for item in items
             if isinstance(item, ReadProblem) and item.path.endswith("records.jsonl")]
    assert lines == [1, 2, 3]


def test_no_dask_thread_outlives_the_run(enriched: tuple[Path, object]) -> None:
    # A thread left behind hangs every process forked afterwards (Whoosh's multi-process
    # writer) when it exits.
    assert not [t.name for t in threading.enumerate() if t.name.startswith("Dask")]
