"""The latency benchmark builds an honest index: every copy carries its text's entities."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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


def test_the_scale_corpus_has_n_articles_with_distinct_ids(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("scale", ROOT / "benchmarks" / "scale.py")
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    data = write_articles(tmp_path / "txt",
                          {f"a{n}.txt": f"Title {n}\n\nBody {n}." for n in range(3)})
    corpus = scale.make_corpus(data, 7, tmp_path / "corpus")  # type: ignore[attr-defined]
    files = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.txt"))
    assert files == ["copy000/a0.txt", "copy000/a1.txt", "copy000/a2.txt", "copy001/a0.txt",
                     "copy001/a1.txt", "copy001/a2.txt", "copy002/a0.txt"]
    assert (corpus / "copy002" / "a0.txt").read_text(encoding="utf-8") == "Title 0\n\nBody 0."
