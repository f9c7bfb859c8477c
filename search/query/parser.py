"""Text queries and entity filters -> one Whoosh query.

The text goes through Whoosh's parser (words, "phrases", AND/OR/NOT, +/-, wildcards,
``field:value``), after a strict check that reports what Whoosh would silently search for
instead. Facet values, in the text (``person:Shoigu``) or as filters, are resolved against
the index's vocabulary: case- and accent-insensitively, by country alias or code, and a
person's surname alone matches the full names that contain it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from whoosh import fields as wf
from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, PlusMinusPlugin, SingleQuotePlugin

from index import (
    BODY,
    DATE,
    LANGUAGE,
    SURFACE,
    TITLE,
    Aliases,
    Facet,
    NewsfacetError,
    QuerySyntaxError,
    WhooshSchema,
    country_for_name,
    country_for_query,
    fold,
    split_joined,
)
from search.counting.facets import FacetColumn
from search.query.dates import DateError, parse_span
from search.query.filters import Filters
from search.query.near import EntityNear, extract_near, restore_near

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
QUERY_FIELDS: tuple[str, ...] = (TITLE, BODY, DATE, LANGUAGE, *(f.value for f in Facet),
                                  *(a for aliases in _FIELD_ALIASES.values() for a in aliases))


#: Weight of a joined word's parts written apart (``Jong Un`` for ``Jong-un``) against the
#: word as typed: half, so "anti-abortion" ranks above "anti abortion" (relevance benchmark).
APART_WEIGHT = 0.5
#: ``+`` and ``-`` are operators only at the start of a word (after a space or bracket):
#: inside one they join it (``COVID-19``, ``al-Assad``, ``date:2019-01-04``).
_WORD_START = r"(?:^|(?<=[\s(]))"


class _QueryDate(wf.DATETIME):  # type: ignore[misc]
    """The date field as the query parser sees it: values in any form of
    :mod:`search.query.dates`, each a span of days."""

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> wq.Query:
        if qstring.strip() == "*":
            return wq.Every(fieldname)
        start, end = _date_span(qstring)
        if _is_relative(qstring):
            end = dt.date.today()  # date:7d is the last 7 days
        return _date_range(fieldname, start, end)

    def parse_range(self, fieldname: str, start: str | None, end: str | None,
                    startexcl: bool, endexcl: bool, boost: float = 1.0) -> wq.Query:
        low = high = None
        if start is not None and start.strip():
            first, last = _date_span(start)
            low = last + dt.timedelta(days=1) if startexcl else first
        if end is not None and end.strip():
            first, last = _date_span(end)
            high = first - dt.timedelta(days=1) if endexcl else last
        if low and high and low > high:
            raise QuerySyntaxError(f"Date range [{start} to {end}] ends before it starts; "
                                   "swap its ends")
        return _date_range(fieldname, low, high)


def _is_relative(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}\s*[dwmyDWMY]\s*", text))


def _date_span(text: str) -> tuple[dt.date, dt.date]:
    try:
        return parse_span(text)
    except DateError as exc:
        raise QuerySyntaxError(f"Bad date in query: {exc}") from None


def _date_range(fieldname: str, low: dt.date | None, high: dt.date | None) -> wq.Query:
    if low is None and high is None:
        return wq.Every(fieldname)
    return wq.DateRange(fieldname, dt.datetime.combine(low, dt.time()) if low else None,
                        dt.datetime.combine(high, dt.time.max) if high else None)


def make_parser(schema: WhooshSchema) -> MultifieldParser:
    """The text-query parser: title and body by default, facet fields by singular alias,
    dates through :mod:`search.query.dates`, ``+``/``-`` only at the start of a word and
    apostrophes inside words (no single-quoted terms)."""
    schema = schema.copy()
    schema.remove(DATE)
    schema.add(DATE, _QueryDate())
    parser = MultifieldParser([TITLE, BODY], schema)
    parser.remove_plugin_class(SingleQuotePlugin)
    parser.add_plugin(FieldAliasPlugin(_FIELD_ALIASES))
    parser.add_plugin(PlusMinusPlugin(plusexpr=_WORD_START + r"\+(?=\S)",
                                      minusexpr=_WORD_START + r"-(?=\S)"))
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
            if token == "NOT" and after == "NOT":
                raise QuerySyntaxError(f"NOT NOT in query {text!r} cancels out: remove both "
                                       "(or quote \"NOT\" to search for the word)")
            if after is None or after in _OPERATORS - {"NOT"} or (
                    token != "NOT" and (before is None or before in _OPERATORS)):
                raise QuerySyntaxError(f"Operator {token} in query {text!r} needs a term on "
                                       "both sides (NOT: after it)")
        match = _FIELD_PREFIX.match(token)
        if match:
            name, value = match.groups()
            if name.lower() not in QUERY_FIELDS:
                known = ", ".join(["title", "body", "date", "language",
                                   *(f.field_alias for f in Facet)])
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
            (``date:soon``); a malformed ``NEAR/N`` clause (see :mod:`search.query.near`).
    """
    if not text.strip():
        return wq.Every()
    check_syntax(text)
    replaced, nears = extract_near(text, parser.schema[BODY].analyzer)
    try:
        parsed = parser.parse(replaced, normalize=False)
        for node in _walk(parsed):
            error = getattr(node, "error", None)
            if isinstance(error, NewsfacetError):
                raise error
            if error:
                raise QuerySyntaxError(f"Query {text!r} cannot be read: {error}")
        parsed = _only_negatives(_surface_patterns(_phrase_dates(_joined_words(
            _negatives(parsed), replaced, parser.schema))).normalize())
        parsed = restore_near(parsed, nears)
    except NewsfacetError:
        raise
    except NotImplementedError as exc:
        # Whoosh reads + and - before a word only at the top level of a query.
        raise QuerySyntaxError(f"Query {text!r} puts a '+' or '-' inside brackets; there, "
                               "write AND word or NOT word") from exc
    except Exception as exc:  # noqa: BLE001 - Whoosh's parser raises what it likes
        raise QuerySyntaxError(f"Query {text!r} cannot be read ({type(exc).__name__}: {exc}); "
                               "quote words that are meant literally") from None
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QuerySyntaxError(f"Query {text!r} has nothing to search for: it holds no word "
                               "or value; quote operators meant as words (\"NOT\")")
    return parsed


