"""Options and helpers shared by the ``newsfacet`` commands."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.render import clean
from search import (
    DATE_HELP,
    DATE_KEYWORDS,
    FILTER_FIELDS,
    LANGUAGE_HELP,
    LANGUAGE_KEYWORD,
    FilterField,
    Mode,
    NewsfacetError,
    SortOrder,
)
from search import Filters as LibraryFilters

INDEX_ENV = "NEWSFACET_INDEX"
DEFAULT_INDEX = "news-index"

IndexOpt = Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV, metavar="DIR",
                                        help="Index directory.")]
DisjunctiveOpt = Annotated[bool, typer.Option(
    "--disjunctive", help="Count each facet without its own filters (multi-select UIs).")]
CollapseOpt = Annotated[bool, typer.Option(
    "--collapse", help="Show near-duplicate copies of one story once, with their count.")]
SortOpt = Annotated[SortOrder | None, typer.Option(
    "--sort", "-s", help="relevance, date (oldest first) or -date (newest first); default "
                         "relevance with text, newest first without.")]
TextArg = Annotated[str, typer.Argument(
    metavar="QUERY", help="Query text in Whoosh syntax; empty for all.")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit status 1."""
    try:
        yield
    except NewsfacetError as exc:
        typer.echo(f"Error: {clean(str(exc), one_line=True)}", err=True)
        raise typer.Exit(code=1) from None
    except BrokenPipeError:
        # The reader (head, less) went away: not an error worth a traceback.
        sys.stderr.close()
        raise typer.Exit(code=0) from None


#: The default of a ``filters`` parameter, always replaced by the options' values.
NO_FILTERS = LibraryFilters()


def _option(field: FilterField) -> Any:
    flags = (field.option, field.short) if field.short else (field.option,)
    return Annotated[list[str] | None, typer.Option(*flags, metavar="NAME", help=field.help)]


def _date_option(name: str) -> Any:
    return Annotated[str | None, typer.Option(f"--{name}", metavar="DATE", help=DATE_HELP[name])]


#: The entity, date and language filter options of every command that selects articles,
#: generated from the one filter table, in the order --help lists them: all-of, dates,
#: language, any-of, none-of.
FILTER_OPTIONS: tuple[tuple[str, Any], ...] = (
    *((f.keyword, _option(f)) for f in FILTER_FIELDS if f.mode is Mode.ALL),
    *((name, _date_option(name)) for name in DATE_KEYWORDS),
    (LANGUAGE_KEYWORD, Annotated[list[str] | None, typer.Option(
        "--language", metavar="LANG", help=LANGUAGE_HELP)]),
    *((f.keyword, _option(f)) for f in FILTER_FIELDS if f.mode is not Mode.ALL),
)
Filters = LibraryFilters


def with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the filter options in place of its ``filters`` parameter.

    The command receives the chosen filters as one checked :class:`search.Filters` value in
    ``filters``; Typer sees the options. A bad value (a malformed date) is the usual one-line
    error.
    """
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "filters":
            parameters.append(parameter)
            continue
        parameters.extend(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=None, annotation=annotation)
                          for name, annotation in FILTER_OPTIONS)

    @functools.wraps(command)
    def wrapper(**options: Any) -> None:
        chosen = {name: options.pop(name) for name, _ in FILTER_OPTIONS}
        with user_errors():
            filters = LibraryFilters.build(**chosen)
        command(filters=filters, **options)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper
