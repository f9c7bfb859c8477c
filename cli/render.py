"""Turn library results into terminal tables, JSON, JSON lines or CSV. No logic lives here."""

from __future__ import annotations

import csv
import dataclasses
import enum
import html
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

import typer
from rich.columns import Columns
from rich.console import Console
from rich.table import Table
from rich.text import Text

from search import Document, FacetCount, IndexStats, RelatedResult, SearchResult

_BOLD = re.compile(r"<b>(.*?)</b>", re.S)
LIST_SEPARATOR = "; "
#: Characters never printed for a person: C0 controls but tab and newline (ESC starts the
#: sequences that clear the screen, retitle the window or hide links), DEL, C1 controls and
#: the bidirectional overrides that make text read differently from what it holds.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
                           *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ONE_LINE = {**_CONTROLS, 0x09: " ", 0x0A: " "}


def clean(text: str, *, one_line: bool = False) -> str:
    """``text`` without control characters, safe to print on a terminal; ``one_line``
    also turns tabs and newlines into spaces."""
    return text.translate(_ONE_LINE if one_line else _CONTROLS)


def cleaned(value: Any) -> Any:
    """A copy of a result value (dataclass, mapping, sequence, text) with every text
    :func:`clean`; for tables and CSV, never for JSON, which keeps the data exact."""
    if isinstance(value, str):
        return clean(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: cleaned(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, Mapping):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(cleaned(v) for v in value)
    return value


class OutputFormat(enum.StrEnum):
    """Output formats of commands that print results."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


_ALL_FORMATS = tuple(OutputFormat)
#: The formats each command prints, its default first: the one place they are declared.
#: ``--format`` offers these and the option parser refuses the others.
COMMAND_FORMATS: dict[str, tuple[OutputFormat, ...]] = {
    "search": _ALL_FORMATS,
    "facets": _ALL_FORMATS,
    "similar": _ALL_FORMATS,
    "related": _ALL_FORMATS,
    "show": (OutputFormat.TABLE, OutputFormat.JSON),
    "stats": (OutputFormat.TABLE, OutputFormat.JSON),
    "cache": (OutputFormat.TABLE, OutputFormat.JSON),
    "entities": (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.CSV),
    "export": (OutputFormat.JSONL, OutputFormat.JSON, OutputFormat.CSV),
}


def format_option(command: str) -> Any:
    """The ``--format``/``-f`` option of ``command``, offering its formats only."""
    allowed = COMMAND_FORMATS[command]
    names = [f.value for f in allowed]

    def check(value: OutputFormat | None) -> OutputFormat | None:
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"{command} prints {', '.join(names[:-1])} or "
                                     f"{names[-1]}, not {value.value}")
        return value

    return typer.Option("--format", "-f", metavar="[" + "|".join(names) + "]",
                        help=f"Output format: {', '.join(names)} (default {names[0]}).",
                        callback=check, show_default=False)


def console(stream: TextIO | None = None) -> Console:
    """A rich console on ``stream`` (stdout by default) that keeps long lines whole in pipes."""
    return Console(file=stream or sys.stdout, soft_wrap=False, highlight=False, markup=False)


def snippet_text(snippet: str) -> Text:
    """An HTML snippet with ``<b>`` marks as rich text in bold."""
    text = Text()
    position = 0
    for match in _BOLD.finditer(snippet):
        text.append(html.unescape(snippet[position:match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        position = match.end()
    text.append(html.unescape(snippet[position:]))
    return text


def write_json(data: Any, stream: TextIO | None = None) -> None:
    """Pretty JSON, UTF-8 as is."""
    out = stream or sys.stdout
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(rows: Iterable[Mapping[str, Any]], stream: TextIO | None = None) -> None:
    """One compact JSON object per line, flushed as it goes."""
    out = stream or sys.stdout
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str],
              stream: TextIO | None = None) -> None:
    """CSV with a header; list values are joined with ``"; "``."""
    writer = csv.DictWriter(stream or sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cleaned(_cell(v)) for k, v in row.items()})


def _cell(value: Any) -> Any:
    """A CSV cell: a list of names joined, nested data (NER mentions) as JSON text."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def facet_table(name: str, counts: Sequence[FacetCount]) -> Table:
    """A two-column table of one facet's values and counts."""
    table = Table(title=name, title_style="bold", show_header=False, box=None, pad_edge=False)
    table.add_column("value", overflow="fold", max_width=32)
    table.add_column("count", justify="right", style="cyan")
    for item in counts:
        table.add_row(clean(item.value), str(item.count))
    if not counts:
        table.add_row(Text("(none)", style="dim"), "")
    return table


def write_result(result: SearchResult, fmt: OutputFormat) -> None:
    """A search result in the chosen format on stdout."""
    if fmt is OutputFormat.JSON:
        write_json(result.to_dict())
    elif fmt is OutputFormat.JSONL:
        write_jsonl(hit_rows(result))
    elif fmt is OutputFormat.CSV:
        write_csv(hit_rows(result), HIT_COLUMNS)
    else:
        print_search(result, console())


def suggestion_text(result: SearchResult) -> Text | None:
    """"Did you mean" as a command-line fix, or ``None`` when there is no suggestion."""
    options = {"people": "--person", "organizations": "--org", "places": "--place",
               "countries": "--country"}
    parts = [f'"{s.suggestion}"' if s.field == "text" else
             f'{options.get(s.field, "--" + s.field)} "{s.suggestion}"'
             for s in result.suggestions]
    if not parts:
        return None
    reasons = "".join(f"{s.reason}. " for s in result.suggestions if s.reason)
    return Text.assemble(reasons, ("Did you mean: ", "bold"), " ".join(parts), "?")


def date_table(result: SearchResult) -> Table:
    """The date histogram as bars, empty months and years included: a gap is news too."""
    table = Table(title=f"dates (by {result.date_interval})", title_style="bold",
                  show_header=False, box=None, pad_edge=False)
    table.add_column("bucket", style="dim")
    table.add_column("count", justify="right", style="cyan")
    table.add_column("bar")
    peak = max((c.count for c in result.dates), default=0)
    for bucket in result.dates:
        table.add_row(bucket.value, str(bucket.count),
                      "█" * max(1 if bucket.count else 0, round(20 * bucket.count / peak))
                      if peak else "")
    return table


def filter_text(filters: Mapping[str, Sequence[str]]) -> str:
    """Filters on one line: ``people=Shoigu+Putin  since=2019-01-01``."""
    return "  ".join(f"{k}={'+'.join(v)}" for k, v in filters.items())


def print_related(result: RelatedResult, out: Console) -> None:
    """Co-mentions per facet: value, count and lift."""
    result = cleaned(result)
    query = repr(result.query) if result.query else "every document"
    filters = filter_text(result.filters)
    out.print(Text.assemble((f"{result.total:,} matching", "bold"), f" for {query}"
                            + (f" with {filters}" if filters else "")))
    tables = []
    for name, items in result.related.items():
        table = Table(title=name, title_style="bold", box=None, pad_edge=False)
        table.add_column("value", overflow="fold", max_width=32)
        table.add_column("count", justify="right", style="cyan")
        table.add_column("lift", justify="right", style="dim")
        for item in items:
            table.add_row(item.value, str(item.count), f"{item.lift:.1f}")
        if not items:
            table.add_row(Text("(none)", style="dim"), "", "")
        tables.append(table)
    out.print()
    out.print(Columns(tables, padding=(0, 4)))


#: How ``NewsIndex.similar`` labels its result's query.
SIMILAR_LABEL = "similar:"
#: Terminals narrower than this get the facet tables one below the other.
SIDE_BY_SIDE_WIDTH = 100


def print_search(result: SearchResult, out: Console) -> None:
    """Ranked hits with snippets, then the facet tables."""
    result = cleaned(result)
    shown = f"{len(result.hits)} shown" if result.hits else "none on this page"
    query = repr(result.query) if result.query else "every document"
    filters = filter_text(result.filters)
    if result.query.startswith(SIMILAR_LABEL):
        # A similarity search matches every article sharing one word with the original:
        # that count is how many were compared, not how many are alike.
        out.print(Text.assemble(
            ("Most like ", "bold"), result.query[len(SIMILAR_LABEL):],
            f" (compared with the {result.total:,} articles that share a key word or an "
            f"entity with it; page {result.page} of {result.pages}, {shown})"))
    else:
        out.print(Text.assemble((f"{result.total:,} matching", "bold"),
                                f" for {query}" + (f" with {filters}" if filters else "")
                                + f" (page {result.page} of {result.pages}, {shown})"))
    for hit in result.hits:
        out.print()
        doc = hit.document
        out.print(Text.assemble((f"{hit.rank}. ", "dim"), (doc.title or "(untitled)", "bold")))
        meta = [doc.date.isoformat() if doc.date else None, doc.source, doc.id]
        if hit.score is not None:
            meta.append(f"score {hit.score:.2f}")
        if hit.copies > 1:
            meta.append(f"{hit.copies} copies")
        out.print(Text("   " + " · ".join(m for m in meta if m), style="dim"))
        out.print(Text("   ").append(snippet_text(hit.snippet)))
    fix = suggestion_text(result)
    if fix is not None:
        out.print(fix)
    if result.total and any(result.facets.values()):  # nothing counted: no empty tables
        out.print()
        tables = [facet_table(name, counts) for name, counts in result.facets.items()
                  if counts]
        if result.dates:
            tables.append(date_table(result))
        if out.width < SIDE_BY_SIDE_WIDTH:
            # Four tables side by side wrap and cut names on a narrow terminal.
            for table in tables:
                out.print(table)
                out.print()
        else:
            out.print(Columns(tables, padding=(0, 4)))


def hit_rows(result: SearchResult) -> list[dict[str, Any]]:
    """Hits as flat dicts for JSON lines and CSV."""
    return [hit.to_dict() for hit in result.hits]


HIT_COLUMNS = ("id", "title", "path", "date", "source", "url", "score", "snippet", "copies",
               "people", "organizations", "places", "countries")
DOCUMENT_COLUMNS = tuple(c for c in HIT_COLUMNS if c not in ("score", "snippet", "copies"))


def print_document(doc: Document, out: Console) -> None:
    """One document: metadata, entities, then its text."""
    doc = cleaned(doc)
    out.print(Text(doc.title or "(untitled)", style="bold"))
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="dim")
    table.add_column(overflow="fold")
    for label, value in (("id", doc.id), ("path", doc.path),
                         ("date", doc.date.isoformat() if doc.date else ""),
                         ("source", doc.source or ""), ("url", doc.url or "")):
        if value:
            table.add_row(label, value)
    for name in ("people", "organizations", "places", "countries"):
        table.add_row(name, ", ".join(getattr(doc, name)) or "-")
    out.print(table)
    out.print()
    out.print(doc.text)


