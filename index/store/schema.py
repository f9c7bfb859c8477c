"""The index's fields and the facet vocabulary, in one place.

Everything that names a field or a facet imports it from here.
"""

from __future__ import annotations

import enum

from whoosh import columns, fields

from index.errors import UnknownFacetError
from index.store.analysis import text_analyzer

#: Bumped whenever the schema or the stored record changes shape; an index written with
#: another version is rebuilt by ``--rebuild``. Version 3: words joined by hyphens, ``&``,
#: dots and apostrophes, no stop words, accents folded (``index.store.analysis``).
SCHEMA_VERSION = 3

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


def build_schema() -> fields.Schema:
    """The Whoosh schema of a newsfacet index.

    Facet fields hold canonical display names as whole terms (a comma-separated keyword
    list, so one term is one entity and names never contain commas); lookups that ignore
    case go through the vocabulary in ``search``.
    ``record`` stores the enriched record (raw mentions included) so facets can be
    re-derived without running NER again. ``id``, ``path`` and ``hash`` are also columns, so
    an incremental run reads what is indexed without loading any stored document.
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
        }
    )
    for facet in FACETS:
        schema.add(facet.value, fields.KEYWORD(commas=True, scorable=False))
    return schema
