"""Saved searches: named queries kept in the index folder, and what is new for each.

A saved search is a query text and filters under a name. The index folder keeps them in
``saved-searches.json`` (rewritten atomically: a crash leaves the old file or the new
one), with the ids each search matched when last shown, so ``show(name, new=True)``
lists what arrived since. An index run that adds articles reports, per saved search, the
new articles that match it (:meth:`SavedSearches.new_matches`).

    from search import NewsIndex, SavedSearches
    with NewsIndex("news-index") as news:
        saved = SavedSearches(news)
        saved.add("shoigu-watch", "air strikes", people=["Shoigu"])
        print(saved.show("shoigu-watch", new=True).documents)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import InvalidValueError, SavedSearchNotFoundError
from search.query.arguments import check_range
from search.query.filters import Filters
from search.results import Document, FrozenMap

if TYPE_CHECKING:
    from search.engine import NewsIndex

#: The file, in the index folder, that keeps the saved searches.
SAVED_FILE = "saved-searches.json"
#: Documents a ``show`` lists unless told otherwise.
DEFAULT_SHOW_LIMIT = 20
_FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query with its filters (library keyword names, as for ``search``)."""

    name: str
    query: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    created: str = ""
    shown: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", FrozenMap(self.filters))

    def keywords(self) -> dict[str, Any]:
        """The filters as keyword arguments of :meth:`NewsIndex.search`."""
        out: dict[str, Any] = {k: v for k, v in self.filters.items() if k not in ("since",
                                                                                    "until")}
        for bound in ("since", "until"):
            if self.filters.get(bound):
                out[bound] = self.filters[bound][0]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"name", "query", "filters", "created", "shown"}``."""
        return {"name": self.name, "query": self.query,
                "filters": {k: list(v) for k, v in self.filters.items()},
                "created": self.created, "shown": self.shown}


@dataclass(frozen=True, slots=True)
class SavedResult:
    """A saved search run now: ``total`` matches, ``new`` of them unseen before this
    showing, and ``documents`` (the new ones, or the newest matches), without their text."""

    search: SavedSearch
    total: int
    new: int
    documents: tuple[Document, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the search's fields plus ``total``, ``new`` and ``documents``."""
        return {**self.search.to_dict(), "total": self.total, "new": self.new,
                "documents": [d.to_dict() for d in self.documents]}


