"""``newsfacet enrich`` on 1 and 2 local Dask workers against ``newsfacet index``.

Each run is a whole process started from scratch with an empty NER cache of its own:

* ``newsfacet index CORPUS --workers N`` into a fresh index, N = 1 and 2;
* ``newsfacet enrich CORPUS --workers N`` into a fresh output folder, N = 1 and 2;
* the same enrich command again on the finished output: every partition's checkpoint is
  reused, so what is left is Dask's part (starting the cluster, scheduling) plus the
  corpus rounds and the shards;
* a local cluster of N workers started and closed with no work: Dask's fixed cost.

It prints docs/s of each, the ratio enrich/index at the same worker count (1.0: as fast),
enrich's seconds per stage, and the load average before and after (the machine may be
shared: figures taken under load are slower).

    python benchmarks/enrich_scaling.py --corpus ../shared/data/bbc-news/txt
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "txt"
NEWSFACET = Path(sys.executable).parent / "newsfacet"

EMPTY_CLUSTER = """
import sys, time
from index.enrichment.cluster import connect
started = time.perf_counter()
with connect(None, int(sys.argv[1])) as client:
    client.wait_for_workers(int(sys.argv[1]))
print(time.perf_counter() - started)
"""


def run(command: list[str], cache: Path) -> tuple[float, dict[str, Any]]:
    """Wall seconds of ``command`` and the JSON summary it printed."""
    env = {**os.environ, "NEWSFACET_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout)


def empty_cluster(workers: int) -> float:
    """Seconds to start and close a local cluster of ``workers`` processes."""
    done = subprocess.run([sys.executable, "-c", EMPTY_CLUSTER, str(workers)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"corpus: {args.corpus}; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="enrich-scaling-") as tmp:
        base = Path(tmp)
        for workers in args.workers:
            cache = base / f"cache-index-{workers}"
            index_s, indexed = run([str(NEWSFACET), "index", str(args.corpus), "--index",
                                    str(base / f"index-{workers}"), "--workers",
                                    str(workers), "--format", "json"], cache)
            cache = base / f"cache-enrich-{workers}"
            out = base / f"out-{workers}"
            command = [str(NEWSFACET), "enrich", str(args.corpus), "--out", str(out),
                       "--workers", str(workers), "--format", "json"]
            enrich_s, enriched = run(command, cache)
            again_s, again = run(command, cache)
            assert again["reused"] == again["partitions"], again
            fixed = empty_cluster(workers)
            rows.append((workers, indexed["indexed"], index_s, enriched["documents"],
                         enrich_s, enriched["stages"], again_s, fixed))
            shutil.rmtree(out, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| workers | index docs/s | enrich docs/s | enrich/index | re-run on checkpoints "
          "| empty cluster |")
    print("|---|---|---|---|---|---|")
    for workers, n_index, index_s, n_enrich, enrich_s, _, again_s, fixed in rows:
        print(f"| {workers} | {n_index / index_s:.1f} ({index_s:.0f} s) | "
              f"{n_enrich / enrich_s:.1f} ({enrich_s:.0f} s) | "
              f"{(n_enrich / enrich_s) / (n_index / index_s):.2f} | {again_s:.1f} s | "
              f"{fixed:.1f} s |")
    print()
    for workers, *_, stages, _, _ in rows:
        print(f"enrich stages, {workers} worker(s): "
              + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))


if __name__ == "__main__":
    main()
