"""What an index of N articles costs: build, small updates, memory, size, searches, cold start.

Builds a corpus of N articles from copies of the BBC News corpus (its ``txt/`` folder, 2,225
articles), each copy in its own folder so that every article has its own id, and fills an
NER cache for its texts first (one ``newsfacet index`` run over the corpus itself), so
every figure below is newsfacet's own work, not the model's. Then, for each N, as whole
``newsfacet`` processes with that cache:

* build: seconds, ms per article, peak memory of all processes;
* add 10 new articles, change 10 (their new texts' NER cached beforehand), delete 10:
  seconds and peak memory of each run;
* the index's size on disk;
* search p50/p95 with all four facets and the date histogram, over the query mix of
  ``search_latency.py``, each query cold (recent-query caches emptied);
* ``newsfacet index --renormalize``: seconds and peak memory;
* a cold ``newsfacet search oil --country "Saudi Arabia"`` process: seconds and peak RSS,
  the first after the last run and the median of the next three.

    python benchmarks/scale.py --articles 20000 100000
    python benchmarks/scale.py --articles 20000 --work /tmp/nf-scale --keep
    python benchmarks/scale.py --articles 20000 --work /tmp/nf-scale --keep --reuse

With ``--reuse``, the corpus and index a ``--keep`` run left are measured again without
building them: every figure but the build's (after a code change that does not change
the index format).

The corpus (copied BBC texts) and indexes live under ``--work`` and are deleted at the end
unless ``--keep``; the BBC data is read from the shared data folder and never copied into
the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index_throughput import timed
from search_latency import QUERIES, percentile

from search import NewsIndex

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/shared/data/bbc-news/txt")
DEFAULT_WORK = Path("/tmp/newsfacet-scale")
NEWSFACET = Path(sys.executable).parent / "newsfacet"
#: Articles added, changed and deleted by the update runs.
UPDATED = 10
#: Cold runs of each query in the search figures.
SEARCH_REPEAT = 20
COLD_QUERY = ["oil", "--country", "Saudi Arabia"]


def make_corpus(data: Path, articles: int, into: Path) -> Path:
    """``articles`` files: the BBC files copied into ``copy000/``, ``copy001/``, ..., the
    last copy cut short. Real copies, not hard links: ``newsfacet index`` reads a file with
    two names once."""
    files = sorted(p for p in data.rglob("*.txt") if not p.name.startswith("."))
    if into.exists():
        shutil.rmtree(into)
    made = 0
    copy = 0
    while made < articles:
        folder = into / f"copy{copy:03d}"
        folder.mkdir(parents=True)
        for file in files[:articles - made]:
            shutil.copyfile(file, folder / file.name)
        made += min(len(files), articles - made)
        copy += 1
    return into


#: CPU seconds (user + system) of every finished run, by command: on a machine shared
#: with other work, wall time grows with the load and CPU time does not.
CPU: dict[str, float] = {}


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak memory (bytes, all processes) and stdout of a newsfacet run;
    its CPU seconds, workers included, go to :data:`CPU` under ``command[0]``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = timed([str(NEWSFACET), *command], env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return found


def size_on_disk(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def search_figures(index: Path) -> dict[str, float]:
    """p50/p95 (ms) of the query mix with facets, every run cold."""
    times: list[float] = []
    with NewsIndex(index) as news:
        news.search()
        for text, filters in QUERIES.values():
            news.search(text, **filters)
            for _ in range(SEARCH_REPEAT):
                news._current().forget_queries()  # noqa: SLF001 - measure each query cold
                started = time.perf_counter()
                news.search(text, **filters)
                times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
            "load": os.getloadavg()[0]}


def cold_search(index: Path, env: dict[str, str]) -> tuple[float, int, float]:
    seconds, peak, _ = run(["search", *COLD_QUERY, "--index", str(index)], env)
    return seconds, peak, CPU["last"]


def prepare_changes(corpus: Path, work: Path, env: dict[str, str]) -> list[tuple[Path, str]]:
    """New texts for ``UPDATED`` articles, with their NER cached by a throwaway index run."""
    targets = sorted((corpus / "copy000").glob("*.txt"))[1:UPDATED * 20:20]
    side = work / "changed-texts"
    shutil.rmtree(side, ignore_errors=True)
    side.mkdir(parents=True)
    changes = []
    for n, target in enumerate(targets):
        text = target.read_text(encoding="utf-8") + f"\n\nUpdated at {n} o'clock.\n"
        (side / target.name).write_text(text, encoding="utf-8")
        changes.append((target, text))
    run(["index", str(side), "--index", str(work / "changed-index"), "--quiet"], env)
    return changes


def measure(data: Path, articles: int, work: Path, env: dict[str, str], *,
            renormalize: bool, workers: int | None, reuse: bool = False) -> dict[str, Any]:
    corpus, index = work / f"corpus-{articles}", work / f"index-{articles}"
    extra = ["--workers", str(workers)] if workers else []
    out: dict[str, Any] = {"articles": articles}
    if reuse:
        if not (corpus.is_dir() and index.is_dir()):
            raise SystemExit(f"--reuse: no corpus and index of {articles} articles under "
                             f"{work}; run once with --keep first")
        # The spare articles an earlier run added may still be there: they are added again.
        for spare in corpus.glob("new-*"):
            spare.unlink()
        run(["index", str(corpus), "--index", str(index), "--quiet", *extra], env)
        print(f"{articles:,} articles: reused", flush=True)
    else:
        corpus = make_corpus(data, articles, corpus)
        shutil.rmtree(index, ignore_errors=True)
        seconds, peak, _ = run(["index", str(corpus), "--index", str(index), "--quiet",
                                *extra], env)
        out["build"] = {"seconds": seconds, "ms_per_article": 1000 * seconds / articles,
                        "cpu_seconds": CPU["last"], "peak_mb": peak / 2**20}
        print(f"{articles:,} articles: build {seconds:.1f} s ({1000 * seconds / articles:.2f} "
              f"ms per article; CPU {CPU['last']:.1f} s), peak {peak / 2**20:.0f} MB",
              flush=True)
    first, first_peak, _ = cold_search(index, env)
    colds = [cold_search(index, env) for _ in range(3)]
    out["cold_search"] = {"first_seconds": first, "first_peak_mb": first_peak / 2**20,
                          "seconds": statistics.median(s for s, _, _ in colds),
                          "cpu_seconds": statistics.median(c for _, _, c in colds),
                          "peak_mb": statistics.median(p for _, p, _ in colds) / 2**20}
    cold = out["cold_search"]
    print(f"  cold search: first {first:.2f} s / {first_peak / 2**20:.0f} MB, then "
          f"{cold['seconds']:.2f} s (CPU {cold['cpu_seconds']:.2f} s) / "
          f"{cold['peak_mb']:.0f} MB", flush=True)

    changes = prepare_changes(corpus, work, env)
    spare = sorted(p for p in data.rglob("*.txt"))[-UPDATED:]
    for file in spare:
        shutil.copy(file, corpus / f"new-{file.name}")
    def change() -> None:
        for target, text in changes:
            target.write_text(text, encoding="utf-8")

    def delete() -> None:
        for file in spare:
            (corpus / f"new-{file.name}").unlink()

    steps: list[tuple[str, Callable[[], None] | None]] = [
        ("add", None), ("change", change), ("delete", delete)]
    for name, before in steps:
        if before is not None:
            before()
        seconds, peak, report = run(["index", str(corpus), "--index", str(index),
                                     "--quiet", "--format", "json", *extra], env)
        out[name] = {"seconds": seconds, "cpu_seconds": CPU["last"], "peak_mb": peak / 2**20,
                     "report": json.loads(report)}
        print(f"  {name} {UPDATED}: {seconds:.1f} s (CPU {CPU['last']:.1f} s), peak "
              f"{peak / 2**20:.0f} MB", flush=True)

    out["size_mb"] = size_on_disk(index) / 2**20
    out["search"] = search_figures(index)
    print(f"  index {out['size_mb']:.0f} MB on disk; search with facets p50 "
          f"{out['search']['p50_ms']:.1f} ms, p95 {out['search']['p95_ms']:.1f} ms "
          f"(load average {out['search']['load']:.1f})", flush=True)
    if renormalize:
        seconds, peak, _ = run(["index", "--renormalize", "--index", str(index)], env)
        out["renormalize"] = {"seconds": seconds, "cpu_seconds": CPU["last"],
                              "peak_mb": peak / 2**20}
        print(f"  --renormalize {seconds:.1f} s (CPU {CPU['last']:.1f} s), peak "
              f"{peak / 2**20:.0f} MB", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[20_000])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--workers", type=int, default=None,
                        help="NER workers of each run (default: newsfacet's own choice)")
    parser.add_argument("--no-renormalize", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and indexes")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the corpora and indexes an earlier --keep run left, "
                             "without building them")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               NEWSFACET_CACHE=str(args.work / "ner-cache"))
    # Measure newsfacet as installed, with its modules' bytecode written once and reused:
    # without it every cold process compiles the sources again (0.1-0.3 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    run(["index", str(args.data), "--index", str(args.work / "fill-index"), "--quiet"], env)
    print(f"NER cache filled for {args.data} in {time.perf_counter() - started:.0f} s",
          flush=True)
    figures = []
    try:
        for articles in args.articles:
            figures.append(measure(args.data, articles, args.work, env,
                                   renormalize=not args.no_renormalize, workers=args.workers,
                                   reuse=args.reuse))
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
            if not args.keep:
                shutil.rmtree(args.work / f"corpus-{articles}", ignore_errors=True)
                shutil.rmtree(args.work / f"index-{articles}", ignore_errors=True)
    finally:
        if not args.keep:
            for name in ("fill-index", "changed-index", "changed-texts"):
                shutil.rmtree(args.work / name, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
