"""Speed of the investigation workflows on a real index: watchlist, network, NEAR queries.

Give it an index (for the README's figures, the BBC News corpus:
``newsfacet index /work/shared/data/bbc-news/txt --index bbc-index``). The watchlist is
300 names taken from the index itself and written the way people type them: surnames
alone, lower case, capitals, without accents, codes for countries, plus names the index
does not hold. Each figure is the median of ``--repeat`` runs on an opened index (the
first search of a freshly opened index also reads its facet columns: printed apart).

    python benchmarks/workflows.py --index bbc-index
"""

from __future__ import annotations

import argparse
import statistics
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from index import Facet, StoredRecord
from index.store.positions import mentions_value
from search import NewsIndex

NAMES = 300
UNKNOWN = 10


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def watch_names(news: NewsIndex) -> list[str]:
    """300 names from the index, in the spellings users type, and a few unknown ones."""
    people = [c.value for c in news.facet(Facet.PEOPLE, size=255)]
    orgs = [c.value for c in news.facet(Facet.ORGANIZATIONS, size=30)]
    countries = {"United States": "US", "United Kingdom": "uk", "Russia": "russia",
                 "France": "FRANCE", "China": "china"}
    names: list[str] = []
    for i, person in enumerate(people):
        kind = i % 4
        names.append(person if kind == 0 else person.split()[-1] if kind == 1
                     else _plain(person).lower() if kind == 2 else person.upper())
    names += [o.lower() for o in orgs] + list(countries.values())
    names += [f"Zq{chr(97 + i)}ven Ortolan{i}" for i in range(UNKNOWN)]
    return names[:NAMES]


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="index directory")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure")
    args = parser.parse_args()
    with NewsIndex(args.index) as news:
        started = time.perf_counter()
        total = news.search("", limit=1, facets=False).total
        print(f"index: {args.index}, {total:,} articles; opening (facet columns read once): "
              f"{time.perf_counter() - started:.2f} s")
        names = watch_names(news)
        result = news.watchlist(names)
        print(f"watchlist of {len(names)} names ({result.found} found): "
              f"{median_ms(lambda: news.watchlist(names), args.repeat):.0f} ms; "
              f"scoped to 'election': "
              f"{median_ms(lambda: news.watchlist(names, 'election'), args.repeat):.0f} ms")
        for text in ("", "election"):
            graph = news.network(text, facets=["people", "organizations"], min_weight=2,
                                 top=200)
            ms = median_ms(lambda text=text: news.network(
                text, facets=["people", "organizations"], min_weight=2, top=200), args.repeat)
            gexf = median_ms(lambda graph=graph: graph.write("gexf"), args.repeat)
            print(f"network {text or '(every article)'!r}: {len(graph.nodes)} nodes, "
                  f"{len(graph.edges)} edges in {ms:.0f} ms (+ {gexf:.0f} ms to write GEXF)")
        reader = news._current().searcher.reader()  # noqa: SLF001 - stored articles
        stored = [fields for _, fields in reader.iter_docs()][:500]
        records = [(StoredRecord.of(fields), fields) for fields in stored]
        mentions_value(records[0][0].mentions, records[0][0].entities.to_dict(), "", "x")
        started = time.perf_counter()
        for record, fields in records:
            mentions_value(record.mentions, record.entities.to_dict(), fields.get("title", ""),
                           fields.get("body", ""))
        print(f"entity positions at index time: "
              f"{(time.perf_counter() - started) / len(records) * 1000:.2f} ms an article "
              f"(over {len(records)} articles)")
        person = news.facet(Facet.PEOPLE, size=1)[0].value
        for query in (f'person:"{person}" NEAR/10 government', f'person:"{person}" AND '
                      "government"):
            def run(query: str = query) -> Any:
                news._current().forget_queries()  # noqa: SLF001 - measure cold queries
                return news.search(query)
            print(f"{query}: {run().total} matches in {median_ms(run, args.repeat):.0f} ms "
                  "(cold)")


if __name__ == "__main__":
    main()
