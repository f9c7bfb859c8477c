"""Load benchmark of the HTTP API: concurrent clients against `newsfacet serve` on loopback.

Builds (once, cached in benchmarks/.cache/, which git ignores) an index of the BBC News
corpus with the library, starts `newsfacet serve` on a free 127.0.0.1 port in its own
process, then runs CLIENTS threads, each with one keep-alive connection, sending a fixed
mix of API requests for SECONDS. Bounded in time and in request count; talks to loopback
only. Prints requests/s, p50/p95 latency and the error count; exits 1 on any error.

    python benchmarks/http_load.py                 # 8 clients, 20 s
    python benchmarks/http_load.py --clients 4 --seconds 5
    python benchmarks/http_load.py --costly 6      # plus 6 clients sending costly queries

With ``--costly N``, N more clients send only wildcard and range queries within the API's
limits for the same time; the figures of the ordinary clients are printed apart, and only
their errors count (a costly query may end with 400 query_too_costly or 503 query_timeout,
and the answers of each kind are counted).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("NEWSFACET_BBC", "/work/shared/data/bbc-news/txt"))
DEFAULT_INDEX = ROOT / "benchmarks" / ".cache" / "bbc-index"
DEFAULT_CLIENTS = 8
DEFAULT_SECONDS = 20.0
#: Hard stop whatever the clock says: at most this many requests per client.
MAX_REQUESTS_PER_CLIENT = 200_000
REQUEST_TIMEOUT = 30.0
HOST = "127.0.0.1"

#: The request mix: common and rare words, a phrase, entity filters with AND/OR/NOT, the
#: page's own disjunctive searches, date sorting, collapsing, facets, co-mentions, similar
#: articles and one document.
MIX: tuple[tuple[str, dict[str, str | list[str]]], ...] = (
    ("/api/search", {"q": "government"}),
    ("/api/search", {"q": '"prime minister"'}),
    ("/api/search", {"q": "broadband"}),
    ("/api/search", {"q": "film award"}),
    ("/api/search", {"countries": "United States"}),
    ("/api/search", {"q": "election", "people": "Blair"}),
    ("/api/search", {}),
    ("/api/search", {"q": "music", "page": "2"}),
    ("/api/search", {"q": "economy", "any_countries": ["China", "Japan"],
                     "not_countries": "United States", "disjunctive": "true",
                     "facet_size": "12"}),
    ("/api/search", {"q": "football", "sort": "-date", "collapse": "true"}),
    ("/api/facets/people", {"q": "football", "size": "20"}),
    ("/api/facets/organizations", {"match": "uni", "disjunctive": "true",
                                   "countries": "United Kingdom"}),
    ("/api/related", {"people": "Blair"}),
    ("/api/similar/business-001.txt", {"limit": "10"}),
    ("/api/documents/business-001.txt", {}),
)


#: Queries within the documented limits that expand to many words (wildcards, open ranges).
COSTLY_MIX: tuple[tuple[str, dict[str, str | list[str]]], ...] = (
    ("/api/search", {"q": "*e* *a* *o*"}),
    ("/api/search", {"q": "body:[0 to zzzzz]"}),
    ("/api/search", {"q": "body:[a to m]"}),
    ("/api/search", {"q": "*tion* OR *ment*"}),
    ("/api/facets/people", {"q": "s* t* *ing"}),
)


def ensure_index(corpus: Path, index: Path) -> None:
    """Build the benchmark index once; later runs reuse it."""
    if (index / "newsfacet.json").exists():
        return
    if not corpus.is_dir():
        sys.exit(f"No corpus at {corpus}; pass --corpus or set NEWSFACET_BBC")
    from index import build_index

    print(f"Building the index of {corpus} at {index} (once) ...", flush=True)
    report = build_index([corpus], index)
    print(f"Indexed {report.indexed} articles in {report.seconds:.0f} s", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(index: Path, port: int) -> subprocess.Popen[bytes]:
    """`newsfacet serve` in its own process, once it answers /api/health."""
    server = subprocess.Popen(
        [sys.executable, "-c", "from cli.app import main; main()", "serve", "--index",
         str(index), "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(600):
        if server.poll() is not None:
            problem = server.stderr.read().decode() if server.stderr else ""
            raise SystemExit(f"The server exited: {problem}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("The server did not start within 60 s")


def client(base: str, offset: int, deadline: float, latencies: list[float],
           errors: list[str], mix: tuple[tuple[str, dict[str, str | list[str]]], ...] = MIX,
           statuses: list[int] | None = None) -> None:
    """Send the mix round-robin until the deadline; record each latency or error (or,
    given ``statuses``, each answer's status instead of errors)."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            path, params = mix[(offset + n) % len(mix)]
            if statuses is not None:
                start = time.perf_counter()
                try:
                    statuses.append(http.get(path, params=params).status_code)
                except httpx.HTTPError:
                    statuses.append(0)
                latencies.append(time.perf_counter() - start)
                continue
            start = time.perf_counter()
            try:
                response = http.get(path, params=params)
                response.read()
                ok = response.status_code == 200
            except httpx.HTTPError as exc:
                ok, response = False, None
                errors.append(f"{path}: {exc}")
            latencies.append(time.perf_counter() - start)
            if not ok and response is not None:
                errors.append(f"{path} {params}: HTTP {response.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--costly", type=int, default=0,
                        help="Clients sending only wildcard and range queries (default 0).")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 300 or \
            not 0 <= args.costly <= 64:
        parser.error("--clients must be 1 to 64, --costly 0 to 64 and --seconds above 0 "
                     "and at most 300")

    ensure_index(args.corpus, args.index)
    port = free_port()
    server = start_server(args.index, port)
    base = f"http://{HOST}:{port}"
    try:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as warm:
            for path, params in MIX:  # warm caches; not measured
                warm.get(path, params=params)
        per_client: list[list[float]] = [[] for _ in range(args.clients)]
        errors: list[str] = []
        start = time.monotonic()
        deadline = start + args.seconds
        threads = [threading.Thread(target=client, args=(base, i, deadline, per_client[i], errors))
                   for i in range(args.clients)]
        costly_latencies: list[float] = []
        statuses: list[int] = []
        threads += [threading.Thread(target=client, args=(base, i, deadline, costly_latencies,
                                                          errors, COSTLY_MIX, statuses))
                    for i in range(args.costly)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = sorted(x for lat in per_client for x in lat)
    if not latencies:
        print("No request completed")
        return 1
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{args.clients} clients, {elapsed:.1f} s, {len(MIX)} kinds of request, "
          f"index {args.index}")
    print(f"requests: {len(latencies):,}  requests/s: {len(latencies) / elapsed:,.1f}")
    print(f"latency p50: {cuts[49] * 1000:.1f} ms  p95: {cuts[94] * 1000:.1f} ms  "
          f"max: {latencies[-1] * 1000:.1f} ms")
    if args.costly:
        kinds = {code: statuses.count(code) for code in sorted(set(statuses))}
        print(f"costly clients: {args.costly}, answers {len(statuses):,} by status {kinds}, "
              f"max {max(costly_latencies, default=0) * 1000:.0f} ms")
    print(f"errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
