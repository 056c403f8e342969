"""Undo migration 15 on a database written by today's Rasid, as a release at schema 14 left it
(mention attributes copied into every mention row, story keys in a rowid table); used by the tests
that set a database's version back to run older migrations again."""

from __future__ import annotations

from collections.abc import Callable

UNDO_MIGRATION_15 = [
    """CREATE TABLE mentions_v14 (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        type TEXT NOT NULL,
        kb_id TEXT,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{}'
    )""",
    """INSERT INTO mentions_v14 SELECT m.id, m.article_id, m.type, m.kb_id, m.text, m.start, m.end,
        coalesce(t.attrs, '{}') FROM mentions m LEFT JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.id""",
    "DROP TABLE mentions",
    "DROP TABLE mention_attrs",
    "ALTER TABLE mentions_v14 RENAME TO mentions",
    "CREATE INDEX mentions_kb ON mentions(type, kb_id)",
    "CREATE INDEX mentions_article ON mentions(article_id)",
    """CREATE TABLE story_keys_v14 (
        key TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        PRIMARY KEY (key, story_id)
    )""",
    "INSERT INTO story_keys_v14 SELECT key, story_id FROM story_keys",
    "DROP TABLE story_keys",
    "ALTER TABLE story_keys_v14 RENAME TO story_keys",
]


def undo_migration_15(execute: Callable[[str], object]) -> None:
    """Run the statements that take the tables back to schema 14 (`execute`: one SQL statement)."""
    for statement in UNDO_MIGRATION_15:
        execute(statement)
