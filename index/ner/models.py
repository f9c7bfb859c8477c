"""Which spaCy pipeline reads which language.

An index run has a default pipeline (English unless told otherwise), which reads articles
in its own language and articles whose language is unknown, and optionally one pipeline
per other language (``--model fr=fr_core_news_sm``). An article in a language no pipeline
reads is indexed for text search only, without entities: an English model finds nonsense
in French text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from index.errors import ModelNotFoundError
from index.ner.pipeline import default_model_name, describe_model, model_id, model_language
from index.ner.pool import InlineNer

#: The model key of a document indexed without NER (no pipeline for its language).
TEXT_ONLY = "text-only"


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A pipeline by name and by identity (:func:`index.ner.pipeline.model_id`)."""

    name: str
    key: str


@dataclass(slots=True)
class ModelChoice:
    """The default pipeline, its language, and the pipelines of other languages."""

    default: Pipeline
    language: str | None
    by_language: dict[str, Pipeline] = field(default_factory=dict)
    #: The default pipeline already loaded in this process, when naming it was not enough
    #: to know what it is (a path); the run uses it rather than loading it again.
    loaded: InlineNer | None = None

    def for_language(self, language: str | None) -> Pipeline | None:
        """The pipeline reading ``language``; None when no pipeline reads it."""
        if language is None or language == self.language:
            return self.by_language.get(language or "", self.default)
        return self.by_language.get(language)

    def fingerprint(self) -> str:
        """Part of every document's fingerprint: changing which pipeline reads which
        language re-indexes (with only the default pipeline, it is its key, as before)."""
        if not self.by_language:
            return self.default.key
        spec = ";".join(f"{lang}={p.key}" for lang, p in sorted(self.by_language.items()))
        digest = hashlib.blake2b(spec.encode(), digest_size=8).hexdigest()
        return f"{self.default.key}+{digest}"


def choose_models(model: str | None = None, models: Mapping[str, str] | None = None,
                  *, batch_size: int) -> ModelChoice:
    """Resolve the default pipeline and the per-language ones, without loading any that
    is an installed package.

    Raises:
        ModelNotFoundError: a pipeline is not installed, or a language code is malformed.
    """
    name = model or default_model_name()
    loaded: InlineNer | None = None
    key = describe_model(name)
    language = model_language(name)
    if key is None:  # not an installed package: only loading it tells what it is
        loaded = InlineNer(name, batch_size)
        key, language = model_id(loaded.nlp), str(loaded.nlp.lang)
    choice = ModelChoice(Pipeline(name, key), language, loaded=loaded)
    for raw_language, other in (models or {}).items():
        code = raw_language.strip().lower()
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise ModelNotFoundError(f"Language {raw_language!r} in --model is not a language "
                                     "code; write it as LANG=NAME, e.g. fr=fr_core_news_sm")
        other_key = describe_model(other)
        if other_key is None:
            probe = InlineNer(other, batch_size)  # raises ModelNotFoundError when missing
            other_key = model_id(probe.nlp)
            probe.close()
        choice.by_language[code] = Pipeline(other, other_key)
    return choice
