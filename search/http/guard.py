"""What keeps a server on a laptop safe from the browser next to it and from slow clients.

- :class:`Guard`, an ASGI middleware: answers only requests whose ``Host`` header names an
  allowed host (a web page cannot reach a loopback server through a DNS-rebinding domain),
  answers ``HEAD`` wherever ``GET`` works, and adds ``X-Content-Type-Options: nosniff``,
  a ``Content-Security-Policy`` with ``frame-ancestors 'none'`` and ``Referrer-Policy`` to
  every response that does not set its own policy.
- :func:`header_timeout_protocol`: uvicorn's HTTP/1.1 protocol with a deadline on the
  request headers, so a client that trickles them is disconnected instead of holding a
  connection open for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from search.http.hosts import LOOPBACK_HOSTS
from search.http.params import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["LOOPBACK_HOSTS", "Guard", "header_timeout_protocol", "run"]
#: Seconds a client has to send a request's headers once it connected or its last answer
#: was sent; a slower client is disconnected.
DEFAULT_HEADER_TIMEOUT = 10.0
#: The policy of responses that set none: JSON, assets and errors load and frame nothing.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port, lower case (``[::1]`` keeps its
    brackets)."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[:end + 1] if end > 0 else value
    return value.split(":", 1)[0]


class Guard:
    """ASGI middleware: the ``Host`` check, ``HEAD`` and the security headers.

    Args:
        app: the application to guard.
        allowed_hosts: host names (no port) the server answers to; ``None`` answers any
            host (a server mounted in another app, or listening on a network with
            ``--host``).
    """

    def __init__(self, app: App, *, allowed_hosts: Sequence[str] | None = None) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else \
            frozenset(host_name(h) for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        host = headers.get(b"host", b"").decode("latin-1")
        if self.allowed is not None and host_name(host) not in self.allowed:
            # A rebinding domain resolves to 127.0.0.1 but still sends its own name.
            response = ApiError(
                421, "host_not_allowed",
                f"This server does not answer to the host {host_name(host)!r}; open it as "
                "http://127.0.0.1:PORT/ or start it with --allowed-host NAME").response()
            await response(scope, receive, _secured(send, head=False))
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")
        await self.app(scope, receive, _secured(send, head=head))


def _secured(send: Send, *, head: bool) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers") or ())
            present = {name.lower() for name, _ in headers}
            headers += [h for h in SECURITY_HEADERS if h[0] not in present]
            if b"content-security-policy" not in present:
                headers.append((b"content-security-policy", DEFAULT_CSP.encode()))
            message = dict(message, headers=headers)
        elif message["type"] == "http.response.body" and head:
            message = dict(message, body=b"")
        await send(message)
    return wrapped


def header_timeout_protocol(seconds: float = DEFAULT_HEADER_TIMEOUT) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing connections whose request headers take longer than
    ``seconds`` (uvicorn's own timeouts cover idle connections, not slow headers).

    Use it as ``uvicorn.Config(app, http=header_timeout_protocol())``.
    """

    class HeaderTimeoutProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            before = self.cycle
            super().handle_events()
            if self.cycle is not before:  # a request's headers are in
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's headers have the same deadline

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()

    return HeaderTimeoutProtocol


def run(app: Any, *, host: str, port: int, header_timeout: float = DEFAULT_HEADER_TIMEOUT
        ) -> None:
    """Serve ``app`` with uvicorn on ``host:port`` until stopped, disconnecting clients whose
    request headers take longer than ``header_timeout`` seconds."""
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False,
                http=header_timeout_protocol(header_timeout))
