"""The ``newsfacet entities`` command: canonical entities, counts and merged spellings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli import render
from cli.options import user_errors
from cli.render import OutputFormat, format_option
from search import DEFAULT_TOP, Facet, NewsIndex, list_entities

INDEX_ENV = "NEWSFACET_INDEX"
DEFAULT_INDEX = "news-index"
ENTITY_COLUMNS = ("name", "count", "variants")
#: Countries also list the places and nationalities that imply them.
COUNTRY_COLUMNS = (*ENTITY_COLUMNS, "implied_by")


def entities_cli(
    facet: Annotated[str, typer.Argument(
        help="people, organizations, places or countries.")] = Facet.PEOPLE.value,
    match: Annotated[str | None, typer.Option(
        "--match", "-m", help="Only entities whose name or a merged spelling contains this "
                              "text (case and accents ignored).")] = None,
    top: Annotated[int, typer.Option("--top", "-t", min=0,
                                     help="How many entities (0: all).")] = DEFAULT_TOP,
    fmt: Annotated[OutputFormat, format_option("entities")] = OutputFormat.TABLE,
    index: Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV,
                                        help=f"Index directory [env {INDEX_ENV}].")] =
        Path(DEFAULT_INDEX),
) -> None:
    """List canonical entities with their document counts and the spellings merged into each.

    Use it to check what was merged; fix a wrong merge or a missing one with an alias file
    and `newsfacet index --renormalize --aliases FILE`.

    Example: newsfacet entities people --match baker --top 10
    """
    with user_errors(), NewsIndex(index) as news:
        chosen = Facet.parse(facet)
        found = list_entities(news, chosen, match=match, top=top)
    rows = [e.to_dict() for e in found]
    if fmt is OutputFormat.JSON:
        render.write_json({"facet": chosen.value, "entities": rows})
    elif fmt is OutputFormat.CSV:
        render.write_csv(rows, COUNTRY_COLUMNS if chosen is Facet.COUNTRIES else ENTITY_COLUMNS)
    else:
        table = Table(title=chosen.value, title_style="bold", box=None, pad_edge=False)
        table.add_column("name", overflow="fold")
        table.add_column("docs", justify="right", style="cyan")
        table.add_column("merged spellings", overflow="fold")
        countries = chosen is Facet.COUNTRIES
        if countries:
            table.add_column("implied by", overflow="fold")
        for entity in found:
            cells = [entity.name, str(entity.count), render.LIST_SEPARATOR.join(entity.variants)]
            if countries:
                cells.append(render.LIST_SEPARATOR.join(entity.implied_by))
            table.add_row(*(render.clean(cell) for cell in cells))
        render.console().print(table)
