"""newsfacet's command line: a thin layer over the ``index`` and ``search`` libraries."""

from cli.main import app

__all__ = ["app"]
