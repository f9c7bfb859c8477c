"""``newsfacet similar``: articles like a given one, by key terms and shared entities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.options import (
    DEFAULT_INDEX,
    BackendOpt,
    CollapseOpt,
    IndexOpt,
    UrlOpt,
    user_errors,
)
from cli.render import OutputFormat, format_option
from search import DEFAULT_LIMIT, connect


def similar_cli(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (see search).")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="Hits per page.")] = DEFAULT_LIMIT,
    page: Annotated[int, typer.Option("--page", help="Page number, from 1.")] = 1,
    collapse: CollapseOpt = False,
    fmt: Annotated[OutputFormat, format_option("similar")] = OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Show the articles most like one article: more-like-this over its text and entities.

    Example: newsfacet similar 000_e2b58924dca44a21.txt --limit 5 --collapse
    """
    with user_errors(), connect(index, backend=backend and backend.value, url=url) as news:
        result = news.similar(doc_id, limit=limit, page=page, collapse=collapse)
        render.write_result(result, fmt)
