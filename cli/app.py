"""The ``newsfacet`` command: the Typer app and its commands, one module per command."""

from __future__ import annotations

from typing import Annotated

import typer

import index
from cli import (
    documents,
    enrich,
    indexing,
    network,
    publish,
    related,
    searching,
    similar,
    watchlist,
)
from cli.cache import app as cache_app
from cli.entities import entities_cli
from cli.saved import app as saved_app
from cli.serve import serve_cli

app = typer.Typer(
    name="newsfacet",
    help="Search news articles by text and by the people, organizations, places and countries "
         "they mention.\n\nExample: newsfacet index seeds/ && newsfacet search \"air strikes\" "
         "--country Syria",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"newsfacet {index.__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True,
        callback=_print_version)] = False) -> None:
    """Search news articles by text and by the people, organizations, places and countries
    they mention."""


app.command("index")(indexing.index_cli)
app.command("search")(searching.search_cli)
app.command("facets")(searching.facets_cli)
app.command("show")(documents.show_cli)
app.command("export")(documents.export_cli)
app.command("stats")(documents.stats_cli)
app.command("related")(related.related_cli)
app.command("similar")(similar.similar_cli)
app.command("serve")(serve_cli)
app.command("enrich")(enrich.enrich_cli)
app.command("publish")(publish.publish_cli)
app.command("entities")(entities_cli)
app.command("watchlist")(watchlist.watchlist_cli)
app.command("network")(network.network_cli)
app.add_typer(cache_app)
app.add_typer(saved_app)


def main() -> None:
    """Console-script entry point."""
    app()