def print_stats(stats: IndexStats, out: Console) -> None:
    """Index figures as a small table."""
    stats = cleaned(stats)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="dim")
    table.add_column()
    span = f"{stats.earliest} to {stats.latest}" if stats.earliest else "-"
    rows = [("index", stats.path), ("documents", f"{stats.documents:,}"),
            ("model", stats.model or "-"), ("dates", span),
            *((f"distinct {k}", f"{v:,}") for k, v in stats.entities.items()),
            ("segments", str(stats.segments)), ("size", f"{stats.size_bytes / 1e6:,.1f} MB")]
    for label, value in rows:
        table.add_row(label, value)
    out.print(table)


def index_summary(report: Any, index: Any) -> str:
    """One line saying what an index run did (``report`` is an ``index.IndexReport``)."""
    cached = f" ({report.cached} from the NER cache)" if report.cached else ""
    return (f"Indexed {report.indexed}{cached}, unchanged {report.unchanged}, removed "
            f"{report.removed}, skipped {report.skipped}, failed {report.failed} in "
            f"{report.seconds:.1f} s ({report.docs_per_second:.1f} docs/s) -> {index}"
            f"{_without_model(report.without_model)}")


def _without_model(counts: Any) -> str:
    """"; 312 articles in 4 languages without an NER model (de 200, fr 100, ...)": text only."""
    if not counts:
        return ""
    total = sum(counts.values())
    named = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{lang or 'unknown'} {count}" for lang, count in named[:6])
    more = ", ..." if len(named) > 6 else ""
    languages = "language" if len(named) == 1 else "languages"
    return (f"; {total} article{'s' if total != 1 else ''} in {len(named)} {languages} without "
            f"an NER model ({listed}{more}): indexed for text only, add one with "
            "--model LANG=NAME")
