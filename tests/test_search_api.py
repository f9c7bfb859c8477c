"""The public surface of the search package."""

from __future__ import annotations

import search


def test_all_is_sorted_and_complete() -> None:
    assert search.__all__ == sorted(search.__all__, key=lambda n: (not n.isupper(), n))
    for name in ("NewsIndex", "SortOrder", "DateInterval", "RelatedResult", "CoMention",
                 "Suggestion", "DEFAULT_RELATED_SIZE", "RELATED_FACETS"):
        assert name in search.__all__
        assert getattr(search, name) is not None
