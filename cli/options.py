"""Options and helpers shared by the ``newsfacet`` commands."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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
    "--since", metavar="DATE", help="Dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="DATE", help="Dated on or before YYYY-MM-DD.")]
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


def filter_options(person: list[str] | None, org: list[str] | None, place: list[str] | None,
             country: list[str] | None, since: str | None, until: str | None,
             **either_or_not: list[str] | None) -> dict[str, Any]:
    """Library keyword filters from CLI options; ``either_or_not`` holds ``any_person``…"""
    out: dict[str, Any] = {"people": person or (), "organizations": org or (),
                           "places": place or (), "countries": country or (),
                           "since": since, "until": until}
    names = {"person": "people", "org": "organizations", "place": "places",
             "country": "countries"}
    for option, values in either_or_not.items():
        prefix, _, name = option.partition("_")
        out[f"{prefix}_{names[name]}"] = values or ()
    return out