def _negatives(query: wq.Query) -> wq.Query:
    """``-police`` alone: every document but those (Whoosh leaves nothing to subtract from)."""
    if isinstance(query, wq.AndNot):
        positive = query.a
        if positive is wq.NullQuery or (isinstance(positive, wq.compound.CompoundQuery)
                                        and not positive.subqueries):
            # A bare NOT: Whoosh's normalize drops one ANDed with Every();
            # _only_negatives adds what it subtracts from afterwards.
            return wq.Not(_negatives(query.b))
    if query.is_leaf():
        return query
    return query.apply(_negatives)


def _only_negatives(query: wq.Query) -> wq.Query:
    """``NOT police`` alone, or only NOTs: every document but those."""
    if isinstance(query, wq.Not):
        return wq.And([wq.Every(), query])
    if isinstance(query, wq.And) and query.subqueries and all(
            isinstance(sub, wq.Not) for sub in query.subqueries):
        return wq.And([wq.Every(), *query.subqueries])
    return query


def _joined_words(query: wq.Query, text: str, schema: WhooshSchema) -> wq.Query:
    """A joined word also finds its parts written apart: ``Jong-un`` finds "Jong-un" (the
    joined term) and "Jong Un" (the parts as a phrase)."""
    if isinstance(query, wq.Term) and query.fieldname in (TITLE, BODY):
        start, end = getattr(query, "startchar", None), getattr(query, "endchar", None)
        if start is None or end is None:
            return query
        parts = split_joined(text[start:end])
        if len(parts) < 2:
            return query
        analyzer = schema[query.fieldname].analyzer
        words = [t.text for part in parts for t in analyzer(part, mode="query")]
        if len(words) < 2:
            return query
        # The word as typed ranks first: the parts written apart are the likelier other word.
        return wq.Or([query, wq.Phrase(query.fieldname, words,
                                       boost=query.boost * APART_WEIGHT)])
    if query.is_leaf():
        return query
    return query.apply(lambda sub: _joined_words(sub, text, schema))


def _walk(query: wq.Query) -> list[wq.Query]:
    out = [query]
    for child in query.children():
        out.extend(_walk(child))
    return out


def _phrase_dates(query: wq.Query) -> wq.Query:
    """``date:"9 September 2019"`` parsed as a phrase: the date it names."""
    if getattr(query, "fieldname", None) == DATE and isinstance(query, (wq.Phrase, wq.Term)):
        text = " ".join(query.words) if isinstance(query, wq.Phrase) else str(query.text)
        first, last = _date_span(text)
        return _date_range(DATE, first, last)
    if query.is_leaf():
        return query
    return query.apply(_phrase_dates)


