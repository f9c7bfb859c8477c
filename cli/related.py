"""``newsfacet related``: the entities most often named together with a query's matches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.options import (
    DEFAULT_INDEX,
    NO_FILTERS,
    BackendOpt,
    Filters,
    IndexOpt,
    TextArg,
    UrlOpt,
    user_errors,
    with_filters,
)
from cli.render import OutputFormat, format_option
from search import DEFAULT_RELATED_SIZE, RELATED_FACETS, connect


@with_filters
def related_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    facet: Annotated[list[str] | None, typer.Option(
        "--facet", help="Facets to list; repeatable (default people, organizations, "
                        "countries).")] = None,
    top: Annotated[int, typer.Option("--top", "-t", help="Values per facet (0: all).")] =
        DEFAULT_RELATED_SIZE,
    fmt: Annotated[OutputFormat, format_option("related")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """List the people, organizations and countries most often named in the articles that
    match, with their count and lift (how many times more often than in the whole index).

    Example: newsfacet related --person "Sergei Shoigu" --format csv
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        result = news.related(text, facets=facet or RELATED_FACETS, size=top, filters=filters)
        rows = [item.to_dict() for item in result.rows()]
        if fmt is OutputFormat.JSON:
            render.write_json(result.to_dict())
        elif fmt is OutputFormat.JSONL:
            render.write_jsonl(rows)
        elif fmt is OutputFormat.CSV:
            render.write_csv(rows, ("facet", "value", "count", "lift"))
        else:
            render.print_related(result, render.console())
