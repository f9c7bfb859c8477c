"""``python -m cli``: the same as the ``newsfacet`` command."""

from cli.app import main

main()
