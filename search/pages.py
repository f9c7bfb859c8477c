"""A page of hits: the matches ranked, their snippets, facet counts and suggestions.

:class:`ResultPages` turns a parsed text query and filters into a :class:`SearchResult`:
it selects the matches (:mod:`search.select`), collapses copies, ranks the requested page
with numpy BM25F where it can (:mod:`search.ranking`), makes snippets (centred on a NEAR
match when there is one), counts every facet and the date histogram over all the matches
and, for few matches, looks for "did you mean" suggestions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from index import BODY, TITLE, Facet, reading_index
from search.core import IndexCore, stored_document
from search.counting.collapse import collapse as collapse_mask
from search.counting.dates import DateInterval
from search.query.arguments import SortOrder
from search.query.filters import Filters
from search.query.near import EntityNear
from search.query.suggest import entity_suggestion, text_suggestion
from search.ranking.passages import near_passage
from search.ranking.postings import near_pairs
from search.ranking.scoring import supports, top
from search.ranking.snippets import query_terms
from search.results import FacetCount, Hit, SearchResult, Suggestion
from search.select import Selection
from search.snapshot import Snapshot

#: Searches with fewer matches than this look for "did you mean" suggestions.
SUGGEST_BELOW = 20


class ResultPages(IndexCore):
    """Pages of ranked hits with facet counts, for the search methods of NewsIndex."""

    def _execute(self, snap: Snapshot, text: str, text_query: wq.Query, filters: Filters, *,
                 limit: int, page: int, facet_size: int, facets: bool, disjunctive: bool,
                 order: SortOrder, interval: DateInterval, collapse: bool,
                 exclude: int | np.ndarray | None = None, label: str | None = None,
                 ) -> SearchResult:
        """The result of a search: ``text_query`` and ``filters`` select the matches (less
        ``exclude``), of which page ``page`` is ranked; ``label`` is shown for the text."""
        selection = self._select_query(snap, text_query, filters)
        final = selection.final()
        if exclude is not None:
            final[exclude] = False
        copies = None
        if collapse:
            final, copies = collapse_mask(final, snap.signatures())
        total = int(np.count_nonzero(final))
        hits = self._rank(snap, text_query, final, order, page, limit, copies)
        counts: dict[str, tuple[FacetCount, ...]] = {}
        histogram: tuple[FacetCount, ...] = ()
        used_interval = None
        if facets:
            for facet in Facet:
                mask, count, within = final, total, selection.required
                if disjunctive and facet in selection.facet_masks:
                    within = tuple(e for e in within if e[0] is not facet)
                    mask = selection.without(facet)
                    if exclude is not None:
                        mask[exclude] = False
                    if collapse:
                        mask, _ = collapse_mask(mask, snap.signatures())
                    count = int(np.count_nonzero(mask))
                counts[facet.value] = snap.facet_table(facet, mask, count, facet_size,
                                                       within=within)
            chosen, histogram = snap.histogram(final, total, interval)
            used_interval = chosen.value
        suggestions = self._suggest(snap, text, selection) if total < SUGGEST_BELOW else ()
        return SearchResult(label or text, total, hits, counts, page, limit, filters.to_dict(),
                            dates=histogram, date_interval=used_interval,
                            suggestions=suggestions, sort=order.value, collapsed=collapse)

    def _rank(self, snap: Snapshot, text_query: wq.Query, final: np.ndarray, order: SortOrder,
              page: int, limit: int, copies: np.ndarray | None) -> tuple[Hit, ...]:
        start = (page - 1) * limit
        docs = np.flatnonzero(final)
        if start >= len(docs):
            return ()
        scores: dict[int, float] = {}
        if order is SortOrder.RELEVANCE and not isinstance(text_query, wq.Every):
            # Only documents of ``final`` are ranked, and they already passed any phrase:
            # scoring phrases as plain words spares the slow matching of positions.
            ranking = _words_for_phrases(text_query)
            if supports(ranking, snap.searcher):
                all_scores = snap.scorer.scores(ranking, snap.size)
                page_docs = top(all_scores, docs, start, start + limit).tolist()
                scores = {d: float(all_scores[d]) for d in page_docs}
            else:
                results = snap.searcher.search(ranking, limit=start + limit,
                                               filter=set(docs.tolist()))
                ranked = [(hit.docnum, float(hit.score)) for hit in results][start:]
                page_docs = [d for d, _ in ranked]
                scores = dict(ranked)
        elif order is SortOrder.RELEVANCE:
            page_docs = snap.dates.order(docs, newest_first=True)[start:start + limit].tolist()
        else:
            page_docs = snap.dates.order(docs, newest_first=order is SortOrder.NEWEST)[
                start:start + limit].tolist()
        terms = query_terms(text_query, snap.searcher.reader(), (BODY, TITLE)) \
            if not isinstance(text_query, wq.Every) else frozenset()
        passages = _near_positions(snap, text_query, page_docs)
        hits = []
        with reading_index(self.path):
            for rank, docnum in enumerate(page_docs, start=start + 1):
                fields = self._stored(snap, docnum)
                snippet = self._snippet(fields, terms, passages.get(docnum))
                hits.append(Hit(stored_document(fields, text=False), scores.get(docnum), snippet,
                                rank, int(copies[docnum]) if copies is not None else 1))
        return tuple(hits)

    def _snippet(self, fields: dict[str, Any], terms: frozenset[str],
                 near: tuple[int, int, int] | None) -> str:
        """The hit's snippet: centred on the passage a NEAR clause matched, if any."""
        body = fields.get(BODY, "")
        if near is not None:
            found = near_passage(fields, self._ix.schema[BODY].analyzer, *near)
            if found is not None:
                return self._snippets.around(body, found.focus, terms, found.entity)
        return self._snippets.make(body, terms)

    def _suggest(self, snap: Snapshot, text: str, selection: Selection) -> tuple[Suggestion, ...]:
        out = []
        for facet, value in selection.unmatched:
            found = _other_facet(snap, facet, value) or entity_suggestion(
                facet, value, snap.columns[facet])
            if found:
                out.append(found)
        if text.strip():
            found = text_suggestion(text, snap.searcher, snap.lexicon())
            if found:
                out.append(found)
        return tuple(out)


