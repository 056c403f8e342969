"""Damaged, empty and foreign databases: every reading command says what is wrong in one line, no traceback.

A real database of the sample corpus is damaged three ways: a truncated copy (half the file), random
bytes written into the middle, and a zero-byte file (which only a writing command may take as new).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.api import Rasid, sample_corpus_path
from rasid.cli import app

COMMANDS = {
    "articles": ["articles"],
    "search": ["search", "قصف"],
    "events": ["events"],
    "stories": ["stories"],
    "entities": ["entities"],
    "story": ["story", "1"],
    "check": ["check", "انسحبت القوات الروسية من مدينة حلب"],
}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Rasid(path) as rasid:
        report = rasid.analyze([str(sample_corpus_path())])
    assert report.added >= 20
    return path


def _damaged(sample: Path, kind: str, folder: Path) -> Path:
    data = sample.read_bytes()
    path = folder / f"{kind}.db"
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "random-middle":
        noisy = bytearray(data)
        noise = random.Random(13)
        # (several spots, so the pages of every table are hit whatever the database's layout) ...
        for start in range(len(data) // 5, len(data) - 16384, len(data) // 5):
            noisy[start : start + 16384] = noise.randbytes(16384)
        # ... and certainly a page of each table the listing commands read, wherever storage put it.
        page_size, pages = _table_pages(sample, ("articles", "events", "mentions"))
        for page in pages:
            noisy[(page - 1) * page_size : page * page_size] = noise.randbytes(page_size)
        path.write_bytes(bytes(noisy))
    else:
        path.touch()
    return path


def _table_pages(db: Path, tables: tuple[str, ...]) -> tuple[int, list[int]]:
    """The page size, and the middle leaf page of each of `tables` (its root when it has no leaves)."""
    with sqlite3.connect(db) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        pages = []
        for table in tables:
            found = [int(r[0]) for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,)
            )] or [int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0])]
            pages.append(found[len(found) // 2])
    return page_size, pages


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", ["truncated", "zero-byte"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_unusable_file_is_one_line(sample_db: Path, tmp_path: Path, kind: str, command: str) -> None:
    db = _damaged(sample_db, kind, tmp_path)
    code, output = _run([*COMMANDS[command], "--db", str(db)])
    lines = output.strip().splitlines()
    assert code == 1 and len(lines) == 1, output
    assert lines[0].startswith("error: ") and str(db) in lines[0]
    if kind == "truncated":
        assert "the database file is damaged" in lines[0] and f"rasid doctor --db {db}" in lines[0]
    else:
        assert "is empty (0 bytes): not a Rasid database; run `rasid analyze PATH --db" in lines[0]
        assert db.stat().st_size == 0  # a reading command never turns it into a database


@pytest.mark.parametrize("command", list(COMMANDS))
def test_random_bytes_in_the_middle(sample_db: Path, tmp_path: Path, command: str) -> None:
    """Commands that read the broken pages fail in one line; others may still answer from sound pages."""
    db = _damaged(sample_db, "random-middle", tmp_path)
    code, output = _run([*COMMANDS[command], "--db", str(db)])
    assert "Traceback" not in output
    if code != 0:
        lines = output.strip().splitlines()
        assert code == 1 and len(lines) == 1 and "the database file is damaged" in lines[0], output
    if command in ("articles", "events", "entities"):
        assert code == 1


def test_damaged_file_through_the_real_command(sample_db: Path, tmp_path: Path) -> None:
    """`python -m rasid.cli`: the installed entry point, with `main`'s last line of defence."""
    for kind, command in (("truncated", "articles"), ("random-middle", "events"), ("zero-byte", "search")):
        db = _damaged(sample_db, kind, tmp_path)
        run = subprocess.run(
            [sys.executable, "-m", "rasid.cli", *COMMANDS[command], "--db", str(db)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert str(db) in run.stderr


def test_zero_byte_file_is_new_for_analyze(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "made-by-mktemp.db"
    db.touch()
    code, output = _run(["analyze", str(corpus_dir), "--db", str(db)])
    assert code == 0, output
    assert "2 added" in output
    code, output = _run(["articles", "--db", str(db), "--json"])
    assert code == 0 and '"origin"' in output


def test_foreign_database_is_refused_and_left_alone(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "notes.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for args in (["analyze", str(corpus_dir)], ["articles"], ["stories"]):
        code, output = _run([*args, "--db", str(db)])
        assert code == 1 and len(output.strip().splitlines()) == 1, output
        assert "a SQLite database of another program (tables notes), not a Rasid database" in output
    assert db.read_bytes() == before


def test_database_locked_by_another_writer(tmp_path: Path, corpus_dir: Path) -> None:
    """A writer that waits longer than RASID_BUSY_TIMEOUT stops with one line saying so."""
    db = tmp_path / "busy.db"
    shutil.copy(corpus_dir / "shelling.txt", tmp_path / "first.txt")
    assert _run(["analyze", str(tmp_path / "first.txt"), "--db", str(db)])[0] == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        run = subprocess.run(
            [sys.executable, "-m", "rasid.cli", "analyze", str(corpus_dir), "--db", str(db)],
            capture_output=True, text=True, timeout=120, env={**_env(), "RASID_BUSY_TIMEOUT": "1"},
        )  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().splitlines() == [
        f"error: {db}: the database is locked by another writer for more than 1 s; try again when it finishes"
        " (RASID_BUSY_TIMEOUT sets how long to wait)"
    ]


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
