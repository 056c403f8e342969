"""`rasid doctor`: each check is shown by damaging a real database of the sample corpus, each repair by
comparing what it rebuilt with what the original run wrote."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rasid.api import Rasid, sample_corpus_path
from rasid.cli import app
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Rasid(path) as rasid:
        rasid.analyze([str(sample_corpus_path())])
    return path


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.db"
    shutil.copy(sample_db, path)
    return path


def _doctor(db: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["doctor", "--db", str(db), "--json", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout)


def _problems(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["check"]: p for p in report["problems"]}


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_healthy_database(db: Path) -> None:
    code, report = _doctor(db)
    assert code == 0 and report["healthy"] and report["problems"] == [] and report["stage_failures"] == []
    assert report["articles"] == 26 and report["schema_version"] == len(MIGRATIONS)
    result = CliRunner().invoke(app, ["doctor", "--db", str(db)])
    assert result.exit_code == 0 and "healthy" in result.stdout


def _forget_in_index(db: Path, article_id: int) -> None:
    """Drop an article's row from the (contentless) index, which must be told the terms it forgets."""
    from rasid.store.codec import unpack_text

    conn = sqlite3.connect(db)
    title, body = conn.execute("SELECT title, body FROM article_terms WHERE article_id = ?", (article_id,)).fetchone()
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
        (article_id, title, unpack_text(body)),
    )
    conn.commit()
    conn.close()


def test_search_index_rows_missing_or_stray_are_rebuilt(db: Path) -> None:
    terms = "SELECT article_id, title, body FROM article_terms WHERE article_id IN (3, 4) ORDER BY article_id"
    original = _rows(db, terms)
    store = SQLiteStore(db)
    found = store.search(["حلب"], limit=40)
    store.close()
    assert found
    _forget_in_index(db, 3)
    _forget_in_index(db, 4)
    _sql(
        db,
        "DELETE FROM article_terms WHERE article_id = 4",  # read again from the article
        "INSERT INTO articles_fts (rowid, title, body) VALUES (999, 'x', 'y')",
    )
    code, report = _doctor(db)
    problem = _problems(report)["search_index"]
    assert code == 1 and problem["count"] == 3 and problem["article_ids"] == [3, 4] and problem["repairable"]
    code, report = _doctor(db, "--repair")
    assert code == 0 and report["healthy"], report
    assert any("2 articles indexed again, 1 stray rows removed" in r for r in report["repaired"])
    # The same terms ingest wrote: search finds these articles as before.
    assert _rows(db, terms) == original
    assert _rows(db, "SELECT rowid FROM articles_fts WHERE rowid IN (3, 4) ORDER BY rowid") == [(3,), (4,)]
    assert _rows(db, "SELECT COUNT(*) FROM articles_fts WHERE rowid = 999") == [(0,)]
    store = SQLiteStore(db)
    assert store.search(["حلب"], limit=40) == found
    store.close()


def test_damaged_search_index_is_rebuilt(db: Path) -> None:
    store = SQLiteStore(db)
    found = store.search(["حلب"], limit=40)
    store.close()
    assert found
    _sql(db, "DELETE FROM articles_fts_data WHERE id NOT IN (1, 10)")  # the index's leaf pages are lost
    code, report = _doctor(db)
    assert code == 1 and _problems(report)["search_index"]["detail"] == "the search index does not match its stored text"
    code, report = _doctor(db, "--repair")
    assert code == 0 and report["repaired"] == ["search index rebuilt from the stored text"]
    store = SQLiteStore(db)
    assert store.search(["حلب"], limit=40) == found
    store.close()


def test_articles_in_no_story_are_grouped(db: Path) -> None:
    members = _rows(db, "SELECT article_id, story_id FROM story_articles ORDER BY article_id")
    _sql(db, "DELETE FROM story_articles WHERE article_id IN (5, 6)")
    code, report = _doctor(db)
    problem = _problems(report)["stories"]
    assert code == 1 and problem["count"] == 2 and problem["article_ids"] == [5, 6]
    code, report = _doctor(db, "--repair")
    assert code == 0 and report["repaired"] == ["2 articles grouped into stories"]
    assert _rows(db, "SELECT article_id, story_id FROM story_articles ORDER BY article_id") == members


