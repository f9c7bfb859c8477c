"""Entities near words: ``person:"Sergei Shoigu" NEAR/10 "air strikes"``.

One side of ``NEAR/N`` is an entity field (``person:``, ``org:``, ``place:``, ``country:``
and their long forms) with one value; the other is a word or a "phrase". A document
matches when the body names the entity within N words of the words (stop words such as
"the" are not counted), either side first. The entity's positions come from the
``mentions`` field, the words' from the body's postings, so no text is read.

Before Whoosh parses the text, each NEAR clause is swapped for a placeholder term, which
the parsed query gets back as an :class:`EntityNear` leaf; the rest of the syntax (AND,
OR, NOT, groups) works around it as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh import query as wq

from index import (
    BODY,
    ID,
    Facet,
    QuerySyntaxError,
    WhooshAnalyzer,
    WhooshMatcher,
    WhooshReader,
    WhooshSearcher,
)

#: Largest N of ``NEAR/N``.
MAX_NEAR_DISTANCE = 100
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|\[|\]|[^\s()"\[\]]+')
_NEAR = re.compile(r"^NEAR(?:/(.*))?$")
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$")
_PLACEHOLDER = "nfnear{}x"
_FIELD_FACETS = {**{f.value: f for f in Facet}, **{f.field_alias: f for f in Facet},
                 "organization": Facet.ORGANIZATIONS}


class EntityNear(wq.Query):  # type: ignore[misc]
    """Documents whose body names an entity within ``distance`` words of ``words``.

    ``terms`` are the entity's indexed spellings, set when the value is resolved against
    the index's vocabulary (:func:`search.query.parser.resolve_facets`); none match nothing.
    """

    def __init__(self, facet: Facet, value: str, words: tuple[str, ...], distance: int,
                 terms: tuple[str, ...] = ()) -> None:
        self.facet, self.value, self.words, self.distance = facet, value, words, distance
        self.terms_ = terms
        self.fieldname = BODY
        self.boost = 1.0

    def __repr__(self) -> str:
        return (f"EntityNear({self.facet.value!r}, {self.value!r}, {self.words!r}, "
                f"{self.distance}, {self.terms_!r})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntityNear) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    def __unicode__(self) -> str:
        return f'{self.facet.field_alias}:"{self.value}" NEAR/{self.distance} ' \
               f'"{" ".join(self.words)}"'

    __str__ = __unicode__

    def resolved(self, terms: list[str]) -> EntityNear:
        """This query with the entity's indexed spellings."""
        return EntityNear(self.facet, self.value, self.words, self.distance, tuple(terms))

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        """The words, as body terms (what a snippet highlights)."""
        for word in self.words:
            yield BODY, word

    def words_query(self) -> wq.Query:
        """The words alone, ANDed: what ranks a NEAR match."""
        return wq.And([wq.Term(BODY, w) for w in self.words]) if len(self.words) > 1 \
            else wq.Term(BODY, self.words[0])

    def estimate_size(self, ixreader: WhooshReader) -> int:
        return 0

    def matcher(self, searcher: WhooshSearcher, context: object = None) -> WhooshMatcher:
        # Matches are computed with numpy (search.ranking.postings); Whoosh only ever
        # ranks the words of a NEAR clause, over documents already known to match.
        found: WhooshMatcher = self.words_query().matcher(searcher, context)
        return found


@dataclass(frozen=True, slots=True)
class _Clause:
    """A NEAR clause found in the text: its span and its parts."""

    start: int
    end: int
    facet: Facet
    value: str
    phrase: str
    distance: int


