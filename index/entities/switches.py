"""Which named entity rules are switched off: a leaf every rule module can ask.

Rules are on in every normal run. A measurement switches some off for a block
(:func:`index.entities.rules.disabled`) to show what they change; nothing else does.
"""

from __future__ import annotations

_disabled: set[str] = set()


def enabled(name: str) -> bool:
    """True unless rule ``name`` is switched off."""
    return name not in _disabled


def switch_off(names: set[str]) -> set[str]:
    """Switch ``names`` off; returns those that were on (to switch back on later)."""
    fresh = names - _disabled
    _disabled.update(fresh)
    return fresh


def switch_on(names: set[str]) -> None:
    """Switch ``names`` on again."""
    _disabled.difference_update(names)
