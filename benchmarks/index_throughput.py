"""How close a whole ``newsfacet index`` run comes to the speed of bare spaCy NER.

For each worker count it times, as whole processes started from scratch:

* a bare spaCy pass: the same pipeline with only its NER components, ``nlp.pipe`` with
  the same batch size and process count, over the texts of the same files, with BLAS on
  one thread as in newsfacet's NER workers;
* ``newsfacet index CORPUS --workers N`` into a fresh index with an empty NER cache;

and prints docs/s for both, their ratio (bare/newsfacet: 1.0 means indexing is as fast as
NER alone), the peak memory of each run summed over all its processes, and the time of
re-running the same ``newsfacet index`` command on the unchanged corpus. With
``--scale 4`` it also indexes four distinct copies of the corpus, to show memory stays flat.
With ``--short N`` the corpus is N short wire-style stories of 100 to 200 words, cut at
sentence ends from the corpus's business articles (``business-*.txt``, then others when
those run out), where newsfacet's own work per article weighs most against the model's.

    python benchmarks/index_throughput.py --corpus ../shared/data/bbc-news/txt
    python benchmarks/index_throughput.py --short 1500 --scale 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from index.ner.pool import BLAS_THREAD_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "txt"
BATCH_SIZE = 64  # index.ner.pipeline.DEFAULT_BATCH_SIZE
NEWSFACET = Path(sys.executable).parent / "newsfacet"

BARE = """
import sys
from pathlib import Path
from index.ner.pipeline import load_pipeline
corpus, workers, batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
nlp = load_pipeline(None)
files = sorted(p for p in corpus.rglob("*.txt") if not p.name.startswith("."))
texts = (f.read_text(encoding="utf-8") for f in files)
count = sum(1 for _ in nlp.pipe(texts, batch_size=batch, n_process=workers))
print(count)
"""


def tree_rss(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``command``; return wall seconds, peak memory of its process tree, stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 3):
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{err}")
    return seconds, peak, out


def scaled_corpus(corpus: Path, copies: int, into: Path) -> Path:
    """``copies`` copies of ``corpus`` whose texts differ (so no cache or dedup helps)."""
    for copy in range(copies):
        folder = into / f"copy{copy}"
        folder.mkdir(parents=True)
        for file in sorted(corpus.rglob("*.txt")):
            text = file.read_text(encoding="utf-8")
            target = folder / file.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{text}\n\nCopy {copy}.\n", encoding="utf-8")
    return into


#: Words of a short story.
SHORT_WORDS = (100, 200)
_SENTENCE_END = (".", "!", "?", '."', '?"')


def short_stories(corpus: Path, count: int, into: Path) -> Path:
    """``count`` stories of :data:`SHORT_WORDS` words, cut at sentence ends from the
    business articles of ``corpus`` (each piece titled after its article and part), then
    from its other articles when the business ones run out (510 give about 1,270)."""
    into.mkdir(parents=True)
    made = 0
    files = sorted(corpus.rglob("*.txt"), key=lambda p: (not p.name.startswith("business-"), p))
    for path in files:
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        words = body.split()
        start, part = 0, 1
        while start < len(words) and made < count:
            end = min(start + SHORT_WORDS[1], len(words))
            # The first sentence end past the shortest length: short stories, many of them.
            cut = next((i + 1 for i in range(start + SHORT_WORDS[0] - 1, end)
                        if words[i].endswith(_SENTENCE_END)), end)
            if cut - start >= SHORT_WORDS[0]:
                story = f"{title.strip()} ({part})\n\n{' '.join(words[start:cut])}\n"
                (into / f"{path.stem}-{part}.txt").write_text(story, encoding="utf-8")
                made += 1
            start, part = cut, part + 1
        if made >= count:
            break
    return into


def count_docs(corpus: Path) -> int:
    return sum(1 for p in corpus.rglob("*.txt") if not p.name.startswith("."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of .txt articles")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4],
                        help="corpus copies for the memory check (1 = the corpus itself)")
    parser.add_argument("--short", type=int, default=0,
                        help="use this many short stories cut from the business articles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfacet-bench-") as tmp:
        base = Path(tmp)
        corpus = args.corpus.resolve()
        if args.short:
            corpus = short_stories(corpus, args.short, base / "short")
        docs = count_docs(corpus)
        print(f"corpus {corpus} ({docs} articles), batch size {BATCH_SIZE}, "
              f"{os.cpu_count()} cores")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        # newsfacet's NER workers run BLAS on one thread (index.ner.pool); so does the bare pass.
        bare_env = dict(env, **{name: "1" for name in BLAS_THREAD_VARIABLES})
        for workers in args.workers:
            bare_s, bare_mem, out = timed([sys.executable, "-c", BARE, str(corpus),
                                           str(workers), str(BATCH_SIZE)], bare_env)
            assert int(out) == docs, out
            index = base / f"index-{workers}"
            run_env = dict(env, NEWSFACET_CACHE=str(base / f"cache-{workers}"))
            command = [str(NEWSFACET), "index", str(corpus), "--index", str(index),
                       "--workers", str(workers), "--quiet"]
            nf_s, nf_mem, _ = timed(command, run_env)
            again_s, _, _ = timed(command, run_env)
            print(f"workers {workers}: bare spaCy {docs / bare_s:6.1f} docs/s "
                  f"({bare_s:5.1f} s, peak {bare_mem / 2**20:5.0f} MB) | newsfacet index "
                  f"{docs / nf_s:6.1f} docs/s ({nf_s:5.1f} s, peak {nf_mem / 2**20:5.0f} MB) | "
                  f"ratio bare/newsfacet {nf_s and bare_s / nf_s:4.2f} | unchanged re-index "
                  f"{again_s:4.2f} s = {100 * again_s / nf_s:4.1f}% of first run")
            shutil.rmtree(index)
        workers = max(args.workers)
        for copies in args.scale:
            source = corpus if copies == 1 else scaled_corpus(corpus, copies, base / f"x{copies}")
            n = count_docs(source)
            run_env = dict(env, NEWSFACET_CACHE=str(base / f"cache-x{copies}"))
            seconds, peak, _ = timed([str(NEWSFACET), "index", str(source), "--index",
                                      str(base / f"index-x{copies}"), "--workers", str(workers),
                                      "--quiet"], run_env)
            print(f"{copies}x corpus ({n} articles, {workers} workers): {n / seconds:6.1f} "
                  f"docs/s, peak memory of all processes {peak / 2**20:5.0f} MB")


if __name__ == "__main__":
    main()
