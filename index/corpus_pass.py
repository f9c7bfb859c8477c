"""Re-derive facets from stored mentions, without running NER: the corpus pass's entry.

Each document keeps its raw NER mentions in its stored record. The corpus pass applies the
mention rules, what the whole corpus decides (:mod:`index.entities.rounds`) and the user's
alias table. ``build_index`` runs it at the end of every run that changed the index, as an
update when the index kept its corpus statistics and the run changed a few articles
(:mod:`index.corpus.update`), else as the full pass (:mod:`index.corpus.full`);
:func:`renormalize` always runs the full pass. Both give the same facets.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from index.corpus import state as saved
from index.corpus.documents import KnownTagged
from index.corpus.full import full_pass
from index.corpus.state import CorpusState
from index.corpus.update import Removed, update_limit, update_pass
from index.entities.aliases import Aliases, load_aliases, read_stored, write_stored
from index.entities.rounds import Decisions
from index.errors import IndexWriteError
from index.store import folder as store
from index.store.columns import refresh_columns
from index.store.parallel import SubWriterLost

AliasSource = Aliases | str | os.PathLike[str] | None


@dataclass(frozen=True, slots=True)
class RenormalizeReport:
    """What a renormalisation did: documents read, documents whose facets changed, time."""

    index_dir: str
    documents: int
    changed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"index": self.index_dir, "documents": self.documents, "changed": self.changed,
                "seconds": round(self.seconds, 3)}


@dataclass(frozen=True, slots=True)
class PassSummary:
    """Documents the corpus pass read, those whose facets changed, and whether it was the
    full pass (which leaves the index in fresh segments: no merge is owed)."""

    documents: int
    changed: int
    full: bool


def renormalize(index_dir: str | os.PathLike[str], *, aliases: AliasSource = None
                ) -> RenormalizeReport:
    """Re-derive every document's facets from its stored mentions.

    Args:
        index_dir: an existing index.
        aliases: an alias table or the path of an alias file; it replaces the table stored
            in the index. ``None`` keeps the stored table.

    Raises:
        IndexNotFoundError: there is no index at ``index_dir``.
        IndexVersionError: the index has another schema version.
        IndexLockedError: another process is writing to this index.
        InputError, InvalidValueError: the alias file cannot be read or is malformed.
    """
    started = time.perf_counter()
    folder = Path(index_dir)
    ix = store.open_index(folder)
    table = resolve_aliases(folder, aliases)  # a bad alias file fails before the lock
    with store.write_lock(folder):
        documents, changed, _ = astuple(refresh_facets(ix, folder, table))
        try:
            refresh_columns(ix, folder)
        except OSError as exc:
            raise store.write_error(folder, exc) from None
    return RenormalizeReport(str(folder), documents, changed, time.perf_counter() - started)


def resolve_aliases(folder: Path, aliases: AliasSource) -> Aliases:
    """The alias table to use: the one given (loaded when a path), else the stored one."""
    if aliases is None:
        return read_stored(folder)
    return aliases if isinstance(aliases, Aliases) else load_aliases(aliases)


def refresh_facets(ix: Any, folder: Path, aliases: Aliases, *,
                   tagged: KnownTagged | None = None,
                   state: CorpusState | None = None,
                   removed: Removed | None = None,
                   added: Iterable[str] = (),
                   merge: Callable[[], object] | None = None) -> PassSummary:
    """The corpus pass over an open index whose write lock the caller holds.

    With the ``state`` the index kept before this run, the old versions of the articles
    it ``removed`` and the ids it ``added`` (written), the pass is an update
    (:mod:`index.corpus.update`) that touches only what changed; otherwise, or when the
    run changed too much for an update to pay, it is the full pass
    (:mod:`index.corpus.full`). Either way the decided facets are the same. Stores
    ``aliases`` and the new corpus state in the index. ``tagged`` holds documents' tagged
    mentions already computed, by id, with the content hash they were computed for;
    ``merge`` runs after an update's commit, before the state is saved for the generation
    it leaves (the full pass leaves fresh segments and needs none).
    """
    known = tagged or {}
    new = set(added)
    try:
        if state is not None and removed is not None and not removed.overflow \
                and len(new) + len(removed.articles) <= update_limit(ix.doc_count()):
            result = update_pass(ix, folder, state, removed.articles, new, known)
            full = False
            if merge is not None:
                merge()
        else:
            result = full_pass(ix, folder, Decisions(aliases=aliases), known)
            full = True
        saved.save(folder, ix.latest_generation(), result.stats, result.decisions)
    except SubWriterLost as exc:
        raise IndexWriteError(f"Cannot write the index at '{folder}': {exc}; the index holds "
                              "what was last committed; run the same command again") from None
    except OSError as exc:
        raise store.write_error(folder, exc) from None
    finally:
        if removed is not None:
            removed.close()
    write_stored(folder, aliases)
    store.clear_facets_stale(folder)
    return PassSummary(result.documents, result.changed, full)
