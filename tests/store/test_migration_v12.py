"""Migrations 12–13: story features stored compressed, story term counts keyed by term; a database
written before them reads the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from rasid.cli import app
from rasid.serialize import record_text
from tests.conftest import REPORT_MEETING, REPORT_SHELLING, analyze_reports
from tests.store.schema_v14 import undo_migration_15


def test_features_written_as_json_are_compressed_and_read_the_same(tmp_path: Path) -> None:
    db = analyze_reports(tmp_path, {"a.txt": REPORT_SHELLING, "b.txt": REPORT_MEETING}, "2024-03-05")
    runner = CliRunner()
    before = runner.invoke(app, ["stories", "--json", "--db", str(db)]).output
    story = runner.invoke(app, ["story", "1", "--json", "--db", str(db)]).output
    with sqlite3.connect(db) as conn:  # as a version-11 database held them: JSON text
        rows = conn.execute("SELECT article_id, features FROM story_articles").fetchall()
        terms = conn.execute("SELECT term, df FROM story_terms ORDER BY term").fetchall()
        assert rows and all(isinstance(f, bytes) for _, f in rows)
        conn.executemany(
            "UPDATE story_articles SET features = ? WHERE article_id = ?", [(record_text(f), a) for a, f in rows]
        )
        undo_migration_15(conn.execute)
        conn.execute("PRAGMA user_version = 11")
    assert runner.invoke(app, ["stories", "--json", "--db", str(db)]).output == before
    assert runner.invoke(app, ["story", "1", "--json", "--db", str(db)]).output == story
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 12
        kinds = {r[0] for r in conn.execute("SELECT typeof(features) FROM story_articles")}
        assert kinds == {"blob"}
        packed = dict(conn.execute("SELECT article_id, features FROM story_articles").fetchall())
        assert terms and conn.execute("SELECT term, df FROM story_terms ORDER BY term").fetchall() == terms
        table_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'story_terms'").fetchone()[0]
        assert "WITHOUT ROWID" in table_sql
    assert {a: record_text(f) for a, f in packed.items()} == {a: record_text(f) for a, f in rows}
