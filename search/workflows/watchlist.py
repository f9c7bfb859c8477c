"""Watchlists: which of a list of names appear in the matching articles, and where.

Each listed name (a person, organization, place or country, with optional aliases) is
resolved like a filter value: case and accents ignored, a surname finds the full names
holding it, country aliases and codes and the index's alias table apply. Without a facet,
a name is looked up in every facet and the one where it names an entity outright (else
the one with most articles) wins. A name that names nothing gets the closest known value
as a suggestion. Everything is counted with the facet columns, so hundreds of names take
well under a second on a laptop.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz

from index import FACETS, MENTIONS, Aliases, Facet, InvalidValueError, mention_term, name_key
from search.counting.facets import FacetColumn
from search.query.parser import resolve_ids
from search.query.suggest import entity_suggestion
from search.ranking.postings import Postings
from search.results import FrozenMap, Suggestion

if TYPE_CHECKING:
    from search.engine import NewsIndex

#: Most names one watchlist may hold.
MAX_NAMES = 5_000
#: Co-mentioned entities listed per name.
DEFAULT_CO_MENTIONS = 3
#: Article ids listed per name, the most relevant first.
DEFAULT_TOP_ARTICLES = 5
#: Facets whose values count as co-mentions.
CO_MENTION_FACETS: tuple[Facet, ...] = (Facet.PEOPLE, Facet.ORGANIZATIONS, Facet.COUNTRIES)
#: Separator of several aliases in one CSV cell.
ALIAS_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class WatchName:
    """A name to look for: in one facet, or in any when ``facet`` is None; ``aliases``
    are other spellings that count as the same entity."""

    name: str
    facet: Facet | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CoMentioned:
    """An entity named in ``count`` of the articles that name a watched name."""

    facet: str
    value: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"facet", "value", "count"}``."""
        return {"facet": self.facet, "value": self.value, "count": self.count}


@dataclass(frozen=True, slots=True)
class WatchRow:
    """One watched name in the matching articles.

    Attributes:
        name: the name as listed.
        facet: the facet it was found in (None when not found).
        matched: the index's values it names.
        articles: matching articles naming it.
        first_date, last_date: the dates of the first and last of them (undated: None).
        co_mentioned: the entities most often named in the same articles.
        top_ids: the ids of the articles that name it most, then the newest.
        suggestion: for a name found nowhere, the closest value of the index.
        ids: every matching article naming it, newest first.
    """

    name: str
    facet: str | None
    matched: tuple[str, ...]
    articles: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    co_mentioned: tuple[CoMentioned, ...] = ()
    top_ids: tuple[str, ...] = ()
    suggestion: Suggestion | None = None
    ids: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Whether the name names an entity of the index."""
        return bool(self.matched)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (without the full ``ids`` list)."""
        return {"name": self.name, "facet": self.facet, "found": self.found,
                "matched": list(self.matched), "articles": self.articles,
                "first_date": self.first_date.isoformat() if self.first_date else None,
                "last_date": self.last_date.isoformat() if self.last_date else None,
                "co_mentioned": [c.to_dict() for c in self.co_mentioned],
                "top_ids": list(self.top_ids),
                "suggestion": self.suggestion.to_dict() if self.suggestion else None}


