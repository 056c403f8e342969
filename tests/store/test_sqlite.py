"""The SQLite store: created on first use, migrated by version, refuses files it cannot own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rasid.store import StoreError, open_store
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore


def test_new_file_gets_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    store = SQLiteStore(path)
    assert store.schema_version() == len(MIGRATIONS)
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type IN ('table')")}
    assert {"articles", "articles_fts", "minhash", "lsh_bands", "annotations", "mentions", "events"} <= tables
    store.close()


def test_old_schema_is_migrated_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = SQLiteStore(path)
    assert store.schema_version() == len(MIGRATIONS)
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Rasid"):
        SQLiteStore(path)


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(str(path))
    assert path.read_text(encoding="utf-8") == "not a database"


def test_postgres_url_names_the_problem() -> None:
    with pytest.raises(StoreError, match="PostgreSQL"):
        open_store("postgresql://localhost/rasid")


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "t.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.execute(
            "INSERT INTO ingest_log (at, origin, status, message) VALUES ('now', 'x', 'ok', 'm')"
        )
        raise RuntimeError("boom")
    assert store.query("SELECT COUNT(*) FROM ingest_log") == [(0,)]
    store.close()
