"""Keep the corpus pass up to date as a few articles come and go.

A run that adds, changes or removes a few articles starts from the statistics and
decisions the index keeps (:mod:`index.corpus.state`). Round by round, it adds the counts
of the new articles and removes those of the old versions, decides again only about the
keys those counts touch, and finds the articles an answer changed for through the
``lookups`` field (every stored article lists the keys its facets asked the corpus about,
see :mod:`index.entities.lookups`). Those articles' counts are taken out under the old
decisions and put back under the new ones, so the sums stay those of a full pass; a
display form that changes reaches the articles showing it through the facet's own terms.
Only the articles whose facets, their recorded spellings or lookup keys changed are
written again.

The decided facets are the same as a full pass's (tested on random splits of a corpus).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.corpus.documents import KnownTagged, article_of, rewritten, stored_entities
from index.corpus.full import PassResult
from index.corpus.state import CorpusState
from index.entities.corpus import CorpusView
from index.entities.display import DisplayCounts, DisplayForms
from index.entities.lookups import recording
from index.entities.normalize import Entities
from index.entities.rounds import (
    LEXICON,
    TEXT,
    VIEW,
    ArticleInput,
    Decisions,
    article_counts,
    canonical_entities,
    empty_counts,
)
from index.entities.rules import CorpusRules
from index.entities.textstats import TextCounts
from index.store import folder as store
from index.store.schema import ID, LOOKUPS, key_term

#: An update handles at most this many articles added and removed...
UPDATE_MIN = 2_000
#: ... or this share of the index, when larger; beyond, the full pass costs less.
UPDATE_SHARE = 0.05
#: Memory the writer may use for its buffers, in MB.
WRITER_MEMORY_MB = 128


#: A stored document to look at again: its fields, content hash, entities before display
#: forms, the keys it asks, and whether it asks keys the index does not list for it yet.
_Redo = tuple[dict[str, Any], str, Entities, frozenset[str], bool]


def update_limit(documents: int) -> int:
    """Most articles an update handles in an index of ``documents``."""
    return max(UPDATE_MIN, int(UPDATE_SHARE * documents))


@dataclass(slots=True)
class Removed:
    """The old versions of the articles a run replaces or deletes, read before they go.

    Holds at most ``limit`` of them; past it, :attr:`overflow` is set and the run ends
    with the full pass instead.
    """

    ix: Any
    limit: int
    articles: dict[str, ArticleInput] = field(default_factory=dict)
    overflow: bool = False
    _searcher: Any = None

    def take(self, ids: Iterable[str]) -> None:
        """Read the stored versions of ``ids`` (those still in the index)."""
        wanted = [i for i in ids if i not in self.articles]
        if self.overflow or not wanted:
            return
        if len(self.articles) + len(wanted) > self.limit:
            self.overflow = True
            self.articles.clear()
            self.close()
            return
        searcher = self._fresh()
        for doc_id in wanted:
            docnum = searcher.document_number(**{ID: doc_id})
            if docnum is not None:
                fields = searcher.stored_fields(docnum)
                self.articles[doc_id] = article_of(fields, "", {})

    def _fresh(self) -> Any:
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self._searcher

    def close(self) -> None:
        """Let go of the index."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def update_pass(ix: Any, folder: Path, state: CorpusState, removed: Mapping[str, ArticleInput],
                added: set[str], known: KnownTagged) -> PassResult:
    """Bring the corpus pass of ``state`` up to date with ``added`` (ids written since,
    read from the index) and ``removed`` (the old versions of the articles replaced or
    deleted since). The caller holds the write lock."""
    stats, old = state.stats, state.decisions
    # The rules read their counts live: the old ones answer from a copy.
    old_rules = CorpusRules.build(TextCounts.total([stats.text]))
    old = replace(old, view=replace(old.view, rules=old_rules))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        digest_of = store.Digests(reader)
        new: dict[str, tuple[dict[str, Any], ArticleInput, str]] = {}
        for doc_id in added:
            docnum = searcher.document_number(**{ID: doc_id})
            if docnum is not None:
                fields = searcher.stored_fields(docnum)
                digest = digest_of(docnum)
                new[doc_id] = (fields, article_of(fields, digest, known), digest)
        fresh = [article for _, article, _ in new.values()]
        # An old version still indexed (its new one failed to read) was not removed.
        gone = [article for doc_id, article in removed.items()
                if doc_id in new or searcher.document_number(**{ID: doc_id}) is None]
        skip = set(new)
        # Each stored article looked at again is read into the pass's input once, for
        # every round (reading it is a third of the work an article costs here).
        inputs: dict[int, ArticleInput] = {}

        # Round 1: the rules' counts.
        keys = _apply(stats.text, TEXT, fresh, gone, (), old, old)
        rules = CorpusRules.build(stats.text)
        # Each key's answers are asked in every round: once per key and side is enough
        # (the old rules answer from a copy, the new ones' counts are final from here).
        said_before, said_now = functools.cache(old_rules.signature), \
            functools.cache(rules.signature)
        decided_before = functools.cache(old.view.decided_about)

        def moved(keys: set[str], view: CorpusView) -> set[str]:
            return {k for k in keys if said_before(k) != said_now(k)
                    or decided_before(k) != view.decided_about(k)}

        changed = {k for k in keys if said_before(k) != said_now(k)}
        after_text = replace(old, view=replace(old.view, rules=rules))
        # Round 2: votes, acronyms, full names, named organizations and places.
        queried = set(changed)
        again = _asking(reader, changed, skip)
        keys |= _apply(stats.view, VIEW, fresh, gone, _inputs(again, inputs), old,
                       after_text)
        view = type(old.view).decided(rules, stats.view, keys, base=old.view)
        changed = moved(keys, view)
        after_view = replace(old, view=view)
        # Round 3: the lexicon.
        again |= _asking(reader, changed - queried, skip)
        queried |= changed
        keys |= _apply(stats.lexicon, LEXICON, fresh, gone, _inputs(again, inputs), old,
                       after_view)
        view = view.with_lexicons(stats.lexicon, keys)
        changed = moved(keys, view)
        again |= _asking(reader, changed - queried, skip)
        decided = replace(old, view=view)

        # Round 4: each article's entities, then the display forms.
        before_display = DisplayCounts.total(DisplayCounts.of(canonical_entities(a, old))
                                             for a in gone)
        after_display = DisplayCounts()
        redo: dict[int, _Redo] = {}
        for docnum, fields in again.items():
            digest = digest_of(docnum)
            article = _input(docnum, fields, inputs)
            with recording() as asked_before:
                before = canonical_entities(article, old)
            with recording() as asked:
                after = canonical_entities(article, decided)
            before_display.add(DisplayCounts.of(before))
            after_display.add(DisplayCounts.of(after))
            # A key no longer asked may stay in the index (it costs a needless re-check);
            # a key asked now must be there.
            redo[docnum] = (fields, digest, after, frozenset(asked), not asked <= asked_before)
        written: dict[str, tuple[dict[str, Any], str, Entities, frozenset[str]]] = {}
        for doc_id, (fields, article, digest) in new.items():
            with recording() as asked:
                after = canonical_entities(article, decided)
            after_display.add(DisplayCounts.of(after))
            written[doc_id] = (fields, digest, after, frozenset(asked))
        stats.display.add(after_display)
        stats.display.remove(before_display)
        groups = set(after_display.forms) | set(before_display.forms)
        display = DisplayForms.decide(stats.display, groups, base=old.display)
        regroup = {g for g in groups if old.display.chosen.get(g) != display.chosen.get(g)}
        decided = replace(decided, display=display)
        for docnum, fields in _showing(reader, regroup, old.display, skip).items():
            if docnum not in redo:
                digest = digest_of(docnum)
                with recording() as asked:
                    after = canonical_entities(article_of(fields, digest, known), decided)
                redo[docnum] = (fields, digest, after, frozenset(asked), False)
    count = _write(ix, folder, decided, written, redo)
    return PassResult(len(written) + len(redo), count, stats, decided)


