"""The corpus statistics and decisions an index keeps beside its segments.

After each corpus pass the summed counts of every round
(:class:`~index.entities.rounds.CorpusStats`) and the decisions made from them are saved
in ``corpus.state``, with the index generation they describe. A later run that changes a
few articles starts from them instead of reading the whole corpus. The file is trusted only
when its generation is the index's and no run stopped before its corpus pass (the
``facets.stale`` marker): otherwise the next run does the full pass again, so a crash at
any point leaves statistics and documents consistent.

The file holds plain containers only and is read with the index's restricted unpickler
(:mod:`index.store.safe_pickle`): a crafted file cannot run code.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from index.entities.aliases import Aliases
from index.entities.corpus import CorpusView, NotedDict, NotedSet
from index.entities.counts import Mergeable
from index.entities.display import DisplayForms
from index.entities.rounds import ROUNDS, CorpusStats, Decisions
from index.entities.rules import CorpusRules
from index.store import folder as store
from index.store import safe_pickle

STATE_FILE = "corpus.state"
#: Bumped when the file's layout changes; another version is ignored (a full pass).
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class CorpusState:
    """What the corpus pass left: its statistics and decisions, for index generation
    ``generation``."""

    generation: int
    stats: CorpusStats
    decisions: Decisions


def save(folder: Path, generation: int, stats: CorpusStats, decisions: Decisions) -> None:
    """Write the state atomically (a temporary file renamed over the old one)."""
    view = decisions.view
    plain = {
        "version": STATE_VERSION,
        "generation": generation,
        "stats": {name: _plain(stats.of(name)) for name in ROUNDS},
        "labels": {str(k): dict(v) for k, v in view.labels.items()},
        "lexicons": {str(k): dict(v) for k, v in view.lexicons.items()},
        "acronyms": dict(view.acronyms),
        "full_names": dict(view.full_names),
        "person_words": sorted(view.person_words),
        "named_organizations": sorted(view.named_organizations),
        "place_names": sorted(view.place_names),
        "display": dict(decisions.display.chosen),
    }
    tmp = folder / f".{STATE_FILE}.{os.getpid()}"
    with open(tmp, "wb") as handle:
        pickle.dump(plain, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / STATE_FILE)


def load(folder: Path, generation: int, aliases: Aliases) -> CorpusState | None:
    """The state saved for index generation ``generation``, or ``None`` when there is none
    to trust (missing, of another generation or version, unreadable, or a run stopped
    before its corpus pass)."""
    path = folder / STATE_FILE
    if store.facets_stale(folder) or not path.exists():
        return None
    try:
        with open(path, "rb") as handle:
            plain = safe_pickle.load(handle)
        if plain.get("version") != STATE_VERSION or plain.get("generation") != generation:
            return None
        stats = CorpusStats()
        for name in ROUNDS:
            _fill(stats.of(name), plain["stats"][name])
        truth = {"True": True, "False": False}
        view = CorpusView(
            {truth[k]: NotedDict(v) for k, v in plain["labels"].items()},
            NotedDict(plain["acronyms"]),
            {truth[k]: NotedDict(v) for k, v in plain["lexicons"].items()},
            NotedSet(plain["person_words"]), NotedSet(plain["named_organizations"]),
            NotedDict(plain["full_names"]), NotedSet(plain["place_names"]),
            CorpusRules.build(stats.text))
        decisions = Decisions(view, DisplayForms(dict(plain["display"])), aliases)
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError,
            AttributeError):
        return None
    return CorpusState(generation, stats, decisions)


def forget(folder: Path) -> None:
    """Remove the saved state (the next run does the full pass)."""
    with contextlib.suppress(FileNotFoundError):
        (folder / STATE_FILE).unlink()


def _plain(counts: Mergeable) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(counts):  # type: ignore[arg-type]
        value = getattr(counts, f.name)
        out[f.name] = dict(value) if isinstance(value, Counter) else \
            {key: dict(inner) for key, inner in value.items()}
    return out


def _fill(out: Mergeable, plain: dict[str, Any]) -> None:
    for f in fields(out):  # type: ignore[arg-type]
        value = plain[f.name]
        if not isinstance(value, dict):
            raise TypeError(f"{f.name} is no table")
        if isinstance(getattr(out, f.name), Counter):
            setattr(out, f.name, Counter(value))
        else:
            setattr(out, f.name, {key: Counter(inner) for key, inner in value.items()})
