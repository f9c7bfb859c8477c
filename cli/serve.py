"""``newsfacet serve``: the HTTP API and search page over one index, under uvicorn."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from cli.options import BackendOpt, UrlOpt
from cli.render import clean
from search import NewsfacetError, NewsIndex, connect, create_app, serve_app
from search.http.hosts import allowed_hosts, is_loopback

INDEX_ENV = "NEWSFACET_INDEX"
DEFAULT_INDEX = "news-index"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


__all__ = ["is_loopback", "serve_cli"]


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, no such address), or ``None``."""
    if port == 0:
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"Port {port} on {host} is in use (another newsfacet serve?); "
                        f"choose another with --port N, or --port 0 for any free one")
            return f"Cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def serve_cli(
    index: Annotated[Path, typer.Option("--index", "-i", envvar=INDEX_ENV,
                                        help=f"Index directory [env {INDEX_ENV}].")] =
        Path(DEFAULT_INDEX),
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. The default accepts this machine only; any other "
                       "address (0.0.0.0 = every network) lets other machines read the whole "
                       "index.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="TCP port (0: any free port).")] = DEFAULT_PORT,
    cors_origin: Annotated[list[str] | None, typer.Option(
        "--cors-origin", help="Let pages from this origin call the API (e.g. "
                              "http://localhost:3000); repeatable. CORS is off by default.")] =
        None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Also answer requests for this host name (e.g. a name in "
                               "/etc/hosts); repeatable. On a loopback address the server "
                               "answers only 127.0.0.1, localhost and [::1] by default; on "
                               "another address, only the names given here if any.")] = None,
    backend: BackendOpt = None,
    url: UrlOpt = None,
) -> None:
    """Serve the JSON API (/api, docs at /docs) and the search page (/) over HTTP, read-only.

    Serve an index published to OpenSearch with --backend opensearch --url URL.

    Example: newsfacet serve --index news-index --port 8765, then open http://127.0.0.1:8765/
    """
    try:
        news = connect(index, backend=backend and backend.value, url=url)
        if isinstance(news, NewsIndex):
            # A damaged index is refused now rather than answered with errors forever.
            news.check()
    except NewsfacetError as exc:
        typer.echo(f"Error: {clean(str(exc), one_line=True)}", err=True)
        raise typer.Exit(code=1) from None
    problem = port_problem(host, port)
    if problem:
        news.close()
        typer.echo(f"Error: {problem}", err=True)
        raise typer.Exit(code=1)
    if not is_loopback(host):
        typer.echo(f"Warning: listening on {host}: other machines can read every article in "
                   f"'{news.path}'. Use --host {DEFAULT_HOST} to keep it local.", err=True)
    with news:
        # Loopback: only this machine's names, so a DNS-rebinding page cannot read the index.
        app = create_app(news, cors_origins=tuple(cors_origin or ()),
                         allowed_hosts=allowed_hosts(host, tuple(allowed_host or ())))
        serve_app(app, host=host, port=port)
