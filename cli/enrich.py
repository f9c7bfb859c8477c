"""``newsfacet enrich``: NER and the corpus pass on a Dask cluster, into enriched shards."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import index as index_api  # its names load on first use: other commands start faster
from cli import render
from cli.indexing import ALIASES_ENV, EXIT_PARTIAL, MODEL_ENV, SummaryFormat, parse_models
from cli.options import user_errors
from index import DEFAULT_BATCH_SIZE
from index.enrichment import DEFAULT_PARTITION_DOCS, DEFAULT_WORKERS

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


def enrich_cli(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT...", help="Files, folders or glob patterns (quoted: 'data/**/*.jsonl') "
                                 "of articles, in any format newsfacet index reads.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="DIR", help="Output folder: mentions checkpoints, shards, "
                                           "entity table (on a cluster, one every worker "
                                           "can write).")],
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", "-s", envvar=SCHEDULER_ENV, metavar="ADDRESS",
        help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 [default: start a local "
             "cluster of --workers processes].")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, help=f"Processes of the local cluster (one thread each) "
                                       f"[default: {DEFAULT_WORKERS}].")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", envvar=MODEL_ENV, metavar="[LANG=]NAME",
        help="spaCy pipeline, as for newsfacet index; repeatable.")] = None,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", "-a", envvar=ALIASES_ENV, help="Alias file (TOML or CSV), as for "
                                                    "newsfacet index.")] = None,
    partition_docs: Annotated[int, typer.Option(
        "--partition-docs", min=1, help="Articles per partition (the unit of work, of "
                                        "checkpoints and of shards).")]
        = DEFAULT_PARTITION_DOCS,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Texts per NER batch.")] = DEFAULT_BATCH_SIZE,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not look texts up in the NER cache.")] = False,
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Read what symbolic links point to outside the inputs.")]
        = False,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f",
                                               help="Summary format.")] = SummaryFormat.TEXT,
) -> None:
    """Enrich articles on a Dask cluster: NER per partition (model loaded once per worker),
    the corpus pass reduced across workers, then enriched shards (JSONL and Parquet: every
    field of an export plus the mentions) and an entity table in --out. A re-run skips the
    partitions whose mentions checkpoint is written. Build an index from the shards with
    newsfacet index --enriched DIR. Needs: pip install 'newsfacet[dask]'.
    Exit status: 0 all enriched, 3 some articles failed (listed), 1 nothing could be done.

    Example: newsfacet enrich seeds/ 'more/**/*.jsonl' --out enriched --workers 2
    """
    if scheduler and workers is not None:
        typer.echo("Error: --workers sizes the local cluster; with --scheduler the cluster's "
                   "own workers run the job: give one of the two", err=True)
        raise typer.Exit(code=2)
    with user_errors():
        default, by_language = parse_models(model or [])
        report = index_api.enrich(inputs, out, scheduler=scheduler,
                                  workers=workers if workers is not None else DEFAULT_WORKERS,
                                  model=default, models=by_language, aliases=aliases,
                                  partition_docs=partition_docs, batch_size=batch_size,
                                  use_cache=not no_cache, follow_links=follow_links)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        for problem in report.problems:
            typer.echo(render.clean(f"{problem.kind.value}: {problem}", one_line=True), err=True)
        reused = f", {report.reused} from earlier checkpoints" if report.reused else ""
        typer.echo(f"Enriched {report.documents} documents in {report.partitions} partitions"
                   f"{reused} on {report.workers} workers, {report.entities} entities, "
                   f"skipped {report.skipped}, failed {report.failed} in "
                   f"{report.seconds:.1f} s ({report.docs_per_second:.1f} docs/s) -> {out}")
    if not report.ok:
        raise typer.Exit(code=EXIT_PARTIAL)
