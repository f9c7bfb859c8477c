"""``newsfacet cache info|clear``: the NER cache's size and place, and emptying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import index as index_api  # its names load on first use: other commands start faster
from cli import render
from cli.options import user_errors
from cli.render import OutputFormat, format_option
from index import cache_info, clear_cache

app = typer.Typer(
    name="cache",
    help="Show, clear or fill the NER cache (NER results reused by --rebuild and re-indexing). "
         "It lives in $NEWSFACET_CACHE, else $XDG_CACHE_HOME/newsfacet, else "
         "~/.cache/newsfacet.\n\nExample: newsfacet cache info",
    no_args_is_help=True,
    rich_markup_mode=None,
)

FormatOpt = Annotated[OutputFormat, format_option("cache")]


@app.command("info")
def info_cli(fmt: FormatOpt = OutputFormat.TABLE) -> None:
    """Show where the NER cache is, how many texts it holds and its size.

    Example: newsfacet cache info --format json
    """
    with user_errors():
        info = cache_info()
    if fmt is OutputFormat.TABLE:
        typer.echo(f"NER cache: {info.path}\n{info.entries} texts, "
                   f"{info.bytes / 2**20:.1f} MB")
    else:
        render.write_json(info.to_dict())


@app.command("clear")
def clear_cli(fmt: FormatOpt = OutputFormat.TABLE) -> None:
    """Delete every cached NER result (indexes are not touched).

    Example: newsfacet cache clear
    """
    with user_errors():
        before = clear_cache()
    if fmt is OutputFormat.TABLE:
        typer.echo(f"Cleared {before.entries} texts ({before.bytes / 2**20:.1f} MB) from "
                   f"{before.path}")
    else:
        render.write_json({**before.to_dict(), "cleared": True})



@app.command("import")
def import_cli(
    enriched: Annotated[Path, typer.Argument(
        metavar="DIR", help="Output folder of newsfacet enrich (or its mentions/ folder).")],
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Fill the NER cache from the mentions checkpoints of newsfacet enrich, so newsfacet
    index of the same articles runs no NER.

    Example: newsfacet cache import enriched/
    """
    with user_errors():
        done = index_api.import_checkpoints(enriched)
    if fmt is OutputFormat.TABLE:
        typer.echo(f"Imported {done.entries} texts from {done.checkpoints} checkpoints into "
                   f"{done.cache}")
    else:
        render.write_json(done.to_dict())
