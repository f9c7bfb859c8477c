"""The index's fields and the facet vocabulary, in one place.

Everything that names a field or a facet imports it from here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import Analyzer, Token

from index.errors import UnknownFacetError
from index.store.analysis import text_analyzer

#: Bumped whenever the schema or the stored record changes shape; an index written with
#: another version is rebuilt by ``--rebuild``. Version 2: the language field; 3: the
#: ``mentions`` field of entity positions; 4: words joined by hyphens, ``&``, dots and
#: apostrophes, no stop words, accents folded (``index.store.analysis``); 5: the ``lookups``
#: field of the corpus decisions each document depends on; 6: the spellings of each entity
#: in the stored record (``index.entities.spellings``).
SCHEMA_VERSION = 6

#: Title terms weigh this much more than body terms in ranking.
TITLE_BOOST = 2.0


class Facet(enum.StrEnum):
    """The four entity facets every document carries."""

    PEOPLE = "people"
    ORGANIZATIONS = "organizations"
    PLACES = "places"
    COUNTRIES = "countries"

    @classmethod
    def parse(cls, name: str) -> Facet:
        """Return the facet called ``name`` (plural or the singular query-field form)."""
        key = name.strip().lower()
        for facet in cls:
            if key in (facet.value, facet.field_alias):
                return facet
        if key in ("org", "orgs", "organisation", "organisations"):
            return cls.ORGANIZATIONS
        names = ", ".join(f.value for f in cls)
        raise UnknownFacetError(f"Unknown facet {name!r}. Use one of: {names}.")

    @property
    def field_alias(self) -> str:
        """The singular name used in query text, e.g. ``person:"Sergei Shoigu"``."""
        return FIELD_ALIASES[self]


FACETS: tuple[Facet, ...] = tuple(Facet)

FIELD_ALIASES: dict[Facet, str] = {
    Facet.PEOPLE: "person",
    Facet.ORGANIZATIONS: "org",
    Facet.PLACES: "place",
    Facet.COUNTRIES: "country",
}

# Stored and indexed field names besides the facets.
ID = "id"
TITLE = "title"
BODY = "body"
DATE = "date"
PATH = "path"
SOURCE = "source"
URL = "url"
LANGUAGE = "language"
HASH = "hash"
RECORD = "record"
#: Entities at their token positions in the body (see :mod:`index.store.positions`).
MENTIONS = "mentions"

#: The keys of the corpus decisions a document's facets depend on (see
#: :mod:`index.entities.lookups`): an update re-normalises the documents holding a key whose
#: decisions changed.
LOOKUPS = "lookups"
#: How a ``mentions`` value separates its terms, and a term from its position.
TERM_SEPARATOR = "\x1e"
PAIR_SEPARATOR = "\x1f"


class _PreparedTerms(Analyzer):  # type: ignore[misc]
    """An analyzer of values newsfacet writes ready-made: the terms are in the value,
    joined by :data:`TERM_SEPARATOR`; a subclass says how to read them."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in self.terms(value, tokenize=tokenize, start_pos=start_pos):
            token.text, token.pos, token.stopped, token.boost = text, pos, False, 1.0
            yield token

    def terms(self, value: str, *, tokenize: bool, start_pos: int
              ) -> Iterator[tuple[str, int]]:
        """Each term of ``value`` with its position; a query term (not ``tokenize``) whole."""
        raise NotImplementedError


class PlacedTerms(_PreparedTerms):
    """Reads ``mentions`` values (:func:`index.store.positions.encode_positions`): each
    term at its own position."""

    def terms(self, value: str, *, tokenize: bool, start_pos: int
              ) -> Iterator[tuple[str, int]]:
        if not tokenize:  # a query term: the whole value
            yield value, start_pos
            return
        for item in value.split(TERM_SEPARATOR) if value else ():
            term, _, pos = item.rpartition(PAIR_SEPARATOR)
            yield term, int(pos)


class KeyTerms(_PreparedTerms):
    """Reads ``lookups`` values (:func:`encode_keys`): each key one term, as it is."""

    def terms(self, value: str, *, tokenize: bool, start_pos: int
              ) -> Iterator[tuple[str, int]]:
        for pos, term in enumerate(value.split(TERM_SEPARATOR) if tokenize else [value]):
            if term:
                yield term, pos


def key_term(key: str) -> str:
    """The ``lookups`` term of a decision key (the separator cannot occur in a term)."""
    return key.replace(TERM_SEPARATOR, " ")


def encode_keys(keys: Iterable[str]) -> str:
    """A ``lookups`` field value holding ``keys``."""
    return TERM_SEPARATOR.join(sorted({key_term(k) for k in keys if k}))


def build_schema() -> fields.Schema:
    """The Whoosh schema of a newsfacet index.

    Facet fields hold canonical display names as whole terms (a comma-separated keyword
    list, so one term is one entity and names never contain commas); lookups that ignore
    case go through the vocabulary in ``search``.
    ``record`` stores the enriched record (raw mentions included) so facets can be
    re-derived without running NER again. ``mentions`` holds each entity at the token
    positions where the body names it, for queries that put an entity near words. ``id``,
    ``path`` and ``hash`` are also columns, so an incremental run reads what is indexed
    without loading any stored document.
    """
    analyzer = text_analyzer()
    schema = fields.Schema(
        **{
            ID: fields.ID(stored=True, unique=True, sortable=True),
            TITLE: fields.TEXT(stored=True, analyzer=analyzer, field_boost=TITLE_BOOST),
            BODY: fields.TEXT(stored=True, analyzer=analyzer),
            # Undated documents sort as the oldest, so "newest first" lists them last.
            DATE: fields.DATETIME(stored=True, sortable=columns.NumericColumn("q", default=0)),
            PATH: fields.ID(stored=True, sortable=True),
            SOURCE: fields.ID(stored=True),
            URL: fields.STORED(),
            # ISO 639-1 code, declared by the source or detected; a filter, not a facet.
            LANGUAGE: fields.ID(stored=True),
            HASH: fields.ID(sortable=True),
            RECORD: fields.STORED(),
            MENTIONS: fields.FieldType(formats.Positions(), PlacedTerms(), scorable=False),
            LOOKUPS: fields.FieldType(formats.Existence(), KeyTerms(), scorable=False),
        }
    )
    for facet in FACETS:
        schema.add(facet.value, fields.KEYWORD(commas=True, scorable=False))
    return schema
