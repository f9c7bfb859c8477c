"""User aliases: map name variants to one canonical name per facet, and drop junk names.

An alias file is TOML or CSV (chosen by its suffix; ``.toml``, else CSV).

TOML: one table per facet mapping a canonical name to its variants, and a ``drop`` table
listing names to remove per facet (``all`` for every facet)::

    [organizations]
    "Islamic State" = ["ISIS", "ISIL", "Daesh"]

    [people]
    "Vladimir Putin" = ["Putin", "V. Putin"]

    [drop]
    people = ["He", "God"]
    all = ["Reuters"]

CSV: a header ``facet,variant,canonical`` and one row per variant; an empty ``canonical``
drops the name::

    facet,variant,canonical
    organizations,ISIS,Islamic State
    people,He,

Names match as :func:`~index.entities.normalize.name_key` does: ignoring case, accents and dots.
The table applies at index time, on ``newsfacet index --renormalize`` and to filter values
at query time; it is stored in the index (``aliases.json``) so searches use the same table
the facets were built with.
"""

from __future__ import annotations

import csv
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.entities.names import name_key
from index.errors import InputError, InvalidValueError, UnknownFacetError
from index.store.schema import Facet

ALIASES_ENV = "NEWSFACET_ALIASES"
#: File inside an index directory holding the alias table the facets were built with.
STORED_FILE = "aliases.json"
ALL_FACETS = "all"
CSV_HEADER = ("facet", "variant", "canonical")


@dataclass(frozen=True, slots=True)
class Aliases:
    """A parsed alias table: ``{facet: {name key: canonical}}`` and dropped name keys."""

    canonical: Mapping[Facet, Mapping[str, str]] = field(default_factory=dict)
    dropped: Mapping[Facet, frozenset[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.canonical.values()) or any(self.dropped.values())

    def resolve(self, facet: Facet, name: str) -> str | None:
        """``name``'s canonical form in ``facet``: itself when unlisted, ``None`` when dropped."""
        key = name_key(name)
        if key in self.dropped.get(facet, frozenset()):
            return None
        return self.canonical.get(facet, {}).get(key, name)

    def variants(self, facet: Facet, canonical: str) -> tuple[str, ...]:
        """The name keys mapped to ``canonical`` in ``facet``."""
        return tuple(k for k, v in self.canonical.get(facet, {}).items() if v == canonical)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, the one stored in an index."""
        return {
            "canonical": {f.value: dict(sorted(m.items())) for f, m in self.canonical.items() if m},
            "dropped": {f.value: sorted(d) for f, d in self.dropped.items() if d},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Aliases:
        """Inverse of :meth:`to_dict`."""
        return cls(
            {Facet(f): dict(m) for f, m in data.get("canonical", {}).items()},
            {Facet(f): frozenset(d) for f, d in data.get("dropped", {}).items()},
        )


def load_aliases(path: str | os.PathLike[str]) -> Aliases:
    """Read an alias file (TOML when it ends in ``.toml``, else CSV).

    Raises:
        InputError: the file does not exist or cannot be read.
        InvalidValueError: the file is malformed or names an unknown facet.
    """
    file = Path(path)
    try:
        content = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read alias file '{file}': {exc.strerror or exc}. "
                         "Check the path given to --aliases or $NEWSFACET_ALIASES") from None
    rows = _toml_rows(file, content) if file.suffix.lower() == ".toml" else _csv_rows(file, content)
    return _build(file, rows)


def _toml_rows(file: Path, content: str) -> list[tuple[str, str, str | None]]:
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValueError(f"Alias file '{file}' is not valid TOML: {exc}") from None
    rows: list[tuple[str, str, str | None]] = []
    for table, entries in data.items():
        if not isinstance(entries, dict):
            raise InvalidValueError(f"Alias file '{file}': [{table}] must be a table of "
                                    f"names, got {type(entries).__name__}")
        for name, values in entries.items():
            listed = [values] if isinstance(values, str) else values
            if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
                raise InvalidValueError(f"Alias file '{file}': {table}.{name} must be a list of "
                                        "names in quotes")
            if table == "drop":
                rows.extend((name, variant, None) for variant in listed)
            else:
                rows.extend((table, variant, name) for variant in listed)
    return rows


def _csv_rows(file: Path, content: str) -> list[tuple[str, str, str | None]]:
    reader = csv.reader(content.splitlines())
    rows: list[tuple[str, str, str | None]] = []
    for number, row in enumerate(reader, start=1):
        if not row or not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if number == 1 and tuple(c.lower() for c in cells[:3]) == CSV_HEADER:
            continue
        if len(cells) < 2 or len(cells) > 3 or not cells[1]:
            raise InvalidValueError(f"Alias file '{file}' line {number}: expected "
                                    f"facet,variant,canonical, got {','.join(row)!r}")
        canonical = cells[2] if len(cells) == 3 and cells[2] else None
        rows.append((cells[0], cells[1], canonical))
    return rows


def _build(file: Path, rows: list[tuple[str, str, str | None]]) -> Aliases:
    canonical: dict[Facet, dict[str, str]] = {f: {} for f in Facet}
    dropped: dict[Facet, set[str]] = {f: set() for f in Facet}
    for facet_name, variant, target in rows:
        if facet_name.strip().lower() == ALL_FACETS:
            facets: tuple[Facet, ...] = tuple(Facet)
        else:
            try:
                facets = (Facet.parse(facet_name),)
            except UnknownFacetError as exc:
                raise InvalidValueError(f"Alias file '{file}': {exc}") from None
        for facet in facets:
            if target is None:
                dropped[facet].add(name_key(variant))
            elif "," in target:
                # Facet fields are comma-separated lists: a comma would split the name.
                raise InvalidValueError(f"Alias file '{file}': canonical name {target!r} has "
                                        "a comma; write it without one")
            else:
                canonical[facet][name_key(variant)] = target
                canonical[facet].setdefault(name_key(target), target)
    return Aliases({f: m for f, m in canonical.items() if m},
                   {f: frozenset(d) for f, d in dropped.items() if d})


def read_stored(index_dir: str | os.PathLike[str]) -> Aliases:
    """The alias table stored in an index (empty when none was given)."""
    file = Path(index_dir) / STORED_FILE
    if not file.is_file():
        return Aliases()
    return Aliases.from_dict(json.loads(file.read_text(encoding="utf-8")))


def write_stored(index_dir: str | os.PathLike[str], aliases: Aliases) -> None:
    """Store ``aliases`` in an index, atomically (an empty table removes the file)."""
    folder = Path(index_dir)
    target = folder / STORED_FILE
    if not aliases:
        target.unlink(missing_ok=True)
        return
    tmp = folder / f".{STORED_FILE}.tmp"
    tmp.write_text(json.dumps(aliases.to_dict(), indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, target)