def test_missing_mentions_and_events_are_written_again(db: Path) -> None:
    with_events = _rows(db, "SELECT article_id FROM events GROUP BY article_id ORDER BY COUNT(*) DESC LIMIT 1")[0][0]
    with_mentions = _rows(db, f"SELECT article_id FROM mentions WHERE article_id != {with_events} LIMIT 1")[0][0]
    mentions_sql = (
        "SELECT m.article_id, m.type, m.kb_id, m.text, m.start, m.end, t.attrs FROM mentions m"
        " LEFT JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.article_id, m.start, m.end, m.type"
    )
    events_sql = "SELECT article_id, event_index, event_type, sub_event_type, event_date, record FROM events ORDER BY 1, 2"
    mentions, events = _rows(db, mentions_sql), _rows(db, events_sql)
    _sql(db, f"DELETE FROM mentions WHERE article_id = {with_mentions}", f"DELETE FROM events WHERE article_id = {with_events}")
    code, report = _doctor(db)
    problem = _problems(report)["mentions_events"]
    assert code == 1 and problem["article_ids"] == sorted([with_mentions, with_events])
    code, report = _doctor(db, "--repair")
    assert code == 0 and report["healthy"]
    assert _rows(db, mentions_sql) == mentions and _rows(db, events_sql) == events


def test_stage_failures_are_listed_and_keep_the_exit_code(db: Path) -> None:
    store = SQLiteStore(db)
    store.record_stage_failure(9, "events", "IndexError: list index out of range", "0.0.9")
    store.close()
    code, report = _doctor(db)
    assert code == 1 and _problems(report)["stage_failures"]["detail"] == "articles stored with a failed stage (events: 1)"
    (failure,) = report["stage_failures"]
    assert (failure["article_id"], failure["stage"], failure["error"], failure["rasid_version"]) == (
        9, "events", "IndexError: list index out of range", "0.0.9"
    )  # fmt: skip
    text = CliRunner().invoke(app, ["doctor", "--db", str(db)]).stdout
    assert "failed stages" in text and "IndexError" in text and "0.0.9" in text
    code, report = _doctor(db, "--repair")  # doctor does not re-run stages: analyze does
    assert code == 1 and report["repaired"] == [] and len(report["stage_failures"]) == 1
    store = SQLiteStore(db)
    store.clear_stage_failure(9, "events")
    store.close()
    assert _doctor(db)[0] == 0


def test_unrepairable_problems_are_reported(db: Path) -> None:
    _sql(
        db,
        "DELETE FROM annotations WHERE article_id = 2",
        "INSERT INTO mentions (article_id, type, kb_id, text, start, end) VALUES (4242, 'place', 'x', 'x', 0, 1)",
    )
    code, report = _doctor(db, "--repair")
    problems = _problems(report)
    assert code == 1 and problems["annotations"]["article_ids"] == [2] and not problems["annotations"]["repairable"]
    assert problems["foreign_keys"]["detail"] == "rows pointing at missing rows: mentions: 1"


@pytest.mark.parametrize("kind", ["truncated", "zero-byte", "missing", "text"])
def test_unusable_files(db: Path, tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "bad.db"
    if kind == "truncated":
        bad.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    elif kind == "zero-byte":
        bad.touch()
    elif kind == "text":
        bad.write_text("notes", encoding="utf-8")
    code, report = _doctor(bad)
    (problem,) = report["problems"]
    assert code == 1 and problem["check"] == ("integrity" if kind == "truncated" else "file")
    result = CliRunner().invoke(app, ["doctor", "--db", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    if kind == "truncated":
        assert "malformed" in problem["detail"] and f'sqlite3 {bad} ".recover"' in problem["remedy"]
        assert "restore a backup" in " ".join(result.stdout.split())
    assert kind == "missing" or bad.stat().st_size == {"truncated": db.stat().st_size // 2, "zero-byte": 0, "text": 5}[kind]
