"""Text queries and entity filters -> one Whoosh query.

The text goes through Whoosh's parser (words, "phrases", AND/OR/NOT, +/-, wildcards,
``field:value``), after a strict check that reports what Whoosh would silently search for
instead. Facet values, in the text (``person:Shoigu``) or as filters, are resolved against
the index's vocabulary: case- and accent-insensitively, by country alias or code, and a
person's surname alone matches the full names that contain it.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, PlusMinusPlugin

from index import (
    BODY,
    DATE,
    TITLE,
    Aliases,
    Facet,
    QuerySyntaxError,
    country_for_name,
    country_for_query,
    name_key,
)
from search.counting.facets import FacetColumn

#: Longest accepted query text, in characters.
MAX_QUERY_CHARS = 2_000
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|\[|\]|[^\s()"\[\]]+')
_FIELD_PREFIX = re.compile(r"^[+-]?([A-Za-z_]+):(.*)$")
_FIELD_ALIASES: dict[str, list[str]] = {
    facet.value: [facet.field_alias,
                  *([] if facet is not Facet.ORGANIZATIONS else ["organization"])]
    for facet in Facet
}
QUERY_FIELDS: tuple[str, ...] = (TITLE, BODY, DATE, *(f.value for f in Facet),
                                  *(a for aliases in _FIELD_ALIASES.values() for a in aliases))


def make_parser(schema: Schema) -> MultifieldParser:
    """The text-query parser: title and body by default, facet fields by singular alias."""
    parser = MultifieldParser([TITLE, BODY], schema)
    parser.add_plugin(FieldAliasPlugin(_FIELD_ALIASES))
    parser.add_plugin(PlusMinusPlugin())
    return parser


def check_syntax(text: str) -> None:
    """Reject what Whoosh's parser would quietly turn into another query.

    Raises:
        QuerySyntaxError: unbalanced quotes or brackets, a dangling operator, an unknown
            field, a field with no value, or a query that is too long.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"Query is {len(text):,} characters long; the limit is "
                               f"{MAX_QUERY_CHARS:,}. Shorten it")
    if text.count('"') % 2:
        raise QuerySyntaxError(f'Unbalanced quote in query {text!r}: close the "phrase"')
    depth = {"(": 0, "[": 0}
    closer = {")": "(", "]": "["}
    tokens = _TOKEN.findall(text)
    for token in tokens:
        if token in depth:
            depth[token] += 1
        elif token in closer:
            depth[closer[token]] -= 1
            if depth[closer[token]] < 0:
                raise QuerySyntaxError(f"Unbalanced {token!r} in query {text!r}: remove it or "
                                       f"add the opening {closer[token]!r}")
    for opener, count in depth.items():
        if count:
            raise QuerySyntaxError(f"Unclosed {opener!r} in query {text!r}: close it")
    words = [t for t in tokens if t not in ("(", ")", "[", "]")]
    for position, token in enumerate(words):
        if token in _OPERATORS:
            before = words[position - 1] if position else None
            after = words[position + 1] if position + 1 < len(words) else None
            if after is None or after in _OPERATORS - {"NOT"} or (
                    token != "NOT" and (before is None or before in _OPERATORS)):
                raise QuerySyntaxError(f"Operator {token} in query {text!r} needs a term on "
                                       "both sides (NOT: after it)")
        match = _FIELD_PREFIX.match(token)
        if match:
            name, value = match.groups()
            if name.lower() not in QUERY_FIELDS:
                known = ", ".join(["title", "body", "date", *(f.field_alias for f in Facet)])
                raise QuerySyntaxError(f"Unknown field {name!r} in query {text!r}; fields are "
                                       f"{known}. Put a colon inside quotes to search for it")
            following = tokens[tokens.index(token) + 1] if token in tokens[:-1] else ""
            if not value and following not in ("(", "[") and not following.startswith('"'):
                raise QuerySyntaxError(f"Field {name!r} in query {text!r} has no value: "
                                       f"write {name}:VALUE")