def _surface_patterns(query: wq.Query) -> wq.Query:
    """Wildcards in the title and body match words as written as well as their stems
    (``elec?ion`` finds "election", indexed as the stem ``elect``)."""
    if isinstance(query, (wq.Wildcard, wq.Prefix)) and query.fieldname in (TITLE, BODY):
        kind = type(query)
        text = str(query.text)
        if text.startswith(SURFACE):
            return query
        return wq.Or([query, kind(query.fieldname, SURFACE + text, boost=query.boost)])
    if query.is_leaf():
        return query
    return query.apply(_surface_patterns)


def resolve_value(facet: Facet, value: str, column: FacetColumn,
                  aliases: Aliases | None = None) -> wq.Query:
    """The query matching documents whose ``facet`` holds ``value``, by key, alias or run."""
    terms = column.terms_of(resolve_ids(facet, value, column, aliases))
    if not terms:
        return wq.NullQuery
    return wq.Or([wq.Term(facet.value, t) for t in terms]) if len(terms) > 1 \
        else wq.Term(facet.value, terms[0])


def value_candidates(facet: Facet, value: str, aliases: Aliases | None = None
                     ) -> tuple[list[str], str | None]:
    """The names to look ``value`` up by in ``facet``, best first: its canonical name in the
    alias table, then (countries and places) the country it names, then itself; and that
    country, if any."""
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
    return candidates, country


def resolve_ids(facet: Facet, value: str, column: FacetColumn,
                aliases: Aliases | None = None) -> list[int]:
    """The entity ids ``value`` names in ``facet``; empty when none.

    ``value`` goes through the index's alias table (a variant finds its canonical name),
    then country aliases and codes (for countries and places); a person's surname or first
    name alone also finds the full names that contain it.
    """
    ids: list[int] = []
    candidates, country = value_candidates(facet, value, aliases)
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


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A facet pattern (``Sho*``, ``Sergei Sh?igu``) as a regex over matching keys, from the
    start of any word of a value; case, accents, dots and hyphens ignored as in
    :func:`index.entities.names.name_key`."""
    out = []
    for piece in re.split(r"([*?])", pattern):
        if piece == "*":
            out.append(".*")
        elif piece == "?":
            out.append(".")
        else:
            plain = re.sub(r"\s+", " ", fold(piece).replace(".", " ").replace("-", " "))
            out.append(re.escape(plain))
    # A pattern may start at any word of a value: person:Sho* finds "Sergei Shoigu".
    return re.compile("(?:.* )?" + "".join(out).strip())


def _resolve_pattern(facet: Facet, pattern: str, column: FacetColumn) -> wq.Query:
    regex = _pattern_regex(pattern.strip())
    ids = [i for i, key in enumerate(column.keys) if regex.fullmatch(key)]
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
    if isinstance(query, EntityNear):
        column = columns[query.facet]
        return query.resolved(column.terms_of(resolve_ids(query.facet, query.value, column,
                                                          aliases)))
    fieldname = getattr(query, "fieldname", None)
    facet = next((f for f in Facet if f.value == fieldname), None)
    if facet is not None:
        if isinstance(query, (wq.Prefix, wq.Wildcard)):
            pattern = query.text + ("*" if isinstance(query, wq.Prefix) else "")
            return _resolve_pattern(facet, pattern, columns[facet])
        text = getattr(query, "text", None)
        if isinstance(query, wq.Phrase):
            text = " ".join(query.words)
        if isinstance(text, str) and ("*" in text or "?" in text):
            return _resolve_pattern(facet, text, columns[facet])  # person:"Sergei Sh?igu"
        if isinstance(text, str):
            return resolve_value(facet, text, columns[facet], aliases)
        return query
    if query.is_leaf():
        return query
    return query.apply(lambda sub: resolve_facets(sub, columns, aliases))


def with_languages(query: wq.Query, filters: Filters) -> wq.Query:
    """``query`` restricted to the articles in the languages the filters name."""
    if not filters.languages or query is wq.NullQuery:
        return query
    terms = [wq.Term(LANGUAGE, code) for code in filters.languages]
    language = terms[0] if len(terms) == 1 else wq.Or(terms)
    return language if isinstance(query, wq.Every) else wq.And([query, language])
