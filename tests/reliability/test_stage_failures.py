"""A stage that raises on an article costs that stage, never the article.

The article is stored with what the stages before the failing one produced (annotations,
mentions; no events when the events stage did not run), searchable and in a story; the failure
is recorded with the Rasid version and reported; after an upgrade, `analyze` runs the failed
stage again and clears the record when it succeeds. The failing stage here is a real registered
stage that raises on a marker word.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import rasid
from rasid.api import Rasid
from rasid.document import Document
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline, make_stage, register_stage
from tests.conftest import REPORT_ENGLISH, REPORT_MEETING, REPORT_SHELLING, SHARED
from tests.reliability.common import contents

MARKER = "XTRIPWIRE"


class Tripwire:
    """Raises on any article holding the marker word (until 'fixed', as a later release would be)."""

    name = "tripwire"
    requires = ("text", "mentions")
    assigns: tuple[str, ...] = ()

    def __init__(self, *, fixed: bool = False):
        self.fixed = fixed

    def __call__(self, doc: Document) -> Document:
        if MARKER in doc.text and not self.fixed:
            raise RuntimeError(f"tripwire: the word {MARKER} in article {doc.id}")
        return doc


register_stage("tripwire", Tripwire)


def _broken() -> Pipeline:
    return build_pipeline(["text", "entities", "tripwire", "events"])


def _fixed() -> Pipeline:
    return Pipeline([make_stage("text"), make_stage("entities"), Tripwire(fixed=True), make_stage("events")])


def _feed(path: Path) -> Path:
    records = [
        {"id": "shelling", "published": "2024-11-26", "text": REPORT_SHELLING},
        {"id": "marked", "published": "2024-11-25", "text": REPORT_SHELLING.replace("صباح اليوم", f"{MARKER} صباح اليوم")},
        {"id": "meeting", "published": "2024-11-25", "text": REPORT_MEETING},
        {"id": "english", "text": REPORT_ENGLISH},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql, params)]


def _of(db: Path, doc_id: str, table: str) -> int:
    sql = f"SELECT COUNT(*) FROM {table} t JOIN articles a ON a.id = t.article_id WHERE a.doc_id = ?"
    return int(_rows(db, sql, doc_id)[0][0])


def _for(found: dict[str, list[tuple[object, ...]]], doc_id: str) -> dict[str, list[tuple[object, ...]]]:
    return {k: [r for r in found[k] if r[0] == doc_id] for k in ("annotations", "mentions", "events")}


@pytest.fixture
def failed_db(tmp_path: Path) -> tuple[Path, Path]:
    feed = _feed(tmp_path / "feed.jsonl")
    db = tmp_path / "f.db"
    with Rasid(db, pipeline=_broken()) as api:
        report = api.analyze([str(feed)])
    # Before: "marked" was skipped ("analysis failed (RuntimeError …)") and its text never stored.
    assert report.added == 4 and report.errors == []
    assert [(n.doc_id, n.stage) for n in report.stage_failures] == [("marked", "tripwire")]
    assert report.failures_by_stage() == {"tripwire": 1}
    return feed, db


def test_the_article_is_stored_with_what_the_earlier_stages_produced(failed_db: tuple[Path, Path]) -> None:
    _feed_path, db = failed_db
    failures = _rows(db, "SELECT a.doc_id, f.stage, f.error, f.rasid_version FROM stage_failures f JOIN articles a ON a.id = f.article_id")
    assert failures == [("marked", "tripwire", "RuntimeError: tripwire: the word XTRIPWIRE in article marked", rasid.__version__)]
    stages = dict(_rows(db, "SELECT a.doc_id, n.stages FROM annotations n JOIN articles a ON a.id = n.article_id"))
    assert stages["marked"] == "text,entities" and stages["shelling"] == "text,entities,tripwire,events"
    assert _of(db, "marked", "mentions") == _of(db, "shelling", "mentions") > 0  # the entity stage ran
    assert _of(db, "marked", "events") == 0 and _of(db, "shelling", "events") > 0  # the events stage did not
    assert _of(db, "marked", "story_articles") == 1  # grouped like any other article
    with Rasid(db) as api:
        assert "marked" in {hit.article.doc_id for hit in api.search("حي الميدان")}


def test_the_run_reports_the_failures_in_one_line(failed_db: tuple[Path, Path]) -> None:
    from rasid.cli.ingest import stage_failure_line

    feed, db = failed_db
    with Rasid(db, pipeline=_broken()) as api:
        again = api.analyze([str(feed)])
    # Same version: the stage is not tried again (it would fail the same way), nothing is stored twice.
    assert again.added == 0 and again.retried == 0 and again.stage_failures == []
    assert stage_failure_line(again) is None
    with Rasid(feed.parent / "other.db", pipeline=_broken()) as api:
        report = api.analyze([str(feed)])
    assert stage_failure_line(report) == "1 articles stored with a failed stage (tripwire: 1); see `rasid doctor`"


def test_after_an_upgrade_the_failed_stage_runs_again_and_the_record_is_cleared(
    failed_db: tuple[Path, Path], tmp_path: Path
) -> None:
    feed, db = failed_db
    # The failure was recorded by an earlier release; this one has the stage fixed.
    _rows(db, "UPDATE stage_failures SET rasid_version = '0.0.1'")
    with Rasid(db, pipeline=_fixed()) as api:
        report = api.analyze([str(feed)])
    assert report.added == 0 and report.retried == 1 and report.retry_fixed == 1
    assert _rows(db, "SELECT COUNT(*) FROM stage_failures") == [(0,)]
    # The article now holds what one clean run gives it: annotations, mentions, events.
    clean = tmp_path / "clean.db"
    with Rasid(clean, pipeline=_fixed()) as api:
        api.analyze([str(feed)])
    assert _for(contents(db), "marked") == _for(contents(clean), "marked")
    assert _of(db, "marked", "events") > 0
    with Rasid(db, pipeline=_fixed()) as api:
        assert api.analyze([str(feed)]).retried == 0


def test_a_stage_still_failing_after_an_upgrade_is_recorded_with_the_new_version(failed_db: tuple[Path, Path]) -> None:
    feed, db = failed_db
    _rows(db, "UPDATE stage_failures SET rasid_version = '0.0.1'")
    with Rasid(db, pipeline=_broken()) as api:
        report = api.analyze([str(feed)])
    assert report.retried == 1 and report.retry_fixed == 0
    assert _rows(db, "SELECT stage, rasid_version FROM stage_failures") == [("tripwire", rasid.__version__)]
    assert _of(db, "marked", "mentions") == _of(db, "shelling", "mentions")  # not indexed twice
    with Rasid(db, pipeline=_broken()) as api:
        assert api.analyze([str(feed)]).retried == 0


REALNEWS = SHARED / "data" / "realnews" / "saudinewsnet_dev.jsonl.gz"


@pytest.mark.skipif(not REALNEWS.exists(), reason="../shared/data/realnews is not here")
def test_real_articles_that_failed_in_the_events_stage_are_stored(tmp_path: Path) -> None:
    # Lines 4, 461 and 681 raised IndexError in the events stage (`facts[0]`) and were lost.
    wanted = {4, 461, 681}
    feed = tmp_path / "realnews.jsonl"
    with gzip.open(REALNEWS, "rt", encoding="utf-8") as source, open(feed, "w", encoding="utf-8") as out:
        for number, line in enumerate(source, start=1):
            if number in wanted:
                out.write(line)
            if number >= max(wanted):
                break
    db = tmp_path / "r.db"
    done = subprocess.run(
        [sys.executable, "-m", "rasid.cli", "analyze", str(feed), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "skipped" not in done.stderr
    assert _rows(db, "SELECT COUNT(*) FROM articles") == [(3,)]
    failed = _rows(db, "SELECT stage FROM stage_failures")
    if failed:  # the events bug is still there: stored without events, and said so
        assert f"{len(failed)} articles stored with a failed stage (events: {len(failed)})" in done.stderr
    else:
        assert "failed stage" not in done.stderr
