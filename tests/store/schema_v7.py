"""Undo migration 8 on a database written by today's Rasid, as a release at schema 7 left it
(used to test migrations on files written before it)."""

from __future__ import annotations

import re

from rasid.serialize import record_text
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore
from tests.store.schema_v14 import undo_migration_15

V8 = MIGRATIONS[7]
# The events columns of schema 2-7, in order.
EVENT_COLUMNS_V2 = (
    "id, article_id, event_index, event_type, sub_event_type, event_date, date_precision, place_id, place_name,"
    " latitude, longitude, actor1, actor2, fatalities, record"
)


def drop_migration_8(store: SQLiteStore, *, version: bool = True) -> None:
    """Drop what migration 8 added: its new indexes, the `reviews` table, the new `events` columns
    (and the `story_alignments` table of migration 9, which comes after it)."""
    store.execute("DROP TABLE IF EXISTS story_alignments")
    old_indexes = set(re.findall(r"CREATE INDEX (\w+)", MIGRATIONS[1]))
    for index in set(re.findall(r"CREATE INDEX (\w+)", V8)) - old_indexes:
        store.execute(f"DROP INDEX IF EXISTS {index}")
    store.execute("DROP TABLE IF EXISTS reviews")
    old_columns = {c.strip() for c in EVENT_COLUMNS_V2.split(",")}
    new_table = V8.split("CREATE TABLE events_v8 (", 1)[1].split(");", 1)[0]
    for column in re.findall(r"^\s*(\w+) ", new_table, flags=re.M):
        if column not in old_columns:
            store.execute(f"ALTER TABLE events DROP COLUMN {column}")
    # Event records as schema 7 held them: JSON text (migration 10 compresses them).
    rows = store.query("SELECT id, record FROM events")
    store.executemany("UPDATE events SET record = ? WHERE id = ?", [(record_text(r), i) for i, r in rows])
    undo_migration_15(store.execute)
    # Tables of the migrations after 10 (10 itself can run again over its own work).
    for later in MIGRATIONS[10:]:
        for table in re.findall(r"CREATE TABLE (\w+)", later):
            store.execute(f"DROP TABLE IF EXISTS {table}")
    if version:
        store.execute("PRAGMA user_version = 7")
