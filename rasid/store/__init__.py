"""Storage: the `Store` interface, its SQLite and PostgreSQL implementations, and `open_store` to pick one by location."""

from __future__ import annotations

from rasid.store.base import Store, StoreDamagedError, StoreError, StoreLockedError, is_server_url

__all__ = ["Store", "StoreDamagedError", "StoreError", "StoreLockedError", "is_server_url", "missing_database", "open_store"]


def missing_database(location: str) -> bool:
    """A SQLite path with no file there. A server's database is checked when it is opened."""
    from pathlib import Path

    return not is_server_url(location) and not Path(location.removeprefix("sqlite:///")).is_file()


def open_store(location: str, *, create: bool = True, busy_timeout: float | None = None) -> Store:
    """Open a store from a path or URL: `file.db`, `sqlite:///file.db` or `postgresql://user@host/dbname`.

    `create=True` (writing commands) makes a missing or empty (0-byte) file a new database;
    `create=False` (reading commands) refuses such a file with a one-line `StoreError` instead.
    `busy_timeout`: seconds to wait for another writer (default: env RASID_BUSY_TIMEOUT, else 300).
    """
    if is_server_url(location):
        # Imported here: only a PostgreSQL location loads the driver.
        from rasid.store.postgres import PostgresStore

        return PostgresStore(location, create=create, busy_timeout=busy_timeout)
    # Imported here: opening a store is the only reason to load the SQLite implementation.
    from rasid.store.sqlite import SQLiteStore

    path = location.removeprefix("sqlite:///")
    return SQLiteStore(path, create=create, busy_timeout=busy_timeout)
