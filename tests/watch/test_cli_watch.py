"""`rasid watch` as a real process against the local server: one round with --once, SIGTERM, SIGKILL and restart."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.watch.conftest import REPORTS, FixtureServer, Route, page, rss

DAY = "Sun, 02 Aug 2015 09:00:00 GMT"


def start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "rasid.cli", "watch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def stored(db: Path) -> list[str]:
    """The links of the stored articles, as another process sees them now."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return [r[0] for r in conn.execute("SELECT url FROM articles ORDER BY id")]
    except sqlite3.Error:
        return []


def wait_for(ready, process: subprocess.Popen[str], timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if process.poll() is not None:
            raise AssertionError("watch ended early: " + (process.communicate()[1] or ""))
        time.sleep(0.05)
    process.kill()
    raise AssertionError("watch made no progress in time")


def publish(server: FixtureServer, n: int, delay: float = 0.0) -> None:
    for i in range(n):
        server.add(f"/news/{i}", Route(200, page(*REPORTS[i]), {"Content-Type": "text/html"}, delay=delay))
    server.add("/feed.xml", rss(server.base, [(f"/news/{i}", REPORTS[i][0], DAY) for i in range(n)]), "text/xml")


def test_once_stores_new_items_and_prints_one_line_per_round(server: FixtureServer, tmp_path: Path) -> None:
    publish(server, 2)
    db = tmp_path / "w.db"
    done = subprocess.run([sys.executable, "-m", "rasid.cli", "watch", server.base + "/feed.xml", server.base + "/nope.xml",
                           "--db", str(db), "--once", "--rate-per-host", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "round 1: 2 sources, 2 new items, 2 stored, 1 errors" in done.stderr
    assert "/nope.xml: HTTP 404" in done.stderr
    assert len(stored(db)) == 2


def test_sigterm_exits_143_and_keeps_what_was_committed(server: FixtureServer, tmp_path: Path) -> None:
    publish(server, 3)
    db = tmp_path / "w.db"
    process = start([server.base + "/feed.xml", "--db", str(db), "--interval", "3600", "--rate-per-host", "0"])
    wait_for(lambda: len(stored(db)) == 3, process)
    time.sleep(0.5)  # the round's story grouping, then the wait for the next round
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 143, err
    assert "interrupted" in err and "Traceback" not in err
    assert len(stored(db)) == 3


def test_sigkill_then_restart_loses_nothing_and_stores_nothing_twice(server: FixtureServer, tmp_path: Path) -> None:
    publish(server, 5, delay=0.3)
    db = tmp_path / "w.db"
    args = [server.base + "/feed.xml", "--db", str(db), "--rate-per-host", "0", "--batch-size", "1"]
    process = start([*args, "--interval", "3600"])
    wait_for(lambda: len(stored(db)) >= 1, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    before = stored(db)
    assert 1 <= len(before) < 5
    done = subprocess.run([sys.executable, "-m", "rasid.cli", "watch", *args, "--once"], capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    links = stored(db)
    assert sorted(links) == sorted(f"{server.base}/news/{i}" for i in range(5))  # each once
    assert links[: len(before)] == before
    # Pages stored before the kill were not fetched again; at most the one in flight was.
    fetched = sum(len(server.requests(f"/news/{i}")) for i in range(5))
    assert fetched <= 6
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM watch_items WHERE status = 'stored'").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM story_articles").fetchone()[0] == 5  # all grouped
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigterm_while_a_page_is_being_fetched(server: FixtureServer, tmp_path: Path) -> None:
    publish(server, 2, delay=3.0)
    db = tmp_path / "w.db"
    process = start([server.base + "/feed.xml", "--db", str(db), "--interval", "3600", "--rate-per-host", "0"])
    wait_for(lambda: bool(server.requests("/news/0") or server.requests("/news/1")), process)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 143 and "Traceback" not in err, err
    assert time.monotonic() - sent < 2.5  # not after the slow page arrived
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM watch_items WHERE status = 'pending'").fetchone()[0] == 2


def test_nothing_to_watch_or_an_unknown_group_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rasid.cli import app

    runner = CliRunner()
    db = str(tmp_path / "w.db")
    none = runner.invoke(app, ["watch", "--db", db, "--once"])
    assert none.exit_code == 1 and "nothing to watch" in none.output and "Traceback" not in none.output
    bad = runner.invoke(app, ["watch", "--outlets", "atlantis", "--db", db, "--once"])
    assert bad.exit_code == 1 and "no outlets group 'atlantis'" in bad.output and "syria" in bad.output


def test_outlet_groups_become_sources_named_as_the_knowledge_base_does() -> None:
    from rasid.cli.watch import _sources

    chosen = _sources(["https://www.syriahr.com/feed/"], "monitors,sana")
    by_url = {s.location: s.outlet for s in chosen}
    assert by_url["https://www.syriahr.com/feed/"] == "المرصد السوري لحقوق الإنسان"  # listed once, with its outlet
    assert "الوكالة العربية السورية للأنباء" in by_url.values() and "الشبكة السورية لحقوق الإنسان" in by_url.values()
    assert len(chosen) == 3