def _apply(counts: Any, name: str, fresh: list[ArticleInput], gone: list[ArticleInput],
           again: Iterable[ArticleInput], old: Decisions, new: Decisions) -> set[str]:
    """Add the new articles' counts of round ``name``, take out the old versions', and
    count the articles in ``again`` under the new decisions instead of the old; the keys
    whose decisions the change can touch."""
    plus, minus = empty_counts(name), empty_counts(name)
    for article in fresh:
        plus.add(article_counts(name, article, new))
    for article in gone:
        minus.add(article_counts(name, article, old))
    for article in again:
        plus.add(article_counts(name, article, new))
        minus.add(article_counts(name, article, old))
    counts.add(plus)
    counts.remove(minus)
    if isinstance(plus, TextCounts) and isinstance(minus, TextCounts):
        return CorpusRules.affected(plus) | CorpusRules.affected(minus)
    return plus.affected() | minus.affected()  # type: ignore[attr-defined, no-any-return]


def _inputs(docs: Mapping[int, dict[str, Any]],
            read: dict[int, ArticleInput]) -> Iterator[ArticleInput]:
    """The pass's input for each stored document of ``docs`` (see :func:`_input`)."""
    for docnum, fields in docs.items():
        yield _input(docnum, fields, read)


def _input(docnum: int, fields: dict[str, Any], read: dict[int, ArticleInput]) -> ArticleInput:
    """The pass's input for stored document ``docnum``, read once into ``read``. It is
    never an article this run wrote, so no tagged mentions of the run apply."""
    article = read.get(docnum)
    if article is None:
        article = read[docnum] = article_of(fields, "", {})
    return article


