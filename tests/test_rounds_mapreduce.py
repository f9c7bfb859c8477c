"""The corpus pass is a map/reduce: any partition of the corpus, merged, decides the same.

Per-article counts (the map) of every round, summed within each part of a random
partition of the seeds and then merged across parts in a random grouping, equal the
counts of the whole corpus; the decisions made from them give every article the same
facets as the one-process pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import Aliases, StoredRecord, open_index
from index.entities.rounds import (
    ROUNDS,
    ArticleInput,
    Decisions,
    article_counts,
    corpus_entities,
    decide,
    empty_counts,
    final_entities,
)
from index.ingest.records import joined_text
from index.ner.models import TEXT_ONLY
from index.store.schema import BODY, TITLE


@pytest.fixture(scope="module")
def seeds_inputs(seeds_index: Path) -> list[ArticleInput]:
    """Every seeds article with the NER mentions its index run found."""
    ix = open_index(seeds_index)
    with ix.searcher() as searcher:
        stored = sorted(searcher.reader().iter_docs(), key=lambda item: item[1]["id"])
    out = []
    for _, fields in stored:
        record = StoredRecord.of(fields)
        out.append(ArticleInput.of(fields["id"], record.mentions,
                                   joined_text(fields.get(TITLE, ""), fields.get(BODY, "")),
                                   alone=record.model == TEXT_ONLY))
    return out


@pytest.fixture(scope="module")
def whole(seeds_inputs: list[ArticleInput]) -> dict[str, Any]:
    """The one-process pass: each round's decisions before it, each article's counts in
    it, its total, and the final facets."""
    decisions = Decisions(aliases=Aliases())
    before: dict[str, Decisions] = {}
    per_article: dict[str, list[Any]] = {}
    totals: dict[str, Any] = {}
    for name in ROUNDS:
        before[name] = decisions
        per_article[name] = [article_counts(name, a, decisions) for a in seeds_inputs]
        totals[name] = type(empty_counts(name)).total(per_article[name])
        decisions = decide(name, totals[name], decisions)
    facets, _ = corpus_entities(seeds_inputs)
    return {"before": before, "per_article": per_article, "totals": totals, "facets": facets,
            "decisions": decisions}


def _merge_tree(parts: Sequence[Any], splits: Sequence[int]) -> Any:
    """Merge ``parts`` with ``+`` in a grouping chosen by ``splits`` (a random tree)."""
    if len(parts) == 1:
        return parts[0]
    cut = 1 + splits[0] % (len(parts) - 1) if splits else len(parts) // 2
    rest = splits[1:]
    return _merge_tree(parts[:cut], rest) + _merge_tree(parts[cut:], rest)


def _partition(count: int, labels: Sequence[int]) -> list[list[int]]:
    """Article positions grouped by the part each label puts them in (non-empty parts)."""
    groups: dict[int, list[int]] = {}
    for position in range(count):
        groups.setdefault(labels[position % len(labels)], []).append(position)
    return [groups[k] for k in sorted(groups)]


partitions = st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=60)
groupings = st.lists(st.integers(min_value=0, max_value=100), max_size=8)
slow_fixture = settings(max_examples=12, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])


@slow_fixture
@given(labels=partitions, splits=groupings)
def test_merged_parts_equal_the_whole_in_every_round(
        whole: dict[str, Any], seeds_inputs: list[ArticleInput], labels: list[int],
        splits: list[int]) -> None:
    groups = _partition(len(seeds_inputs), labels)
    for name in ROUNDS:
        kind = type(empty_counts(name))
        counts = whole["per_article"][name]
        parts = [kind.total(counts[i] for i in group) for group in groups]
        assert _merge_tree(parts, splits) == whole["totals"][name], name


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(labels=partitions, splits=groupings)
def test_partitioned_pass_decides_the_same_facets(
        whole: dict[str, Any], seeds_inputs: list[ArticleInput], labels: list[int],
        splits: list[int]) -> None:
    # Each part maps its own articles under decisions broadcast from the merged totals,
    # as a cluster runs it; nothing is shared with the one-process pass above.
    groups = _partition(len(seeds_inputs), labels)
    decisions = Decisions(aliases=Aliases())
    for name in ROUNDS:
        kind = type(empty_counts(name))
        parts = [kind.total(article_counts(name, seeds_inputs[i], decisions) for i in group)
                 for group in groups]
        decisions = decide(name, _merge_tree(parts, splits), decisions)
    facets = {i: final_entities(seeds_inputs[i], decisions)[0]
              for group in groups for i in group}
    assert [facets[i] for i in range(len(seeds_inputs))] == whole["facets"]
    assert decisions == whole["decisions"]


def test_the_seeds_decide_something(whole: dict[str, Any]) -> None:
    # Guards the properties above from passing on empty counts.
    assert all(not whole["totals"][name].is_empty() for name in ROUNDS)
    assert sum(bool(f.people) for f in whole["facets"]) > 50
