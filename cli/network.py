"""``newsfacet network``: who is named with whom in the matching articles, as a graph file."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.options import (
    DEFAULT_INDEX,
    NO_FILTERS,
    Filters,
    IndexOpt,
    TextArg,
    user_errors,
    with_filters,
)
from search import DEFAULT_MIN_WEIGHT, DEFAULT_TOP_NODES, NETWORK_FACETS, Facet, NewsIndex


class GraphFormat(enum.StrEnum):
    """Formats of ``newsfacet network``."""

    GEXF = "gexf"
    GRAPHML = "graphml"
    JSON = "json"
    CSV = "csv"


@with_filters
def network_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    facets: Annotated[str, typer.Option(
        "--facets", metavar="LIST", help="Comma-separated facets whose values are nodes.")] =
        ",".join(f.value for f in NETWORK_FACETS),
    min_weight: Annotated[int, typer.Option(
        "--min-weight", help="Fewest shared articles for an edge.")] = DEFAULT_MIN_WEIGHT,
    top: Annotated[int, typer.Option("--top", "-t", help="Most nodes: the entities most "
                                                         "often named.")] = DEFAULT_TOP_NODES,
    fmt: Annotated[GraphFormat, typer.Option("--format", "-f", help="gexf or graphml (open in "
                                             "Gephi), json, or csv (one edge a row).")] =
        GraphFormat.GEXF,
    output: Annotated[Path | None, typer.Option("--output", "-O", metavar="FILE",
                                                help="Write to FILE instead of stdout.")] =
        None,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Build the co-mention network of the articles matching the query and filters: nodes are
    entities (with their articles), edges join two named in the same articles (weight:
    articles; lift: against chance).

    Example: newsfacet network --country Syria --facets people,organizations --min-weight 2
    --top 200 --format gexf --output syria.gexf
    """
    with user_errors(), NewsIndex(index) as news:
        chosen = [Facet.parse(name) for name in facets.split(",") if name.strip()]
        result = news.network(text, facets=chosen, min_weight=min_weight, top=top,
                              filters=filters)
        written = result.write(fmt.value)
    if output is None:
        sys.stdout.write(written)
        return
    try:
        output.write_text(written, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"Error: cannot write '{output}' ({exc.strerror}); choose another --output",
                   err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"{len(result.nodes)} nodes, {len(result.edges)} edges from {result.total:,} "
               f"articles -> {output}", err=True)