def extract_near(text: str, analyzer: WhooshAnalyzer) -> tuple[str, dict[str, EntityNear]]:
    """``text`` with each NEAR clause replaced by a placeholder field term, and the
    :class:`EntityNear` query of each placeholder (by its text).

    Raises:
        QuerySyntaxError: a NEAR without a distance, a distance out of range, or sides that
            are not one entity field and one word or phrase.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    if not any(_NEAR.match(t) for _, _, t in tokens):
        return text, {}
    operands = _operands(tokens)
    clauses: list[_Clause] = []
    for position, (_, _, token) in enumerate(operands):
        found = _NEAR.match(token)
        if not found:
            continue
        distance = _distance(found.group(1), text)
        if not 0 < position < len(operands) - 1:
            raise QuerySyntaxError(f"NEAR/{distance} in query {text!r} needs an entity on one "
                                   'side and words on the other: person:"Sergei Shoigu" '
                                   f'NEAR/{distance} "air strikes"')
        left, right = operands[position - 1], operands[position + 1]
        clauses.append(_clause(left, right, distance, text))
    out, queries, last = [], {}, 0
    for number, clause in enumerate(clauses):
        if clause.start < last:
            raise QuerySyntaxError(f"Query {text!r} chains NEAR clauses; join them with AND: "
                                   'person:X NEAR/5 "a" AND person:X NEAR/5 "b"')
        words = tuple(t.text for t in analyzer(clause.phrase))
        if not words:
            raise QuerySyntaxError(f"{clause.phrase!r} in query {text!r} has no searchable "
                                   "words (only punctuation); choose others")
        placeholder = _PLACEHOLDER.format(number)
        queries[placeholder] = EntityNear(clause.facet, clause.value, words, clause.distance)
        out.append(text[last:clause.start])
        out.append(f" {ID}:{placeholder} ")
        last = clause.end
    out.append(text[last:])
    return "".join(out), queries


def restore_near(query: wq.Query, queries: dict[str, EntityNear]) -> wq.Query:
    """``query`` with each placeholder term back as its :class:`EntityNear`."""
    if not queries:
        return query
    if isinstance(query, wq.Term) and query.fieldname == ID and query.text in queries:
        return queries[query.text]
    if query.is_leaf():
        return query
    return query.apply(lambda sub: restore_near(sub, queries))


def _operands(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Tokens with ``field:`` joined to the "phrase" or group that follows it."""
    out: list[tuple[int, int, str]] = []
    for start, end, token in tokens:
        if out and out[-1][2].endswith(":") and _FIELD.match(out[-1][2]) \
                and token.startswith('"'):
            prev_start, _, prev = out.pop()
            out.append((prev_start, end, prev + token))
            continue
        out.append((start, end, token))
    return out


def _distance(given: str | None, text: str) -> int:
    if given is None or not given.isdigit() or not 0 < int(given) <= MAX_NEAR_DISTANCE:
        shown = "NEAR" if given is None else f"NEAR/{given}"
        raise QuerySyntaxError(f"{shown} in query {text!r} needs a distance in words from 1 "
                               f"to {MAX_NEAR_DISTANCE}: write NEAR/10")
    return int(given)


def _clause(left: tuple[int, int, str], right: tuple[int, int, str], distance: int,
            text: str) -> _Clause:
    sides = [_side(left[2]), _side(right[2])]
    entities = [s for s in sides if s[0] is not None]
    words = [s for s in sides if s[0] is None and s[1]]
    if len(entities) != 1 or len(words) != 1:
        raise QuerySyntaxError(
            f"NEAR/{distance} in query {text!r} needs one entity field and one word or "
            f'"phrase": person:"Sergei Shoigu" NEAR/{distance} "air strikes" (also org:, '
            "place:, country:)")
    facet, value = entities[0]
    if facet is None or not value:
        raise QuerySyntaxError(f"The entity beside NEAR/{distance} in query {text!r} has no "
                               'value: write person:"Full Name"')
    return _Clause(left[0], right[1], facet, value, words[0][1], distance)


def _side(token: str) -> tuple[Facet | None, str]:
    """(facet, value) of an entity operand, (None, words) of a word or phrase operand, and
    (None, "") of anything else (an operator, a group, a wildcard, another field)."""
    field = _FIELD.match(token)
    if field:
        facet = _FIELD_FACETS.get(field.group(1).lower())
        value = field.group(2).strip('"').strip()
        return (facet, value) if facet is not None and "*" not in value else (None, "")
    if token in ("(", ")", "[", "]") or token.upper() in ("AND", "OR", "NOT", "ANDNOT") \
            or _NEAR.match(token) or any(c in token for c in "*?"):
        return None, ""
    return None, token.strip('"').strip()
