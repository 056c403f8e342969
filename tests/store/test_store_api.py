"""The store API of issue 13: stage failures, articles in no story, already-stored inserts, open modes, errors.

Real SQLite files throughout; a second connection (as another process would hold it) makes the lock.
"""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rasid.document import Document
from rasid.records import StageFailure
from rasid.serialize import document_to_dict
from rasid.store import StoreError, open_store
from rasid.store.base import StoreDamagedError, StoreLockedError
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore
from rasid.text.stage import TextStage

_TEXT = "قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم، ما أدى إلى مقتل مدنيين اثنين."


def _doc(doc_id: str = "a1", text: str = _TEXT, content_hash: str = "h1") -> Document:
    return Document(id=doc_id, text=text, title="قصف كفرنبل", origin="test.txt", content_hash=content_hash, language="ar")


def _store_one(store: Any, doc: Document) -> int:
    with store.transaction():
        article_id = store.add_document(doc, search_text="قصف كفرنبل", title_terms="قصف")
    assert article_id is not None
    return article_id


def test_stage_failures_table_is_a_migration(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    assert store.schema_version() == len(MIGRATIONS)
    columns = [r[1] for r in store.query("PRAGMA table_info(stage_failures)")]
    assert columns == ["article_id", "stage", "error", "rasid_version", "at"]
    keys = [r[1] for r in store.query("PRAGMA table_info(stage_failures)") if r[5]]
    assert keys == ["article_id", "stage"]
    store.close()


def test_stage_failures_are_recorded_replaced_listed_and_cleared(new_store: Callable[[], Any]) -> None:
    store = new_store()
    first = _store_one(store, _doc())
    second = _store_one(store, _doc("a2", _TEXT + " وأضاف المصدر.", "h2"))
    with store.transaction():
        store.record_stage_failure(second, "events", "IndexError: list index out of range", "0.1.0")
        store.record_stage_failure(first, "events", "ValueError: year -4984 is out of range", "0.1.0")
        store.record_stage_failure(first, "entities", "KeyError: 'x'", "0.1.0")
    # The same article and stage again: one row, the latest error and version.
    store.record_stage_failure(first, "events", "IndexError: again" + "x" * 5000, "0.2.0")
    failures = store.stage_failures()
    assert [(f.article_id, f.stage) for f in failures] == [(first, "entities"), (first, "events"), (second, "events")]
    assert all(isinstance(f, StageFailure) for f in failures)
    again = failures[1]
    assert again.rasid_version == "0.2.0" and again.error.startswith("IndexError: again")
    assert len(again.error) <= 2000 and again.at.endswith("+00:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.stage = "text"  # type: ignore[misc]
    store.clear_stage_failure(first, "events")
    store.clear_stage_failure(first, "events")  # clearing twice is harmless
    assert [(f.article_id, f.stage) for f in store.stage_failures()] == [(first, "entities"), (second, "events")]
    store.close()


def test_articles_without_story(new_store: Callable[[], Any]) -> None:
    store = new_store()
    ids = [_store_one(store, _doc(f"a{i}", _TEXT + " " * i + str(i), f"h{i}")) for i in range(3)]
    assert store.articles_without_story() == ids
    with store.transaction():
        story = store.execute("INSERT INTO stories (title, updated_at) VALUES ('s', 'now')")
        store.execute(
            "INSERT INTO story_articles (article_id, story_id, features) VALUES (?, ?, '{}')", (ids[1], story)
        )
    assert store.articles_without_story() == [ids[0], ids[2]]
    store.close()


def test_already_stored_article_is_a_no_op(new_store: Callable[[], Any]) -> None:
    """Another process may commit the same article between a writer's check and its insert."""
    store = new_store()
    first = _store_one(store, _doc())
    with store.transaction():
        same_hash = store.add_document(_doc("other-id"), search_text="x", title_terms="")
        same_id = store.add_document(_doc("a1", content_hash="h-other"), search_text="x", title_terms="")
    assert same_hash is None and same_id is None
    assert store.query("SELECT id, doc_id, content_hash FROM articles") == [(first, "a1", "h1")]
    assert store.query("SELECT rowid FROM articles_fts") == [(first,)]
    if isinstance(store, SQLiteStore):
        assert store.query("PRAGMA integrity_check") == [("ok",)]
    store.close()


@pytest.mark.parametrize("stages", [(), ("text",)])
def test_annotations_of_a_document_whose_later_stages_did_not_run(
    new_store: Callable[[], Any], stages: tuple[str, ...]
) -> None:
    store = new_store()
    doc = _doc()
    if stages:
        doc = TextStage()(doc)
    doc = doc.evolve(stages=stages)
    article_id = _store_one(store, doc)
    with store.transaction():
        store.save_annotations(article_id, doc)
    assert store.query("SELECT stages FROM annotations") == [(",".join(stages),)]
    loaded = store.load_document(article_id)
    assert loaded.stages == stages and loaded.mentions == () and loaded.events == ()
    assert document_to_dict(loaded)["sentences"] == document_to_dict(doc)["sentences"]
    store.close()


def test_read_mode_refuses_missing_empty_and_blank_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such database; run `rasid analyze PATH --db"):
        open_store(str(missing), create=False)
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match=r"empty \(0 bytes\): not a Rasid database; run `rasid analyze"):
        open_store(str(empty), create=False)
    assert empty.stat().st_size == 0
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("VACUUM").connection.close()
    with pytest.raises(StoreError, match="an empty SQLite database, not a Rasid one"):
        open_store(str(blank), create=False)
    # A writer may start from a zero-byte file (e.g. made by mktemp).
    store = open_store(str(empty), create=True)
    assert store.count_articles() == 0
    store.close()
    assert open_store(str(empty), create=False).count_articles() == 0


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO articles (body) VALUES ('x')")
    conn.commit()
    conn.close()
    for create in (True, False):
        with pytest.raises(StoreError, match=r"another program \(tables articles\), not a Rasid database"):
            open_store(str(path), create=create)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("articles",)]
    conn.close()


def test_busy_wait_is_bounded_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    store = SQLiteStore(path, busy_timeout=0.3)
    assert store.count_articles() == 0  # readers are not blocked (WAL)
    locked = r"s\.db: the database is locked by another writer for more than 0\.3 s"
    with pytest.raises(StoreLockedError, match=locked), store.transaction():
        pass
    other.execute("ROLLBACK")
    with store.transaction():  # once the other writer is done, writing works again
        store.log("x", "ok", "m")
    store.close()
    other.close()


def test_busy_timeout_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASID_BUSY_TIMEOUT", "2.5")
    store = SQLiteStore(tmp_path / "s.db")
    assert store.busy_timeout == 2.5
    store.close()
    monkeypatch.setenv("RASID_BUSY_TIMEOUT", "soon")
    store = SQLiteStore(tmp_path / "s.db")
    assert store.busy_timeout == 300.0
    store.close()


def test_sql_errors_name_the_file(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    with pytest.raises(StoreError, match=r"s\.db: database error \(no such table: nowhere\)"):
        store.query("SELECT * FROM nowhere")
    with pytest.raises(StoreError, match=r"s\.db: database error"), store.transaction():
        store.execute("INSERT INTO annotations (article_id, stages, data) VALUES (99, 'text', '{}')")
    assert store.query("SELECT COUNT(*) FROM annotations") == [(0,)]  # rolled back
    store.close()


def test_damaged_pages_are_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    for i in range(60):
        _store_one(store, _doc(f"a{i}", (_TEXT + " ") * 20 + str(i), f"h{i}"))
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # every page after the schema page
        data[start : start + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(StoreDamagedError, match=r"s\.db: the database file is damaged \(.*\); restore a backup"):
        damaged = SQLiteStore(path)
        list(damaged.articles())


def test_ctrl_c_ends_a_writer_waiting_for_the_lock(tmp_path: Path) -> None:
    """The wait for another writer is made of short slices: SIGINT is acted on within a second, not after it."""
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    waiter = (
        "import sys\n"
        "from rasid.store.sqlite import SQLiteStore\n"
        "store = SQLiteStore(sys.argv[1])\n"
        "print('waiting', flush=True)\n"
        "try:\n"
        "    with store.transaction():\n"
        "        pass\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(130)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", waiter, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "waiting"
        time.sleep(0.7)  # well inside the wait (300 s by default)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        out, _ = proc.communicate(timeout=5)
        assert time.monotonic() - start < 2
        assert proc.returncode == 130 and out.strip() == "interrupted"
    finally:
        proc.kill()
        proc.wait()
        other.execute("ROLLBACK")
        other.close()
