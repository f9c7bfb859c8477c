"""``newsfacet watchlist``: which of a list of names the matching articles name, and where."""

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
from search import (
    DEFAULT_CO_MENTIONS,
    DEFAULT_TOP_ARTICLES,
    NewsIndex,
    WatchlistResult,
    export_watchlist,
    read_watchlist,
)

#: Columns of ``--format csv``.
WATCH_COLUMNS = ("name", "facet", "found", "matched", "articles", "first_date", "last_date",
                 "co_mentioned", "top_ids", "suggestion")


@with_filters
def watchlist_cli(
    names: Annotated[Path, typer.Argument(
        metavar="NAMES", help=".txt (one name a line, optionally person:/org:/place:/country:) "
                              "or .csv (name, facet, aliases separated by ';').")],
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    co_mentions: Annotated[int, typer.Option("--co-mentions", help="Co-mentioned entities "
                                             "per name.")] = DEFAULT_CO_MENTIONS,
    top_articles: Annotated[int, typer.Option("--top-articles", help="Article ids per name, "
                                              "those naming it most first.")] =
        DEFAULT_TOP_ARTICLES,
    export: Annotated[Path | None, typer.Option(
        "--export", metavar="DIR", help="Also write each name's matching articles to DIR "
                                        "(one .jsonl per name, and watchlist.json).")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table, csv, json or "
                                                                      "jsonl.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Look up every name of a list in the articles matching the query and filters: articles,
    first and last date, top co-mentioned entities, the most relevant article ids. Names are
    matched like filter values (case, accents, surnames, aliases); a name found nowhere gets
    a "did you mean".

    Example: newsfacet watchlist names.csv "sanctions" --country Russia --format csv
    """
    with user_errors(), NewsIndex(index) as news:
        entries = read_watchlist(names)
        result = news.watchlist(entries, text, co_mentions=co_mentions,
                                top_articles=top_articles, filters=filters)
        written = export_watchlist(news, result, export) if export is not None else ()
    write_watchlist(result, fmt)
    if written:
        typer.echo(f"Wrote {len(written) - 1} article files and watchlist.json to {export}",
                   err=True)


def write_watchlist(result: WatchlistResult, fmt: OutputFormat) -> None:
    """A watchlist in the chosen format on stdout."""
    rows = [row.to_dict() for row in result.rows]
    if fmt is OutputFormat.JSON:
        render.write_json(result.to_dict())
    elif fmt is OutputFormat.JSONL:
        render.write_jsonl(rows)
    elif fmt is OutputFormat.CSV:
        render.write_csv([_flat(row) for row in rows], WATCH_COLUMNS)
    else:
        out = render.console()
        out.print(f"{result.found} of {len(result.rows)} names found in {result.total:,} "
                  "matching articles")
        table = Table(box=None, pad_edge=False)
        for column in ("name", "found as", "articles", "first", "last", "co-mentioned",
                       "top article"):
            table.add_column(column, overflow="fold",
                             justify="right" if column == "articles" else "left")
        for row in rows:
            flat = _flat(row)
            if not row["found"]:
                hint = f"did you mean {flat['suggestion']}?" if flat["suggestion"] else \
                    "not found"
                table.add_row(row["name"], hint, "0", "", "", "", "")
                continue
            table.add_row(row["name"], str(flat["matched"]), str(row["articles"]),
                          row["first_date"] or "", row["last_date"] or "",
                          ", ".join(c["value"] for c in row["co_mentioned"]),
                          row["top_ids"][0] if row["top_ids"] else "")
        out.print(table)


def _flat(row: dict[str, object]) -> dict[str, object]:
    """A row with its lists as text, for CSV and the table."""
    suggestion = row["suggestion"]
    return {**row,
            "matched": render.LIST_SEPARATOR.join(row["matched"]),  # type: ignore[arg-type]
            "co_mentioned": render.LIST_SEPARATOR.join(
                f"{c['value']} ({c['count']})" for c in row["co_mentioned"]),  # type: ignore[attr-defined]
            "top_ids": render.LIST_SEPARATOR.join(row["top_ids"]),  # type: ignore[arg-type]
            "suggestion": suggestion["suggestion"] if suggestion else ""}  # type: ignore[index]
