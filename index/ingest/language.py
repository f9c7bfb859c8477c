"""The language of an article's text, when its source does not declare one: ``py3langid``.

py3langid classifies 97 languages in about 3 ms for the first
:data:`DETECT_CHARS` characters of a text (see benchmarks/extraction.py). Short texts are
where language detectors go wrong (a two-line English note full of names comes out as
German), so a text shorter than :data:`MIN_DETECT_CHARS`, or a guess less sure than
:data:`MIN_CONFIDENCE`, gives no language: such an article goes to the default pipeline.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Characters of a text the detector reads: enough to be sure, bounded in cost.
DETECT_CHARS = 2_000
#: Texts shorter than this get no detected language.
MIN_DETECT_CHARS = 200
#: The detector's probability a guess needs.
MIN_CONFIDENCE = 0.95


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when it cannot be told surely."""
    sample = text[:DETECT_CHARS]
    if len(sample.strip()) < MIN_DETECT_CHARS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid loads its model on import (a third of a second); only indexing needs it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
