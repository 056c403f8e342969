"""Migration 15: mention attributes kept once per distinct value, story keys without a rowid; a
database written before it lists the same entities and stories."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from rasid.cli import app
from tests.conftest import REPORT_MEETING, REPORT_SHELLING, analyze_reports
from tests.store.schema_v14 import undo_migration_15

_MENTIONS = (
    "SELECT m.id, m.article_id, m.type, m.kb_id, m.text, m.start, m.end, t.attrs FROM mentions m"
    " JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.id"
)


def test_an_older_database_lists_the_same_entities_and_stories(tmp_path: Path) -> None:
    db = analyze_reports(tmp_path, {"a.txt": REPORT_SHELLING, "b.txt": REPORT_MEETING}, "2024-03-05")
    runner = CliRunner()
    entities = runner.invoke(app, ["entities", "--json", "--db", str(db)]).output
    stories = runner.invoke(app, ["stories", "--json", "--db", str(db)]).output
    with sqlite3.connect(db) as conn:
        mentions = conn.execute(_MENTIONS).fetchall()
        keys = conn.execute("SELECT key, story_id FROM story_keys ORDER BY key, story_id").fetchall()
        assert mentions and keys
        undo_migration_15(conn.execute)
        conn.execute("PRAGMA user_version = 14")
        assert conn.execute("SELECT COUNT(DISTINCT attrs) FROM mentions").fetchone()[0] < len(mentions)
    assert runner.invoke(app, ["entities", "--json", "--db", str(db)]).output == entities
    assert runner.invoke(app, ["stories", "--json", "--db", str(db)]).output == stories
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 15
        assert conn.execute(_MENTIONS).fetchall() == mentions
        columns = {r[1] for r in conn.execute("PRAGMA table_info(mentions)")}
        assert "attrs_id" in columns and "attrs" not in columns
        assert conn.execute("SELECT COUNT(*) FROM mention_attrs").fetchone()[0] == len({m[-1] for m in mentions})
        table_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'story_keys'").fetchone()[0]
        assert "WITHOUT ROWID" in table_sql
        assert conn.execute("SELECT key, story_id FROM story_keys ORDER BY key, story_id").fetchall() == keys


def test_mentions_share_one_row_of_attributes(tmp_path: Path) -> None:
    # The same place named in two articles, analysed in two runs: one attributes row for both.
    db = analyze_reports(tmp_path, {"a.txt": REPORT_SHELLING}, "2024-03-05")
    more = tmp_path / "more"
    more.mkdir()
    (more / "c.txt").write_text(REPORT_SHELLING.replace("الميدان", "الشعار"), encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(more), "--db", str(db), "--published", "2024-03-06"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        rows = conn.execute(_MENTIONS).fetchall()
        assert len({r[1] for r in rows}) == 2
        shared = {r[-1] for r in rows if r[1] == 1} & {r[-1] for r in rows if r[1] != 1}
        assert shared
        assert conn.execute("SELECT COUNT(*) FROM mention_attrs").fetchone()[0] == len({r[-1] for r in rows})
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 16384


# Migration 15 undone on PostgreSQL (the story keys table is the same there: no rowids).
_PG_AS_V14 = [
    "ALTER TABLE mentions ADD COLUMN attrs TEXT COLLATE \"C\" NOT NULL DEFAULT '{}'",
    "UPDATE mentions m SET attrs = t.attrs FROM mention_attrs t WHERE t.id = m.attrs_id",
    "ALTER TABLE mentions DROP COLUMN attrs_id",
    "DROP TABLE mention_attrs",
    "UPDATE rasid_schema SET version = 14",
]


def test_an_older_postgresql_database_lists_the_same_entities(tmp_path: Path, pg_url: str) -> None:
    import psycopg

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_SHELLING, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT_MEETING, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(folder), "--db", pg_url, "--published", "2024-03-05"])
    assert result.exit_code == 0, result.output
    entities = runner.invoke(app, ["entities", "--json", "--db", pg_url]).output
    assert '"attrs"' in entities
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in _PG_AS_V14:
            conn.execute(statement)
    assert runner.invoke(app, ["entities", "--json", "--db", pg_url]).output == entities
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM rasid_schema").fetchone()[0] >= 15
        assert conn.execute("SELECT COUNT(*) FROM mentions WHERE attrs_id IS NULL").fetchone() == (0,)
    # and new articles are indexed into the migrated tables, sharing the attributes rows
    (folder / "c.txt").write_text(REPORT_SHELLING.replace("الميدان", "الشعار"), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(folder), "--db", pg_url, "--published", "2024-03-06"])
    assert result.exit_code == 0, result.output
    with psycopg.connect(pg_url) as conn:
        distinct, rows = conn.execute("SELECT COUNT(DISTINCT attrs), COUNT(*) FROM mention_attrs").fetchone()
        assert distinct == rows
