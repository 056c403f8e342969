"""Storage: the `Store` interface, its SQLite implementation, and `open_store` to pick one by location."""

from __future__ import annotations

from rasid.store.base import Store, StoreError

__all__ = ["Store", "StoreError", "open_store"]


def open_store(location: str) -> Store:
    """Open a store from a path or URL: `file.db` / `sqlite:///file.db` today, `postgresql://...` later."""
    if location.startswith("postgresql://") or location.startswith("postgres://"):
        raise StoreError(
            f"{location}: PostgreSQL storage is not available in this version; use a SQLite file path"
        )
    # Imported here: opening a store is the only reason to load the SQLite implementation.
    from rasid.store.sqlite import SQLiteStore

    path = location.removeprefix("sqlite:///")
    return SQLiteStore(path)
