"""``newsfacet show``, ``export`` and ``stats``: stored articles and the index's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.options import (
    DEFAULT_INDEX,
    NO_FILTERS,
    BackendOpt,
    CollapseOpt,
    Filters,
    IndexOpt,
    TextArg,
    UrlOpt,
    user_errors,
    with_filters,
)
from cli.render import OutputFormat, format_option
from search import SortOrder, connect


def show_cli(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (see search).")],
    fmt: Annotated[OutputFormat, format_option("show")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Show one article with its entities and text.

    Example: newsfacet show 000_e2b58924dca44a21.txt
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        doc = news.get(doc_id)
        if fmt is OutputFormat.TABLE:
            render.print_document(doc, render.console())
        else:
            render.write_json(doc.to_dict(text=True, mentions=True))


@with_filters
def export_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    sort: Annotated[SortOrder | None, typer.Option(
        "--sort", "-s", help="relevance, date or -date; default index order.")] = None,
    collapse: CollapseOpt = False,
    fmt: Annotated[OutputFormat, format_option("export")] = OutputFormat.JSONL,
    with_text: Annotated[bool, typer.Option("--text", help="Include the article text.")] = False,
    mentions: Annotated[bool, typer.Option("--mentions", help="Include raw NER mentions.")] =
        False,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Write every matching article with its entities, streaming any number (default: all).

    Example: newsfacet export --country Syria --sort -date --format jsonl > syria.jsonl
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        docs = news.export(text, sort=sort, collapse=collapse, filters=filters)
        rows = (d.to_dict(text=with_text, mentions=mentions) for d in docs)
        if fmt is OutputFormat.CSV:
            columns = render.DOCUMENT_COLUMNS + (("text",) if with_text else ()) + (
                ("mentions",) if mentions else ())
            render.write_csv(rows, columns)
        elif fmt is OutputFormat.JSON:
            render.write_json(list(rows))
        else:
            render.write_jsonl(rows)


def stats_cli(
    fmt: Annotated[OutputFormat, format_option("stats")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Show the index's size, date span and distinct entities per facet.

    Example: newsfacet stats --index news-index
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        stats = news.stats()
        if fmt is OutputFormat.TABLE:
            render.print_stats(stats, render.console())
        else:
            render.write_json(stats.to_dict())
