"""One module per input format, each defining ``FORMAT`` (see :mod:`index.ingest.formats`)."""