def parse_text(text: str, parser: MultifieldParser) -> wq.Query:
    """Parse a text query strictly; the empty text matches every document.

    Raises:
        QuerySyntaxError: see :func:`check_syntax`; also a value Whoosh cannot read
            (``date:soon``).
    """
    if not text.strip():
        return wq.Every()
    check_syntax(text)
    parsed = parser.parse(text)
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QuerySyntaxError(f"Query {text!r} has nothing to search for; check date values "
                               "(date:2019, date:[2019-01 to 2019-06]) and operators")
    return parsed


def resolve_value(facet: Facet, value: str, column: FacetColumn,
                  aliases: Aliases | None = None) -> wq.Query:
    """The query matching documents whose ``facet`` holds ``value``, by key, alias or run."""
    terms = column.terms_of(resolve_ids(facet, value, column, aliases))
    if not terms:
        return wq.NullQuery
    return wq.Or([wq.Term(facet.value, t) for t in terms]) if len(terms) > 1 \
        else wq.Term(facet.value, terms[0])


def resolve_ids(facet: Facet, value: str, column: FacetColumn,
                aliases: Aliases | None = None) -> list[int]:
    """The entity ids ``value`` names in ``facet``; empty when none.

    ``value`` goes through the index's alias table (a variant finds its canonical name),
    then country aliases and codes (for countries and places); a person's surname or first
    name alone also finds the full names that contain it.
    """
    ids: list[int] = []
    candidates = [value]
    if aliases is not None:
        mapped = aliases.resolve(facet, value)
        if mapped is not None and mapped != value:
            candidates.insert(0, mapped)
    country = None
    if facet in (Facet.COUNTRIES, Facet.PLACES):
        country = country_for_query(candidates[0])
        if country:
            candidates.insert(0, country)
    for candidate in candidates:
        found = column.lookup(candidate)
        if found is not None:
            ids = [found]
            break
    if facet is Facet.PLACES and country:
        # A country place may be shown as "U.S." in one index and "United States" in another.
        ids = sorted({*ids, *column.grouped(country_for_name).get(country, ())})
    if facet is Facet.PEOPLE:
        # A surname alone also finds the articles that give the full name.
        ids = sorted({*ids, *column.find_runs(candidates[0])})
    return ids


def _resolve_pattern(facet: Facet, pattern: str, column: FacetColumn) -> wq.Query:
    key_pattern = name_key(pattern.replace("*", "\x00").replace("?", "\x01"))
    key_pattern = key_pattern.replace("\x00", "*").replace("\x01", "?")
    ids = [i for key, i in column.key_ids.items() if fnmatch.fnmatchcase(key, key_pattern)]
    terms = column.terms_of(ids)
    return wq.Or([wq.Term(facet.value, t) for t in terms]) if terms else wq.NullQuery


def resolve_facets(query: wq.Query, columns: Mapping[Facet, FacetColumn],
                   aliases: Aliases | None = None) -> wq.Query:
    """Rewrite every facet-field term of a parsed query through the vocabulary."""
    if isinstance(query, wq.AndNot):
        # Whoosh's AndNot matcher lets some excluded documents through when listing
        # every match (the first document of a segment, seen on the seeds index); an AND
        # with a NOT excludes them all.
        positive, negative = query.a, query.b
        return wq.And([resolve_facets(positive, columns, aliases),
                       wq.Not(resolve_facets(negative, columns, aliases))])
    fieldname = getattr(query, "fieldname", None)
    facet = next((f for f in Facet if f.value == fieldname), None)
    if facet is not None:
        if isinstance(query, (wq.Prefix, wq.Wildcard)):
            pattern = query.text + ("*" if isinstance(query, wq.Prefix) else "")
            return _resolve_pattern(facet, pattern, columns[facet])
        text = getattr(query, "text", None)
        if isinstance(query, wq.Phrase):
            text = " ".join(query.words)
        if isinstance(text, str):
            return resolve_value(facet, text, columns[facet], aliases)
        return query
    if query.is_leaf():
        return query
    return query.apply(lambda sub: resolve_facets(sub, columns, aliases))
