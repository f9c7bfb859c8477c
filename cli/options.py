"""Options and helpers shared by the ``newsfacet`` commands."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

import typer

from search import NewsfacetError, SortOrder

INDEX_ENV = "NEWSFACET_INDEX"
DEFAULT_INDEX = "news-index"

IndexOpt = Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV, metavar="DIR",
                                        help="Index directory.")]
PersonOpt = Annotated[list[str] | None, typer.Option(
    "--person", "-p", metavar="NAME",
    help="Only articles naming this person; repeat for all of several.")]
OrgOpt = Annotated[list[str] | None, typer.Option(
    "--org", "-o", metavar="NAME",
    help="Only articles naming this organization; repeatable.")]
PlaceOpt = Annotated[list[str] | None, typer.Option(
    "--place", metavar="NAME",
    help="Only articles naming this place; repeatable.")]
CountryOpt = Annotated[list[str] | None, typer.Option(
    "--country", "-c", metavar="NAME",
    help="Only articles naming or implying this country (name, alias or ISO code); "
         "repeatable.")]
AnyPersonOpt = Annotated[list[str] | None, typer.Option(
    "--any-person", metavar="NAME",
    help="Articles naming at least one of these people; repeatable.")]
AnyOrgOpt = Annotated[list[str] | None, typer.Option(
    "--any-org", metavar="NAME",
    help="Articles naming at least one of these organizations; repeatable.")]
AnyPlaceOpt = Annotated[list[str] | None, typer.Option(
    "--any-place", metavar="NAME",
    help="Articles naming at least one of these places; repeatable.")]
AnyCountryOpt = Annotated[list[str] | None, typer.Option(
    "--any-country", metavar="NAME",
    help="Articles naming at least one of these countries; repeatable.")]
NotPersonOpt = Annotated[list[str] | None, typer.Option(
    "--not-person", metavar="NAME",
    help="Leave out articles naming this person; repeatable.")]
NotOrgOpt = Annotated[list[str] | None, typer.Option(
    "--not-org", metavar="NAME",
    help="Leave out articles naming this organization; repeatable.")]
NotPlaceOpt = Annotated[list[str] | None, typer.Option(
    "--not-place", metavar="NAME",
    help="Leave out articles naming this place; repeatable.")]
NotCountryOpt = Annotated[list[str] | None, typer.Option(
    "--not-country", metavar="NAME",
    help="Leave out articles naming this country; repeatable.")]
DisjunctiveOpt = Annotated[bool, typer.Option(
    "--disjunctive", help="Count each facet without its own filters (multi-select UIs).")]
CollapseOpt = Annotated[bool, typer.Option(
    "--collapse", help="Show near-duplicate copies of one story once, with their count.")]
SortOpt = Annotated[SortOrder | None, typer.Option(
    "--sort", "-s", help="relevance, date (oldest first) or -date (newest first); default "
                         "relevance with text, newest first without.")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", metavar="DATE",
    help="Dated on or after: 2019, 2019-06, 2019-06-30, '30 June 2019', yesterday, 7d, 3m, 1y.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="DATE",
    help="Dated on or before (same forms; 2019-06 means to the end of June).")]
TextArg = Annotated[str, typer.Argument(
    metavar="QUERY", help="Query text in Whoosh syntax; empty for all.")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit status 1."""
    try:
        yield
    except NewsfacetError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except BrokenPipeError:
        # The reader (head, less) went away: not an error worth a traceback.
        sys.stderr.close()
        raise typer.Exit(code=0) from None


#: What a command decorated with :func:`with_filters` receives: library keyword filters.
Filters = Mapping[str, Any]
#: The default of its ``filters`` parameter, always replaced by the options' values.
NO_FILTERS: Filters = MappingProxyType({})

#: The entity and date filter options of every command that selects articles, in the
#: order --help lists them.
FILTER_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("person", PersonOpt), ("org", OrgOpt), ("place", PlaceOpt), ("country", CountryOpt),
    ("since", SinceOpt), ("until", UntilOpt),
    ("any_person", AnyPersonOpt), ("any_org", AnyOrgOpt), ("any_place", AnyPlaceOpt),
    ("any_country", AnyCountryOpt), ("not_person", NotPersonOpt), ("not_org", NotOrgOpt),
    ("not_place", NotPlaceOpt), ("not_country", NotCountryOpt),
)
_ENTITY_FACETS = {"person": "people", "org": "organizations", "place": "places",
                  "country": "countries"}


def with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the filter options in place of its ``filters`` parameter.

    The command receives the chosen filters as the library's keyword arguments
    (``people=…, any_countries=…, since=…``) in ``filters``; Typer sees the options.
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
        command(filters=_library_filters(chosen), **options)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def _library_filters(options: dict[str, Any]) -> dict[str, Any]:
    """Library keyword filters from the CLI options' values."""
    out: dict[str, Any] = {"since": options["since"], "until": options["until"]}
    for option, values in options.items():
        prefix, _, name = option.rpartition("_")
        if name in _ENTITY_FACETS:
            out[f"{prefix}_{_ENTITY_FACETS[name]}" if prefix else _ENTITY_FACETS[name]] = \
                values or ()
    return out
