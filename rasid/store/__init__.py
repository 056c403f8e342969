"""Storage: the `Store` interface, its SQLite implementation, and `open_store` to pick one by location."""

from __future__ import annotations

from rasid.store.base import Store, StoreDamagedError, StoreError, StoreLockedError

__all__ = ["Store", "StoreDamagedError", "StoreError", "StoreLockedError", "open_store"]


def open_store(location: str, *, create: bool = True, busy_timeout: float | None = None) -> Store:
    """Open a store from a path or URL: `file.db` / `sqlite:///file.db` today, `postgresql://...` later.

    `create=True` (writing commands) makes a missing or empty (0-byte) file a new database;
    `create=False` (reading commands) refuses such a file with a one-line `StoreError` instead.
    `busy_timeout`: seconds to wait for another writer (default: env RASID_BUSY_TIMEOUT, else 300).
    """
    if location.startswith("postgresql://") or location.startswith("postgres://"):
        raise StoreError(
            f"{location}: PostgreSQL storage is not available in this version; use a SQLite file path"
        )
    # Imported here: opening a store is the only reason to load the SQLite implementation.
    from rasid.store.sqlite import SQLiteStore

    path = location.removeprefix("sqlite:///")
    return SQLiteStore(path, create=create, busy_timeout=busy_timeout)
