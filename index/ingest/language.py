"""The language of an article's text, when its source does not declare one: ``py3langid``.

py3langid classifies 97 languages in about 3 ms for the first
:data:`DETECT_CHARS` characters of a text (see benchmarks/extraction.py). Short texts are
where language detectors go wrong (a two-line English note full of names comes out as
German), so a text shorter than :data:`MIN_DETECT_CHARS`, or a guess less sure than
:data:`MIN_CONFIDENCE`, gives no language: such an article goes to the default pipeline.
"""

from __future__ import annotations

import lzma
import shutil
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from index.kept_tables import fingerprint, kept, mapped_npz

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
    identifier = _identifier()
    if identifier is None:
        return None
    code, confidence = identifier.classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The detector, loaded once; None when it cannot be loaded. py3langid unpacks its
    model through a temporary file, which a full disk refuses: then no language is
    detected (articles go to the default pipeline) and the run goes on to report the
    disk itself when it writes the index.

    The unpacked model is kept in the cache folder (:mod:`index.kept_tables`): unpacking
    it took about 0.4 s of every run that reads an article."""
    # py3langid takes a third of a second to load its model; only indexing needs it.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    def unpack(out: BinaryIO) -> None:
        with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
            shutil.copyfileobj(packed, out, length=1 << 20)

    def read(path: Path) -> Any:
        data = mapped_npz(path)  # its rows of weights are read as texts use them
        return LanguageIdentifier(
            data["ptc"], np.array(data["pc"]), data["classes"].tolist(),
            _uint_array(data["nextmove"]), data["out_feat"].tolist(), norm_probs=True,
            tk_row=_uint_array(data["nextmove_row"]))

    def derive() -> Any:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    try:
        return kept("py3langid-model.npz", fingerprint(["py3langid"], ()), unpack, read,
                    derive)
    except OSError:
        return None


def _uint_array(values: np.ndarray) -> array[int]:
    """An unsigned integer array as the standard library array py3langid walks."""
    out = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).data.cast("B"))
    return out
