"""The latency benchmark builds an honest index: every copy carries its text's entities."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from search import Facet, NewsIndex
from tests.helpers import ROOT, write_articles


def load_benchmark() -> object:
    spec = importlib.util.spec_from_file_location("search_latency",
                                                  ROOT / "benchmarks" / "search_latency.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_copies_have_distinct_ids_and_the_entities_of_their_original(tmp_path: Path) -> None:
    bench = load_benchmark()
    folder = write_articles(tmp_path / "txt", {
        "a.txt": "Blair visits Paris\n\nTony Blair met Jacques Chirac in Paris on Monday.",
        "b.txt": "Microsoft results\n\nMicrosoft reported profits in Seattle on Tuesday.",
    })
    index = tmp_path / "bench"
    bench.build(folder, index, 3)  # type: ignore[attr-defined]
    with NewsIndex(index) as news:
        docs = list(news.export())
        assert len(docs) == 6 and len({d.id for d in docs}) == 6
        originals = {d.id: d for d in docs if "~" not in d.id}
        for doc in docs:
            source = originals[doc.id.split("~")[0]]
            assert all(doc.entities(f) == source.entities(f) for f in Facet)
            assert doc.text == source.text
        assert news.search("Blair").total == 3
        assert news.search(people=["Tony Blair"]).total == 3
        assert news.search("Blair", collapse=True).hits[0].copies == 3
