"""Reading articles: finding files, one reader per format, records and dates.

``files`` finds what to read (safely), ``formats`` maps suffixes to the readers in
``readers/`` (one module per format), ``reading`` runs a reader on a file and turns
anything that goes wrong into a :class:`~index.ingest.records.ReadProblem`, ``records``
holds the values they produce.
"""