@dataclass(frozen=True, slots=True)
class NewMatches:
    """The articles an index run added that match a saved search."""

    name: str
    query: str
    ids: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many."""
        return len(self.ids)

    def message(self) -> str:
        """One line: ``3 new articles match 'shoigu-watch'``."""
        noun = "article matches" if self.count == 1 else "articles match"
        return f"{self.count} new {noun} '{self.name}'"

    def to_dict(self) -> dict[str, Any]:
        """JSON form ``{"name", "query", "count", "ids"}``."""
        return {"name": self.name, "query": self.query, "count": self.count,
                "ids": list(self.ids)}


class SavedSearches:
    """The saved searches of one index.

    Args:
        news: the index, opened for searching.
    """

    def __init__(self, news: NewsIndex) -> None:
        self.news = news
        self.path = Path(news.path) / SAVED_FILE

    def list(self) -> tuple[SavedSearch, ...]:
        """Every saved search, by name."""
        return tuple(_search(entry) for _, entry in sorted(self._load().items()))

    def get(self, name: str) -> SavedSearch:
        """The saved search called ``name``.

        Raises:
            SavedSearchNotFoundError: there is none.
        """
        return _search(self._entry(self._load(), name))

    def add(self, name: str, text: str = "", *, replace: bool = False,
            filters: Filters | None = None, **filter_keywords: Any) -> SavedSearch:
        """Save ``text`` and ``filters`` as ``name``; the articles it matches now count as
        seen, so ``show(name, new=True)`` lists only later arrivals.

        Raises:
            InvalidValueError: the name is malformed, or taken and ``replace`` is off.
            QuerySyntaxError: the text does not parse.
        """
        if not _NAME.match(name):
            raise InvalidValueError(f"name must be 1 to 64 letters, digits, '.', '_' or '-' "
                                    f"starting with a letter or digit, got {name!r}")
        if filters is not None and filter_keywords:
            raise InvalidValueError("Give filters= or filter keywords, not both")
        chosen = filters if filters is not None else Filters.build(**filter_keywords)
        checked = chosen.to_dict()
        seen = self.news.ids(text, filters=chosen)  # also checks the query
        entries = self._load()
        if name in entries and not replace:
            raise InvalidValueError(f"name {name!r} is already a saved search; remove it "
                                    f"first (newsfacet saved remove {name}) or use --replace")
        now = _now()
        entries[name] = {"name": name, "query": text,
                         "filters": {k: list(v) for k, v in checked.items()},
                         "created": now, "shown": None, "seen": sorted(seen)}
        self._save(entries)
        return _search(entries[name])

    def remove(self, name: str) -> SavedSearch:
        """Forget the saved search ``name`` and return it.

        Raises:
            SavedSearchNotFoundError: there is none.
        """
        entries = self._load()
        found = _search(self._entry(entries, name))
        del entries[name]
        self._save(entries)
        return found

    def show(self, name: str, *, new: bool = False, limit: int = DEFAULT_SHOW_LIMIT,
             mark: bool = True) -> SavedResult:
        """Run the saved search ``name``.

        Args:
            name: the saved search.
            new: list only the matches not seen when it was last shown (or saved).
            limit: documents to list, newest first.
            mark: remember the current matches as seen (a read-only caller turns it off).

        Raises:
            SavedSearchNotFoundError: there is none.
        """
        check_range("limit", limit, 0, None)
        entries = self._load()
        entry = self._entry(entries, name)
        saved = _search(entry)
        matches = self.news.ids(saved.query, **saved.keywords())
        seen = set(entry.get("seen", ()))
        fresh = [i for i in matches if i not in seen]
        listed = (fresh if new else list(matches))[:limit]
        documents = tuple(replace(self.news.get(i), text="", mentions=()) for i in listed)
        if mark:
            entry["seen"] = sorted(matches)
            entry["shown"] = _now()
            self._save(entries)
            saved = _search(entry)
        return SavedResult(saved, len(matches), len(fresh), documents)

    def new_matches(self, added: Iterable[str]) -> tuple[NewMatches, ...]:
        """Per saved search, which of the ``added`` document ids it matches (none: empty)."""
        wanted = set(added)
        if not wanted or not self.path.exists():
            return ()
        out = []
        for saved in self.list():
            found = tuple(i for i in self.news.ids(saved.query, **saved.keywords())
                          if i in wanted)
            out.append(NewMatches(saved.name, saved.query, found))
        return tuple(out)

    # -- the file ----------------------------------------------------------------------
    def _entry(self, entries: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
        if name not in entries:
            known = ", ".join(sorted(entries)) or "none yet"
            raise SavedSearchNotFoundError(
                f"No saved search {name!r} in '{self.news.path}' (saved: {known}). Save one: "
                f"newsfacet saved add {name} QUERY --index {self.news.path}")
        return entries[name]

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InvalidValueError(f"saved searches file '{self.path}' cannot be read "
                                    f"({exc}); fix or delete it") from None
        return {entry["name"]: entry for entry in data.get("searches", ())}

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        data = {"version": _FORMAT_VERSION,
                "searches": [entries[name] for name in sorted(entries)]}
        handle, temporary = tempfile.mkstemp(prefix=".saved-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _search(entry: Mapping[str, Any]) -> SavedSearch:
    return SavedSearch(entry["name"], entry.get("query", ""),
                       {k: tuple(v) for k, v in entry.get("filters", {}).items()},
                       entry.get("created", ""), entry.get("shown"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
