#!/usr/bin/env python3
"""Measure entity-facet quality against gold annotations, end to end.

Indexes a gold split's text files into a temporary index (full NER run), exports it as
JSON lines, scores the export with the shared scorer and prints per-facet precision,
recall and F1 (strict and lenient). It then re-derives the facets with ``renormalize``
and reports both times, and checks that the renormalised facets are the same.

Usage (from the repository root)::

    python benchmarks/facet_quality.py                   # the CoNLL-2003 validation split
    python benchmarks/facet_quality.py --bare            # raw NER mentions: the baseline
    python benchmarks/facet_quality.py --split conll2003-test --json
    python benchmarks/facet_quality.py --rules           # mean F1 with each rule switched off
    python benchmarks/facet_quality.py --corpus seeds/   # top 25 of each facet before/after
    python benchmarks/facet_quality.py --enriched        # the index built by newsfacet enrich

With ``--corpus PATH`` it indexes that folder instead and prints the 25 values each facet
shows first (by articles) with every rule of :mod:`index.entities.rules` switched off and on,
then, rule by rule, the values that come in or go out of those lists when only that rule is
switched off: a reviewer can judge an archive without gold labels by eye.

The data is read from the shared folder at run time (``--shared``, default: the first
``shared/`` folder found above this file); it is never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collections import Counter  # noqa: E402

from index import build_index, enrich, index_enriched, renormalize  # noqa: E402
from index.entities import rules  # noqa: E402
from search import NewsIndex  # noqa: E402

FACETS = ("people", "organizations", "places")
DEFAULT_SPLIT = "conll2003-valid"
#: Values of each facet shown by ``--corpus``.
TOP = 25


def find_shared() -> Path:
    """The nearest ``shared/`` folder above the repository that holds ``eval/``."""
    for parent in ROOT.parents:
        if (parent / "shared" / "eval" / "facet_quality.py").is_file():
            return parent / "shared"
    raise SystemExit("No shared/ folder with eval/facet_quality.py found; pass --shared DIR")


#: The "bare model" reading of spaCy labels, used by ``--bare`` for the baseline.
BARE_LABELS = {"PERSON": "people", "ORG": "organizations", "GPE": "places", "LOC": "places",
               "FAC": "places"}


def export(index_dir: Path, target: Path, *, bare: bool = False) -> None:
    """Write every document's facets as JSON lines, as ``newsfacet export`` does; ``bare``
    writes the raw mention texts by label instead (no normalisation at all)."""
    with NewsIndex(index_dir) as news, target.open("w", encoding="utf-8") as out:
        for doc in news.export():
            row = doc.to_dict()
            if bare:
                row = {"id": doc.id, **{f: [] for f in FACETS}}
                for text, label, _ in doc.mentions:
                    if label in BARE_LABELS:
                        row[BARE_LABELS[label]].append(text)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def score(scorer: Path, gold: Path, predicted: Path) -> dict[str, object]:
    """The shared scorer's JSON report."""
    run = subprocess.run([sys.executable, str(scorer), str(gold), str(predicted), "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def table(report: dict[str, object]) -> str:
    """The report as a Markdown table."""
    lines = ["| facet | strict P | strict R | strict F1 | lenient P | lenient R | lenient F1 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for facet in FACETS:
        s, lenient = report[f"strict.{facet}"], report[f"lenient.{facet}"]
        lines.append(f"| {facet} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} | "  # type: ignore[index]
                     f"{lenient['p']:.3f} | {lenient['r']:.3f} | {lenient['f1']:.3f} |")  # type: ignore[index]
    lines.append(f"| **mean F1** | | | {report['strict.mean_f1']:.3f} | | | "
                 f"{report['lenient.mean_f1']:.3f} |")
    return "\n".join(lines)


def facet_counts(index_dir: Path) -> dict[str, Counter[str]]:
    """Articles per value of each facet, as an unfiltered search counts them."""
    with NewsIndex(index_dir) as news:
        docs = list(news.export())
    return {facet: Counter(v for d in docs for v in getattr(d, facet))
            for facet in (*FACETS, "countries")}


def corpus_report(folder: Path) -> str:
    """Top values of each facet of ``folder`` without and with the rules, and what each
    rule changes in them, as Markdown."""
    out = []
    with tempfile.TemporaryDirectory(prefix="newsfacet-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        report = build_index([folder], index_dir)
        counts = facet_counts(index_dir)
        with rules.disabled():
            renormalize(index_dir)
        before = {f: c.most_common(TOP) for f, c in facet_counts(index_dir).items()}
        changes = {}
        for name in rules.RULE_NAMES:
            with rules.disabled(name):
                renormalize(index_dir)
            changes[name] = facet_counts(index_dir)
        renormalize(index_dir)
    after = {f: c.most_common(TOP) for f, c in counts.items()}
    out.append(f"{folder}: {report.indexed} documents\n")
    for facet in after:
        out.append(f"### {facet}\n\n| # | before the rules | after the rules |\n"
                   "| ---: | --- | --- |")
        for i in range(max(len(before[facet]), len(after[facet]))):
            cells = [f"{v} ({n})" if i < len(rows) else "" for rows in (before[facet], after[facet])
                     for v, n in [rows[i] if i < len(rows) else ("", 0)]]
            out.append(f"| {i + 1} | {cells[0]} | {cells[1]} |")
        out.append("")
    out.append("### what each rule changes in these lists\n\n`value a -> b`: articles "
               "with only that rule switched off (a) and with every rule (b), for the values "
               "of either top list whose count the rule changes.\n")
    for name, without in changes.items():
        lines = []
        for facet, with_all in counts.items():
            shown = [v for v, _ in without[facet].most_common(TOP)]
            shown += [v for v, _ in after[facet] if v not in shown]
            moved = [f"{v} {without[facet][v]} -> {with_all[v]}" for v in shown
                     if without[facet][v] != with_all[v]]
            if moved:
                lines.append(f"  - {facet}: " + ", ".join(moved))
        if lines:
            out.append(f"- `{name}`\n" + "\n".join(lines))
    return "\n".join(out)


def rule_scores(index_dir: Path, scorer: Path, gold: Path, tmp: Path) -> list[str]:
    """Mean F1 (strict, lenient) with each rule switched off, as Markdown rows."""
    rows = ["| switched off | strict mean F1 | lenient mean F1 |", "| --- | ---: | ---: |"]
    for name in (*rules.RULE_NAMES, "all"):
        with rules.disabled(*(() if name == "all" else (name,))):
            renormalize(index_dir)
        target = tmp / f"without-{name}.jsonl"
        export(index_dir, target)
        result = score(scorer, gold, target)
        rows.append(f"| {name} | {result['strict.mean_f1']:.3f} | "
                    f"{result['lenient.mean_f1']:.3f} |")
    renormalize(index_dir)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, help="the shared folder (data/ and eval/)")
    parser.add_argument("--split", default=DEFAULT_SPLIT, help="folder under shared/data")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--bare", action="store_true",
                        help="score the raw NER mentions (the baseline) instead of the facets")
    parser.add_argument("--corpus", type=Path,
                        help="a folder of articles: print the top values of each facet "
                             "before and after the rules instead of scoring")
    parser.add_argument("--rules", action="store_true",
                        help="also score with each rule switched off")
    parser.add_argument("--enriched", action="store_true",
                        help="build the index with newsfacet enrich on a 2-worker local Dask "
                             "cluster and index --enriched, instead of newsfacet index")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        print(corpus_report(args.corpus))
        return 0
    shared = args.shared or find_shared()
    split = shared / "data" / args.split
    gold = next(split.glob("*.jsonl"))
    scorer = shared / "eval" / "facet_quality.py"
    with tempfile.TemporaryDirectory(prefix="newsfacet-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        started = time.perf_counter()
        if args.enriched:
            enrich([split / "txt"], Path(tmp) / "enriched", workers=2)
            report = index_enriched(Path(tmp) / "enriched", index_dir)
        else:
            report = build_index([split / "txt"], index_dir)
        index_seconds = time.perf_counter() - started
        predicted = Path(tmp) / "export.jsonl"
        export(index_dir, predicted, bare=args.bare)
        result = score(scorer, gold, predicted)
        renorm = renormalize(index_dir)
        again = Path(tmp) / "again.jsonl"
        export(index_dir, again, bare=args.bare)
        same = predicted.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")
        ablation = rule_scores(index_dir, scorer, gold, Path(tmp)) if args.rules else []
    result.update({"split": args.split, "documents": report.indexed,
                   "index_seconds": round(index_seconds, 2),
                   "renormalize_seconds": round(renorm.seconds, 2),
                   "renormalize_changed": renorm.changed, "renormalize_same_facets": same})
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.split}: {report.indexed} documents\n")
        print(table(result))
        print(f"\nfull index run {index_seconds:.1f} s; --renormalize {renorm.seconds:.2f} s "
              f"({renorm.seconds / index_seconds:.0%} of it), {renorm.changed} documents "
              f"changed, same facets: {same}")
        if ablation:
            print("\n" + "\n".join(ablation))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
