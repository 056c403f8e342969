"""Two `rasid analyze` processes on one database never crash and never lose or double an article.

Both read the same 40 generated reports, so each finds the other's articles committed between
its own check and its insert; on a new file both also race to create the schema. (Run by hand
many times over, see docs/RELIABILITY.md; here once each, to keep the suite fast.)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore

_TOWNS = ["كفرنبل", "معرة النعمان", "سراقب", "أريحا", "جسر الشغور", "خان شيخون", "اللطامنة", "كفرزيتا", "مورك", "حيش"]
_ACTS = ["قصفت قوات النظام", "استهدفت طائرات حربية روسية", "قصفت المدفعية الثقيلة", "شنت طائرات مروحية غارات على"]


def _report(i: int) -> dict[str, str]:
    town, act = _TOWNS[i % len(_TOWNS)], _ACTS[(i // len(_TOWNS)) % len(_ACTS)]
    day = 1 + i % 27
    text = (
        f"{act} بلدة {town} في ريف إدلب يوم {day} آذار، ما أدى إلى مقتل {2 + i % 7} مدنيين وإصابة آخرين بجروح. "
        f"وقال ناشطون محليون إن القصف طال منازل المدنيين وسط البلدة رقم {i}، وإن فرق الدفاع المدني عملت على انتشال الضحايا."
    )
    return {"id": f"gen-{i:03d}", "source": "أورينت نت", "published": f"2019-03-{day:02d}", "title": f"قصف على {town} ({i})", "text": text}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "reports.jsonl"
    path.write_text("".join(json.dumps(_report(i), ensure_ascii=False) + "\n" for i in range(40)), encoding="utf-8")
    return path


def _analyze_twice_at_once(reports: Path, db: Path) -> list[subprocess.CompletedProcess[str]]:
    command = [sys.executable, "-m", "rasid.cli", "analyze", str(reports), "--db", str(db), "--json"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
    return done


def _check(db: Path, runs: list[subprocess.CompletedProcess[str]]) -> None:
    for run in runs:
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    summaries = [json.loads(run.stdout) for run in runs]
    # Each report was added by exactly one of the two; the other found it already stored.
    assert sum(s["added"] for s in summaries) == 40
    assert all(s["added"] + s["already_stored"] == 40 for s in summaries)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        count, hashes = conn.execute("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles").fetchone()
        assert count == hashes == 40
        doc_ids = {r[0] for r in conn.execute("SELECT doc_id FROM articles")}
        assert {f"gen-{i:03d}" for i in range(40)} <= doc_ids  # never stored under a renamed id
        assert conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == count
        assert conn.execute("SELECT COUNT(DISTINCT article_id) FROM annotations").fetchone()[0] == count
        # Every article in exactly one story (story_articles is keyed by article).
        assert conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0] == count
        assert conn.execute("SELECT COUNT(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()[0] == 0
        per_article = conn.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM events GROUP BY article_id, event_index)"
        ).fetchone()[0]
        assert per_article in (None, 1)  # no article's events were written twice
    finally:
        conn.close()


def test_two_writers_on_an_existing_database(tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "existing.db"
    SQLiteStore(db).close()  # the schema is there: the race is on the articles
    _check(db, _analyze_twice_at_once(reports, db))


def test_two_writers_on_a_new_database(tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "sub" / "new.db"  # neither the file nor its folder exists yet
    _check(db, _analyze_twice_at_once(reports, db))


_OPEN_AT = """
import sys, time
from rasid.store.sqlite import SQLiteStore
start = float(sys.argv[2])
while time.time() < start:
    pass
SQLiteStore(sys.argv[1]).close()
"""


def test_processes_creating_one_new_file_at_once(tmp_path: Path) -> None:
    """Four processes open the same new path at the same instant: one creates the schema, all succeed."""
    for round_ in range(4):
        db = tmp_path / f"new{round_}.db"
        start = f"{time.time() + 1.0:.3f}"  # after every process has imported Rasid
        procs = [
            subprocess.Popen([sys.executable, "-c", _OPEN_AT, str(db), start], stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        errors = [proc.communicate(timeout=60)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0, 0], errors
        with SQLiteStore(db) as store:
            assert store.schema_version() == len(MIGRATIONS)
            assert store.query("PRAGMA journal_mode") == [("wal",)]
