"""``newsfacet publish``: copy an index to an OpenSearch cluster, swapped in at once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

import search
from cli import render
from cli.indexing import SummaryFormat
from cli.options import DEFAULT_INDEX, user_errors
from search import URL_ENV

INDEX_ENV = "NEWSFACET_INDEX"


def publish_cli(
    index: Annotated[Path, typer.Argument(
        metavar="INDEX", envvar=INDEX_ENV, help="The newsfacet index directory to publish.")]
        = Path(DEFAULT_INDEX),
    opensearch: Annotated[str, typer.Option(
        "--opensearch", "--url", envvar=URL_ENV, metavar="URL",
        help="The OpenSearch cluster, e.g. http://localhost:9200 (a /NAME path sets "
             "--alias).")] = "http://localhost:9200",
    alias: Annotated[str | None, typer.Option(
        "--alias", "-a", metavar="NAME",
        help="Name to search it by (an alias swapped to the new copy when it is complete); "
             "default the URL's path, else newsfacet.")] = None,
    shards: Annotated[int, typer.Option("--shards", min=1, help="Primary shards.")] = 1,
    replicas: Annotated[int, typer.Option("--replicas", min=0, help="Replicas per shard.")]
        = 0,
    fmt: Annotated[SummaryFormat, typer.Option(
        "--format", "-f", help="The summary as a line of text or JSON.")] = SummaryFormat.TEXT,
) -> None:
    """Publish an index to OpenSearch: articles, facets and the entity table, loaded into
    new indexes, then swapped in under one alias so searches never see a half-loaded copy.
    Search it with --backend opensearch --url URL/NAME (needs: pip install
    'newsfacet[opensearch]').

    Example: newsfacet publish news-index --opensearch http://localhost:9200 --alias news
    """
    bar = Progress("publishing", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=render.console(sys.stderr), transient=True,
                   disable=not sys.stderr.isatty())
    with user_errors(), bar:
        task = bar.add_task("documents", total=None)
        report = search.publish(index, opensearch, alias=alias, shards=shards, replicas=replicas,
                         progress=lambda done, total: bar.update(task, completed=done,
                                                                 total=total))
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        replaced = f", replacing {', '.join(report.replaced)}" if report.replaced else ""
        typer.echo(f"Published {report.documents:,} documents and {report.entities:,} entities "
                   f"as '{report.alias}' at {report.url} ({report.index}{replaced}) in "
                   f"{report.seconds:.1f} s")