def _near_positions(snap: Snapshot, query: wq.Query, docs: list[int]
                    ) -> dict[int, tuple[int, int, int]]:
    """Per document of ``docs`` matched by the first NEAR clause of ``query``: the entity's
    position, the words' position and how many words."""
    near = next((leaf for leaf in query.leaves() if isinstance(leaf, EntityNear)), None)
    if near is None or not docs:
        return {}
    found, entity_pos, word_pos = near_pairs(snap.postings, near)
    wanted = set(docs)
    return {int(d): (int(e), int(w), len(near.words))
            for d, e, w in zip(found.tolist(), entity_pos.tolist(), word_pos.tolist(),
                               strict=True) if d in wanted}


_KIND_NAMES = {Facet.PEOPLE: "person", Facet.ORGANIZATIONS: "organization",
               Facet.PLACES: "place", Facet.COUNTRIES: "country"}


def _other_facet(snap: Snapshot, facet: Facet, value: str) -> Suggestion | None:
    """The same value in another facet, when ``value`` names no entity of ``facet``
    (``--country Moscow``: Moscow is a place)."""
    for other in Facet:
        if other is facet:
            continue
        column = snap.columns[other]
        ids = column.lookup(value)
        if ids is not None:
            name = column.values[ids]
            kind = _KIND_NAMES[other]
            article = "an" if kind[0] in "aeiou" else "a"
            return Suggestion(other.value, value, name, f"no {_KIND_NAMES[facet]} named "
                              f"{value!r}; it is {article} {kind}")
    return None


def _words_for_phrases(query: wq.Query) -> wq.Query:
    """``query`` with each phrase, and each NEAR clause, replaced by the AND of its words."""
    if isinstance(query, EntityNear):
        return query.words_query()
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, word) for word in query.words],
                      boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(_words_for_phrases)

