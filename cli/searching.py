"""``newsfacet search`` and ``newsfacet facets``: hits and facet counts for a query."""

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
    DisjunctiveOpt,
    Filters,
    IndexOpt,
    SortOpt,
    TextArg,
    UrlOpt,
    user_errors,
    with_filters,
)
from cli.render import OutputFormat, format_option
from search import DEFAULT_FACET_SIZE, DEFAULT_LIMIT, DateInterval, Facet, connect


@with_filters
def search_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Hits per page.")] = DEFAULT_LIMIT,
    page: Annotated[int, typer.Option("--page", help="Page number, from 1 (no upper cap).")] = 1,
    facet_size: Annotated[int, typer.Option("--facet-size", help="Values per facet (0: all).")] =
        DEFAULT_FACET_SIZE,
    disjunctive: DisjunctiveOpt = False,
    sort: SortOpt = None,
    interval: Annotated[DateInterval, typer.Option(
        "--interval", help="Date histogram buckets: auto (month, or year over more than three "
                           "years), month or year.")] = DateInterval.AUTO,
    collapse: CollapseOpt = False,
    fmt: Annotated[OutputFormat, format_option("search")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Search by text and entity filters; show ranked hits, facet counts over all matches
    and a date histogram. A word or filter value that matches nothing gets a "did you mean".

    Query syntax: words, "phrases", AND/OR/NOT, -word, person:/org:/place:/country: fields
    with groups, e.g. 'person:(Putin OR Shoigu) -country:Ukraine'.

    Example: newsfacet search "air strikes" --country Syria --any-person Shoigu --any-person
    Putin --not-country Turkey --sort -date
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        result = news.search(text, filters=filters,
            limit=limit, page=page, facet_size=facet_size, disjunctive=disjunctive, sort=sort,
            date_interval=interval, collapse=collapse)
        render.write_result(result, fmt)


@with_filters
def facets_cli(
    facet: Annotated[str, typer.Argument(metavar="FACET",
                                         help="people, organizations, places or countries.")],
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    top: Annotated[int, typer.Option("--top", "-t", "--facet-size",
                                     help="How many values (0: all).")] = 20,
    match: Annotated[str | None, typer.Option(
        "--match", "-m", help="Only values containing this text (ignores case and accents).")]
        = None,
    disjunctive: DisjunctiveOpt = False,
    fmt: Annotated[OutputFormat, format_option("facets")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Count one facet's values over every article matching the query and filters, by count
    then name; export the table with --format csv or json.

    Example: newsfacet facets people "election" --match shoi --format csv
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        chosen = Facet.parse(facet)
        counts = news.facet(chosen, text, size=top, match=match, disjunctive=disjunctive,
                            filters=filters)
        rows = [c.to_dict() for c in counts]
        if fmt is OutputFormat.JSON:
            render.write_json({"facet": chosen.value, "query": text, "values": rows})
        elif fmt is OutputFormat.JSONL:
            render.write_jsonl(rows)
        elif fmt is OutputFormat.CSV:
            render.write_csv(rows, ("value", "count"))
        else:
            render.console().print(render.facet_table(chosen.value, counts))
