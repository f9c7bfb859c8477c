"""newsfacet's command line: a thin layer over the ``index`` and ``search`` libraries."""

import os

# Before numpy loads: BLAS on one thread. Small index runs do NER in this process, and a
# spaCy pipeline's small matrices lose more to BLAS threads than they gain (see index.ner.pool).
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from cli.app import app  # noqa: E402 - after the environment is set

__all__ = ["app"]
