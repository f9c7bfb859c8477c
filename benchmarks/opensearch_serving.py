"""Publishing to OpenSearch and searching there, against the Whoosh index it came from.

Publishes ``--index`` to ``--url`` (default: an osmem-server started on 127.0.0.1, the
in-memory test server; give a real cluster's URL for figures that mean something for
production), then runs a mix of queries on both backends and prints, per kind, whether
the totals and facet tables agree and the p50 latency of each.

    python benchmarks/opensearch_serving.py --index /tmp/bbc-ix
    python benchmarks/opensearch_serving.py --index /tmp/bbc-ix --url http://localhost:9200
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from search import NewsIndex, OpenSearchBackend, publish

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "empty query": ("", {}),
    "common word": ("government", {}),
    "phrase": ('"prime minister"', {}),
    "entity filter": ("", {"countries": ["United States"]}),
    "text + 2 filters": ("election", {"countries": ["United Kingdom"],
                                      "any_people": ["Blair", "Brown"]}),
    "disjunctive": ("", {"countries": ["United Kingdom"], "disjunctive": True}),
}


def _p50(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a newsfacet index directory")
    parser.add_argument("--url", help="an OpenSearch cluster; default: a local osmem-server")
    parser.add_argument("--alias", default="newsfacet-bench")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        from osmem_server import OsmemServer  # the dev extra's test server

        server = OsmemServer.start(japanese=False)
        url = server.url
    try:
        report = publish(args.index, url, alias=args.alias)
        print(f"publish: {report.documents:,} documents, {report.entities:,} entities in "
              f"{report.seconds:.1f} s ({report.documents / report.seconds:.0f} docs/s)")
        with NewsIndex(args.index) as here, OpenSearchBackend(url, alias=args.alias) as there:
            print(f"{'kind':<18} {'agree':>5} {'whoosh p50':>11} {'opensearch p50':>15}")
            for kind, (text, options) in QUERIES.items():
                a = here.search(text, facet_size=0, **options)
                b = there.search(text, facet_size=0, **options)
                agree = a.total == b.total and dict(a.facets) == dict(b.facets)
                whoosh = _p50(lambda t=text, o=options: here.search(t, **o), args.repeat)
                remote = _p50(lambda t=text, o=options: there.search(t, **o), args.repeat)
                print(f"{kind:<18} {'yes' if agree else 'NO':>5} {whoosh:>9.1f} ms "
                      f"{remote:>12.1f} ms")
    finally:
        if server is not None:
            server.close()


if __name__ == "__main__":
    main()
