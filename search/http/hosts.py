"""Which host names a server answers to: a leaf module, cheap to import from the CLI."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

#: Host names of this machine, accepted by a server listening on a loopback address.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> tuple[str, ...] | None:
    """The ``Host`` names a server listening on ``host`` answers to; ``None`` for any.

    On loopback: this machine's names, the address itself and ``extra``, so that a
    DNS-rebinding page cannot reach the server. Elsewhere: ``extra`` if given, else any.
    """
    if is_loopback(host):
        own = f"[{host}]" if ":" in host else host
        return (*LOOPBACK_HOSTS, own, *extra)
    return tuple(extra) or None
