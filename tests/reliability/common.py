"""What the reliability tests share: a generated corpus, `rasid analyze` as a real process, and a
database's contents in a form two runs can be compared by (ids differ by insertion order; doc ids
do not)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rasid.eval.bench import generate_corpus

BATCH = 10  # small batches: many commit points to be cut between


def make_corpus(path: Path, articles: int, *, seed: int = 13) -> Path:
    """A JSONL corpus of `articles` reports recombined from the bundled sample (always available)."""
    generate_corpus(path, articles, seed=seed)
    return path


def start_analyze(corpus: Path, db: Path, *, batch: int = BATCH) -> subprocess.Popen[str]:
    """`python -m rasid.cli analyze` as a real process (stderr and stdout captured)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "rasid.cli", "analyze", str(corpus), "--db", str(db), "--batch-size", str(batch)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run_analyze(corpus: Path, db: Path, *, batch: int = BATCH, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    process = start_analyze(corpus, db, batch=batch)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def progress_of(db: Path) -> tuple[int, int]:
    """(articles stored, articles in a story) as another process sees them now; (0, 0) before the schema."""
    if not db.exists():
        return 0, 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            grouped = conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
        return int(stored), int(grouped)
    except sqlite3.Error:  # not created yet, or the schema is being written
        return 0, 0


def wait_until(process: subprocess.Popen[str], ready: Any, *, timeout: float = 90) -> bool:
    """Poll until `ready()` or the process ends; whether it is still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.01)
    raise AssertionError("analyze made no progress in time")


def has_open(process: subprocess.Popen[str], path: Path) -> bool:
    """Whether the process has `path` open (it opens the database once its signal handlers are set)."""
    fds = Path(f"/proc/{process.pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fds.iterdir())
    except OSError:  # the process is gone, or a descriptor closed while listed
        return False


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def contents(db: Path) -> dict[str, Any]:
    """Articles, annotations, mentions, events, stories and recycled links, keyed by doc id."""
    conn = sqlite3.connect(db)
    try:
        doc_of = {int(i): str(d) for i, d in conn.execute("SELECT id, doc_id FROM articles")}
        doc_of_any = {**doc_of, None: None}

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return _sorted(tuple(r) for r in conn.execute(sql))

        stories: dict[int, list[str]] = {}
        for article_id, story_id in conn.execute("SELECT article_id, story_id FROM story_articles"):
            stories.setdefault(int(story_id), []).append(doc_of[int(article_id)])
        story_rows = {
            int(r[0]): r[1:]
            for r in conn.execute(
                "SELECT id, title, first_date, last_date, places, outlets, article_count FROM stories"
            )
        }
        return {
            "articles": rows("SELECT doc_id, content_hash, text, title, source, published, language, flags FROM articles"),
            "duplicates": _sorted(
                (doc_of[int(a)], doc_of_any[d], s) for a, d, s in conn.execute("SELECT id, duplicate_of, similarity FROM articles")
            ),
            "annotations": _sorted(
                (doc_of[int(a)], st, data) for a, st, data in conn.execute("SELECT article_id, stages, data FROM annotations")
            ),
            "mentions": _sorted(
                (doc_of[int(r[0])], *r[1:])
                for r in conn.execute(
                    "SELECT m.article_id, m.type, m.kb_id, m.text, m.start, m.end, t.attrs FROM mentions m"
                    " LEFT JOIN mention_attrs t ON t.id = m.attrs_id"
                )
            ),
            "events": _sorted(
                (doc_of[int(r[0])], *r[1:]) for r in conn.execute("SELECT article_id, event_index, record FROM events")
            ),
            "stories": _sorted((story_rows[s], _sorted(members)) for s, members in stories.items()),
            "recycled": _sorted(
                (doc_of[int(a)], doc_of_any[o]) for a, o in conn.execute("SELECT article_id, original_article_id FROM recycled")
            ),
            "stage_failures": rows(
                "SELECT a.doc_id, f.stage FROM stage_failures f JOIN articles a ON a.id = f.article_id"
            )
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stage_failures'").fetchone()
            else [],
        }
    finally:
        conn.close()


def _sorted(items: Iterable[Any]) -> list[Any]:
    # NULL columns (None) do not compare with text: order by the printed form, which is stable.
    return sorted(items, key=repr)


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Names of the parts that differ, with sizes, for a readable assertion message."""
    return [
        f"{key}: expected {len(expected[key])} rows, got {len(got[key])}"
        + (" (same count, different rows)" if len(expected[key]) == len(got[key]) else "")
        for key in expected
        if expected[key] != got[key]
    ]
