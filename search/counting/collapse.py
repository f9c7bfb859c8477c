"""Near-duplicate stories: wire copy run by several outlets, the same article indexed twice.

Two documents are copies of one story when the first :data:`SIGNATURE_WORDS` words of their
bodies are the same once case, punctuation and spacing are ignored; outlets retitle and trim
wire copy, but rarely rewrite its opening. Signatures are computed once per index
generation, the first time a search asks to collapse.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from index import BODY, TITLE, WhooshReader

#: Words of the body's opening compared to tell copies of one story.
SIGNATURE_WORDS = 40
#: Bodies shorter than this many words are compared with their title too.
MIN_BODY_WORDS = 12
_WORD = re.compile(r"\w+")


def signature(title: str, body: str) -> int:
    """A 63-bit fingerprint of a story's opening."""
    words = _WORD.findall(body.casefold())[:SIGNATURE_WORDS]
    if len(words) < MIN_BODY_WORDS:
        words = _WORD.findall(title.casefold()) + ["\x00"] + words
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def signatures(reader: WhooshReader) -> np.ndarray:
    """The signature of every document number (deleted documents get their own number)."""
    out = np.arange(-1, -reader.doc_count_all() - 1, -1, dtype=np.int64)
    for docnum, fields in reader.iter_docs():
        out[docnum] = signature(fields.get(TITLE, ""), fields.get(BODY, ""))
    return out


def collapse(mask: np.ndarray, sigs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first document (by number) of each story among ``mask``.

    Returns:
        The reduced mask, and per document number how many matching copies its story has
        (1 for a story with no other copy; 0 where not kept).
    """
    docs = np.flatnonzero(mask)
    kept = np.zeros_like(mask)
    copies = np.zeros(len(mask), dtype=np.int64)
    if len(docs):
        _, first, counts = np.unique(sigs[docs], return_index=True, return_counts=True)
        kept[docs[first]] = True
        copies[docs[first]] = counts
    return kept, copies