@dataclass(frozen=True, slots=True)
class WatchlistResult:
    """Every watched name over the ``total`` articles matching ``query`` and ``filters``."""

    query: str
    total: int
    rows: tuple[WatchRow, ...]
    filters: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", FrozenMap(self.filters))

    @property
    def found(self) -> int:
        """How many names name an entity of the index."""
        return sum(row.found for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{query, total, filters, names, found, rows}``."""
        return {"query": self.query, "total": self.total,
                "filters": {k: list(v) for k, v in self.filters.items()},
                "names": len(self.rows), "found": self.found,
                "rows": [row.to_dict() for row in self.rows]}


def watch_names(entries: Iterable[str | WatchName | Mapping[str, Any]]) -> tuple[WatchName, ...]:
    """Names from text (``"Shoigu"``, ``"person:Shoigu"``), :class:`WatchName` values or
    mappings ``{"name", "facet", "aliases"}``, checked.

    Raises:
        InvalidValueError: an empty name, an unknown facet or too many names.
        UnknownFacetError: a facet name is not a facet.
    """
    out: list[WatchName] = []
    for entry in entries:
        if isinstance(entry, WatchName):
            item = entry
        elif isinstance(entry, str):
            item = _from_text(entry)
        elif isinstance(entry, Mapping):
            aliases = entry.get("aliases") or ()
            if isinstance(aliases, str):
                aliases = aliases.split(ALIAS_SEPARATOR)
            facet = entry.get("facet")
            item = WatchName(str(entry.get("name", "")).strip(),
                             Facet.parse(str(facet)) if facet else None,
                             tuple(str(a).strip() for a in aliases if str(a).strip()))
        else:
            raise InvalidValueError(f"names must be text or {{name, facet, aliases}}, got "
                                    f"{entry!r}")
        if not item.name:
            raise InvalidValueError(f"names must not be empty (entry {len(out) + 1})")
        out.append(item)
        if len(out) > MAX_NAMES:
            raise InvalidValueError(f"names: at most {MAX_NAMES:,} per watchlist; split the list")
    return tuple(out)


def read_watchlist(path: str | Path) -> tuple[WatchName, ...]:
    """Names from a ``.txt`` file (one per line, ``#`` comments, an optional ``person:``
    style prefix) or a ``.csv`` file (a ``name`` column, optional ``facet`` and ``aliases``
    columns, aliases separated by ``;``; without a header, the first column).

    Raises:
        InvalidValueError: the file cannot be read or holds a malformed row.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValueError(f"watchlist file '{file}' cannot be read ({exc}); give a "
                                "UTF-8 .txt (one name a line) or .csv (name,facet,aliases)"
                                ) from None
    if file.suffix.lower() != ".csv":
        lines = (line.strip() for line in text.splitlines())
        return watch_names(line for line in lines if line and not line.startswith("#"))
    rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    if not rows:
        return ()
    header = [c.strip().lower() for c in rows[0]]
    if "name" not in header:
        return watch_names(row[0] for row in rows if row[0].strip())
    entries = [{key: (row[i] if i < len(row) else "") for i, key in enumerate(header)}
               for row in rows[1:]]
    return watch_names(e for e in entries if str(e.get("name", "")).strip())


def build_watchlist(names: tuple[WatchName, ...], mask: np.ndarray, *,
                    columns: Mapping[Facet, FacetColumn], aliases: Aliases | None,
                    ordinals: np.ndarray, has_date: np.ndarray, doc_ids: tuple[str, ...],
                    postings: Postings, co_mentions: int = DEFAULT_CO_MENTIONS,
                    top_articles: int = DEFAULT_TOP_ARTICLES) -> tuple[WatchRow, ...]:
    """One :class:`WatchRow` per name, over the documents of ``mask``.

    Args:
        names: the names to look for.
        mask: the matching documents.
        columns, aliases: the index's facet columns and alias table.
        ordinals, has_date: the date column (day ordinals, and whether there is one).
        doc_ids: the id of every document number.
        postings: a :class:`search.ranking.postings.Postings` of the index: how often each
            article names the entity ranks its articles.
        co_mentions: co-mentioned entities per name.
        top_articles: article ids per name.
    """
    return tuple(_row(item, mask, columns, aliases, ordinals, has_date, doc_ids, postings,
                      co_mentions, top_articles) for item in names)


def _row(item: WatchName, mask: np.ndarray, columns: Mapping[Facet, FacetColumn],
         aliases: Aliases | None, ordinals: np.ndarray, has_date: np.ndarray,
         doc_ids: tuple[str, ...], postings: Postings, co_mentions: int, top_articles: int
         ) -> WatchRow:
    facet, ids = _resolve(item, columns, aliases)
    if facet is None:
        return WatchRow(item.name, item.facet.value if item.facet else None, (), 0,
                        suggestion=_suggest(item, columns))
    column = columns[facet]
    docs = column.docs_of(ids)
    docs = docs[mask[docs]]
    matched = tuple(column.values[i] for i in ids)
    if not len(docs):
        return WatchRow(item.name, facet.value, matched, 0)
    dated = ordinals[docs[has_date[docs]]]
    first = dt.date.fromordinal(int(dated.min())) if len(dated) else None
    last = dt.date.fromordinal(int(dated.max())) if len(dated) else None
    newest = docs[np.lexsort((docs, np.where(has_date[docs], -ordinals[docs], 1)))]
    return WatchRow(item.name, facet.value, matched, len(docs), first, last,
                    _co_mentioned(facet, ids, docs, columns, co_mentions),
                    _top_ids(facet, matched, newest, postings, doc_ids, top_articles),
                    None, tuple(doc_ids[int(d)] for d in newest))


def _resolve(item: WatchName, columns: Mapping[Facet, FacetColumn], aliases: Aliases | None
             ) -> tuple[Facet | None, list[int]]:
    """The facet a name is found in and the entity ids it names there."""
    best: tuple[tuple[bool, int], Facet, list[int]] | None = None
    for facet in ((item.facet,) if item.facet else FACETS):
        column = columns[facet]
        ids: set[int] = set()
        exact = False
        for spelling in (item.name, *item.aliases):
            found = resolve_ids(facet, spelling, column, aliases)
            ids.update(found)
            exact = exact or column.lookup(spelling) is not None or (
                facet is Facet.COUNTRIES and bool(found))
        if not ids:
            continue
        rank = (exact, int(sum(column.doc_freq[i] for i in ids)))
        if best is None or rank > best[0]:
            best = (rank, facet, sorted(ids))
    return (None, []) if best is None else (best[1], best[2])


def _suggest(item: WatchName, columns: Mapping[Facet, FacetColumn]) -> Suggestion | None:
    """The closest value, in the name's facet or in any."""
    found = [s for facet in ((item.facet,) if item.facet else FACETS)
             if (s := entity_suggestion(facet, item.name, columns[facet])) is not None]
    return max(found, key=lambda s: fuzz.ratio(name_key(item.name), name_key(s.suggestion)),
               default=None)


def _co_mentioned(facet: Facet, ids: list[int], docs: np.ndarray,
                  columns: Mapping[Facet, FacetColumn], size: int) -> tuple[CoMentioned, ...]:
    """The entities most often named in ``docs``, the name's own values left out."""
    if not size:
        return ()
    found: list[tuple[int, str, str]] = []
    for other in CO_MENTION_FACETS:
        column = columns[other]
        # Only the values these documents name are counted: a name's articles are few.
        values, counts = np.unique(column.ids_in(docs), return_counts=True)
        if other is facet:
            keep = ~np.isin(values, ids)
            values, counts = values[keep], counts[keep]
        order = np.lexsort((column.name_rank[values], -counts))[:size]
        found.extend((int(counts[i]), column.values[int(values[i])], other.value)
                     for i in order.tolist())
    found.sort(key=lambda item: (-item[0], item[1].casefold()))
    return tuple(CoMentioned(f, v, n) for n, v, f in found[:size])


def _top_ids(facet: Facet, matched: tuple[str, ...], newest: np.ndarray, postings: Postings,
             doc_ids: tuple[str, ...], size: int) -> tuple[str, ...]:
    """Ids of the articles that name the entity most often (then the newest)."""
    if not size:
        return ()
    mentions = np.zeros(len(newest), dtype=np.float64)
    for value in matched:
        docs, weights = postings.get(MENTIONS, mention_term(facet, value))
        _, in_docs, in_newest = np.intersect1d(docs, newest, assume_unique=True,
                                               return_indices=True)
        mentions[in_newest] += weights[in_docs]
    order = np.lexsort((np.arange(len(newest)), -mentions))[:size]
    return tuple(doc_ids[int(newest[i])] for i in order)


def _from_text(text: str) -> WatchName:
    """``person:Sergei Shoigu`` -> a name in a facet; anything else a name in any."""
    head, sep, rest = text.partition(":")
    if sep and rest.strip() and head.strip().lower() in _PREFIXES:
        return WatchName(rest.strip().strip('"'), Facet.parse(head))
    return WatchName(text.strip())


def export_watchlist(news: NewsIndex, result: WatchlistResult, folder: str | Path
                     ) -> tuple[Path, ...]:
    """Write the matching articles of each found name to ``folder``: one JSON-lines file
    per name (``001-sergei-shoigu.jsonl``, articles newest first, text included) and
    ``watchlist.json``, the result itself. Returns the files written.

    Raises:
        InvalidValueError: the folder cannot be created or written.
    """
    out = Path(folder)
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for number, row in enumerate(result.rows, start=1):
            if not row.ids:
                continue
            target = out / f"{number:03d}-{_slug(row.name)}.jsonl"
            with target.open("w", encoding="utf-8") as lines:
                for doc_id in row.ids:
                    lines.write(json.dumps(news.get(doc_id).to_dict(text=True),
                                           ensure_ascii=False) + "\n")
            written.append(target)
        summary = out / "watchlist.json"
        summary.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1),
                           encoding="utf-8")
    except OSError as exc:
        raise InvalidValueError(f"export folder '{out}' cannot be written ({exc.strerror}); "
                                "choose another with --export") from None
    return (*written, summary)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")[:60] or "name"


_PREFIXES = frozenset({*(f.value for f in Facet), *(f.field_alias for f in Facet),
                       "organization", "organisation"})