def _asking(reader: Any, keys: Iterable[str], skip: set[str]) -> dict[int, dict[str, Any]]:
    """The stored documents (by number) that asked the corpus about any of ``keys``."""
    out: dict[int, dict[str, Any]] = {}
    for key in keys:
        term = key_term(key)
        if (LOOKUPS, term) in reader:
            _collect(reader, reader.postings(LOOKUPS, term).all_ids(), skip, out)
    return out


def _showing(reader: Any, groups: Iterable[str], display: DisplayForms,
             skip: set[str]) -> dict[int, dict[str, Any]]:
    """The stored documents showing an entity of ``groups`` in its old display form."""
    out: dict[int, dict[str, Any]] = {}
    for group in groups:
        value = display.chosen.get(group)
        facet = group.partition("\x00")[0]
        if value is not None and (facet, value) in reader:
            _collect(reader, reader.postings(facet, value).all_ids(), skip, out)
    return out


def _collect(reader: Any, docnums: Iterable[int], skip: set[str],
             out: dict[int, dict[str, Any]]) -> None:
    for docnum in docnums:
        if docnum in out or reader.is_deleted(docnum):
            continue
        fields = reader.stored_fields(docnum)
        if fields[ID] not in skip:
            out[docnum] = fields


def _write(ix: Any, folder: Path, decided: Decisions,
           written: Mapping[str, tuple[dict[str, Any], str, Entities, frozenset[str]]],
           redo: Mapping[int, _Redo]) -> int:
    """Write the new articles and those whose facets, spellings or lookup keys changed;
    the number whose facets changed."""
    changed = 0
    writer = None
    try:
        for fields, digest, entities, asked in written.values():
            final = decided.display.apply(entities)
            changed += final != stored_entities(fields)
            writer = writer or ix.writer(limitmb=WRITER_MEMORY_MB)
            writer.update_document(**rewritten(fields, digest, final, asked))
        for fields, digest, entities, asked, grown in redo.values():
            final = decided.display.apply(entities)
            stored = stored_entities(fields)
            differs = final != stored
            changed += differs
            # Equal facets may have been written otherwise ("Shoigu" now linked elsewhere).
            if differs or grown or final.spellings != stored.spellings:
                writer = writer or ix.writer(limitmb=WRITER_MEMORY_MB)
                writer.update_document(**rewritten(fields, digest, final, asked))
        if writer is not None:
            writer.commit()
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
    return changed
