"""``newsfacet saved add|list|remove|show``: named searches kept in the index folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli import render
from cli.options import (
    DEFAULT_INDEX,
    NO_FILTERS,
    Filters,
    IndexOpt,
    TextArg,
    user_errors,
    with_filters,
)
from cli.render import OutputFormat
from search import DEFAULT_SHOW_LIMIT, NewsIndex, SavedResult, SavedSearches

app = typer.Typer(
    name="saved",
    help="Save searches under a name, list them and see what arrived since you last looked. "
         "Every index run that adds articles says how many match each saved search."
         "\n\nExample: newsfacet saved add shoigu-watch \"air strikes\" --person Shoigu",
    no_args_is_help=True,
    rich_markup_mode=None,
)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The saved search's name.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f",
                                                 help="table, json, jsonl or csv.")]


@app.command("add")
@with_filters
def add_cli(
    name: NameArg,
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a saved search of "
                                                            "that name.")] = False,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Save a query and filters under NAME; what it matches now counts as seen.

    Example: newsfacet saved add shoigu-watch "air strikes" --person Shoigu
    """
    with user_errors(), NewsIndex(index) as news:
        saved = SavedSearches(news).add(name, text, replace=replace, filters=filters)
        total = len(news.ids(saved.query, **saved.keywords()))
    typer.echo(f"Saved '{saved.name}': {total} articles match now")


@app.command("list")
def list_cli(fmt: FormatOpt = OutputFormat.TABLE, index: IndexOpt = Path(DEFAULT_INDEX)) -> None:
    """List the saved searches of the index.

    Example: newsfacet saved list --format json
    """
    with user_errors(), NewsIndex(index) as news:
        searches = SavedSearches(news).list()
    rows = [s.to_dict() for s in searches]
    if fmt is OutputFormat.JSON:
        render.write_json({"saved": rows})
    elif fmt is OutputFormat.JSONL:
        render.write_jsonl(rows)
    elif fmt is OutputFormat.CSV:
        render.write_csv([{**r, "filters": render.filter_text(r["filters"])} for r in rows],
                         ("name", "query", "filters", "created", "shown"))
    else:
        table = Table(box=None, pad_edge=False)
        for column in ("name", "query", "filters", "last shown"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(row["name"], row["query"], render.filter_text(row["filters"]),
                          row["shown"] or "never")
        render.console().print(table if rows else "No saved searches.")


@app.command("remove")
def remove_cli(name: NameArg, index: IndexOpt = Path(DEFAULT_INDEX)) -> None:
    """Forget a saved search.

    Example: newsfacet saved remove shoigu-watch
    """
    with user_errors(), NewsIndex(index) as news:
        SavedSearches(news).remove(name)
    typer.echo(f"Removed '{name}'")


@app.command("show")
def show_cli(
    name: NameArg,
    new: Annotated[bool, typer.Option("--new", help="Only the articles that arrived since "
                                                    "it was last shown.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Articles to list (0: none), "
                                                             "newest first.")] =
        DEFAULT_SHOW_LIMIT,
    fmt: FormatOpt = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Run a saved search: its matches, newest first, or with --new only those that arrived
    since it was last shown. Showing marks them as seen.

    Example: newsfacet saved show shoigu-watch --new
    """
    with user_errors(), NewsIndex(index) as news:
        result = SavedSearches(news).show(name, new=new, limit=limit)
    write_saved(result, fmt, new=new)


def write_saved(result: SavedResult, fmt: OutputFormat, *, new: bool) -> None:
    """A saved search's result in the chosen format on stdout."""
    rows = [d.to_dict() for d in result.documents]
    if fmt is OutputFormat.JSON:
        render.write_json(result.to_dict())
    elif fmt is OutputFormat.JSONL:
        render.write_jsonl(rows)
    elif fmt is OutputFormat.CSV:
        render.write_csv(rows, render.DOCUMENT_COLUMNS)
    else:
        out = render.console()
        what = f"{result.new} new of {result.total}" if new else f"{result.total}"
        out.print(f"'{result.search.name}': {what} matching articles")
        table = Table(box=None, pad_edge=False)
        for column in ("date", "id", "title"):
            table.add_column(column, overflow="fold")
        for doc in result.documents:
            table.add_row(str(doc.date or ""), doc.id, doc.title)
        if result.documents:
            out.print(table)
