"""`rasid serve`: the HTTP API and the web page over one database (FastAPI app run by uvicorn)."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Annotated

import typer

from rasid.cli.common import DEFAULT_DB, console, fail

DEFAULT_MAX_BODY = 5 * 1024 * 1024
# Connections served at once; more are answered 503 at once rather than queued without bound.
MAX_CONNECTIONS = 100


def read_token(token_file: str | None) -> str | None:
    """The write token: the first line of `token_file`, else env RASID_TOKEN, else None (read-only)."""
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeError) as exc:
            fail(f"--token-file {token_file}: cannot read it ({exc})")
        if not token:
            fail(f"--token-file {token_file}: the file is empty; put the token on its first line")
        if len(token) < 16:
            fail(f"--token-file {token_file}: the token is shorter than 16 characters; use a long random one")
        return token
    return os.environ.get("RASID_TOKEN", "").strip() or None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a one-line error (port in use, no such address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"--host {host}: not an address this machine has ({exc.strerror})")
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(f"port {port} on {host} is already in use; stop the other server or choose another --port")
        fail(f"cannot listen on {host}:{port} ({exc.strerror})")
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    db: Annotated[str, typer.Option("--db", help="Database file (SQLite), made by `rasid analyze`.")] = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    token_file: Annotated[
        str | None, typer.Option("--token-file", help="File whose first line is the write token (or env RASID_TOKEN).")
    ] = None,
    cors: Annotated[
        list[str] | None, typer.Option("--cors", help="Allow this browser origin to call the API (repeatable).")
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest request body in bytes (413 above it).")
    ] = DEFAULT_MAX_BODY,
) -> None:
    """Serve the HTTP API, its docs (/docs) and the web page (/) for a database. Read-only without a token."""
    from rasid.api.events import ensure_search_keys
    from rasid.store import StoreError, missing_database, open_store

    if missing_database(db):
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    try:  # checked (and migrated) once here, so each worker thread opens it quickly
        store = open_store(db, create=False)
    except StoreError as exc:
        fail(str(exc))
    try:  # rows stored before migration 8 get their place/actor filter keys now, not in a first request
        ensure_search_keys(store)
    except StoreError as exc:  # a read-only file: those filters will say so when used
        console.print(f"[yellow]note:[/yellow] {exc}", highlight=False)
    finally:
        store.close()
    from rasid.web.app import tune_garbage_collector

    tune_garbage_collector()
    token = read_token(token_file)
    import uvicorn

    from rasid.web.app import create_app

    app = create_app(db, token=token, max_body=max_body, cors_origins=list(cors or []))
    sock = bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    mode = "writes need the token" if token else "read-only: no token"
    console.print(f"Rasid serving {db} at http://{shown_host}:{sock.getsockname()[1]}/ ({mode}); Ctrl-C stops it",
                  highlight=False)  # fmt: skip
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]note:[/yellow] listening on {host}: other machines can reach this server", highlight=False)
    config = uvicorn.Config(
        app,
        log_level="warning",
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        server_header=False,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    console.print("stopped", highlight=False)
