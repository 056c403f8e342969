"""The change feed and alerts with `rasid watch`'s follower, against a real local HTTP server: a page whose
toll rises between two versions is an `event_changed` change (its old event withdrawn) and raises an
alert once, across a restart; alerts go to a JSONL log and to a webhook that fails twice then succeeds."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from rasid.extract.event_index import index_events
from rasid.store import open_store
from rasid.watch.alert_rules import load_rules
from rasid.watch.alerts import Alerter
from rasid.watch.follower import Source
from rasid.watch.webhook import Webhook
from tests.watch.conftest import FixtureServer, Route, WebhookEndpoint, answer_ok, page, rss
from tests.watch.test_follower import Run

MORNING = "Sun, 02 Aug 2015 09:00:00 GMT"
EVENING = "Sun, 02 Aug 2015 18:00:00 GMT"  # the same day: the report's "today" stays the same
TITLE = "قصف على بلدة كفرنبل"
# Written for these tests: the same report before and after its toll was updated.
FIRST = ("قالت مصادر محلية إن طائرات حربية قصفت صباح اليوم بلدة كفرنبل في ريف إدلب الجنوبي، ما أدى إلى مقتل"
         " ثلاثة مدنيين وإصابة خمسة آخرين بجروح. وعملت فرق الدفاع المدني على انتشال المصابين من تحت الأنقاض.")
SECOND = FIRST.replace("ثلاثة مدنيين", "سبعة مدنيين")

RULES = """version: 1
rules:
  - id: toll-idlib
    when: killed
    min_killed: 5
    admin1: [Idlib]
  - id: toll-aleppo
    when: killed
    min_killed: 5
    admin1: حلب
"""


def _publish(server: FixtureServer, body: str, date: str) -> None:
    server.add("/news/1", page(TITLE, body))
    server.add("/feed.xml", Route(200, rss(server.base, [("/news/1", TITLE, date)]), {"Content-Type": "application/rss+xml"}))


def _changes(run: Run, kind: str) -> list[tuple[Any, ...]]:
    return run.rows("SELECT event_key, article_id, before, after FROM changes WHERE kind = ? ORDER BY id", kind)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_toll_rising_between_page_versions_is_a_change_and_one_alert(
    server: FixtureServer, tmp_path: Path, pipeline: Any, rules: Path
) -> None:
    db = tmp_path / "w.db"
    log = tmp_path / "alerts.jsonl"
    _publish(server, FIRST, MORNING)
    run = Run(db, pipeline, [Source(server.base + "/feed.xml", "عنب بلدي")])
    assert run.poll().stored == 1, run.problems
    added = _changes(run, "event_added")
    assert [json.loads(a[3])["fatalities"] for a in added] == [3]
    assert json.loads(added[0][3])["admin1"] == "Idlib"
    alerter = Alerter(run.store, load_rules(rules), log=log)
    assert alerter.run() == []  # 3 killed: below the rule's 5

    _publish(server, SECOND, EVENING)  # the page is updated: seven killed
    assert run.poll().stored == 1, run.problems
    old_key, new_key = added[0][0], f"{run.stored[-1].article_id}-0"
    changed = _changes(run, "event_changed")
    assert len(changed) == 1
    key, article, before, after = changed[0]
    assert (key, article) == (new_key, run.stored[-1].article_id)
    assert (json.loads(before)["fatalities"], json.loads(after)["fatalities"]) == (3, 7)
    assert json.loads(before)["event"] == old_key
    withdrawn = _changes(run, "event_withdrawn")
    assert [(w[0], json.loads(w[3])["replaced_by"]) for w in withdrawn] == [(old_key, new_key)]

    raised = alerter.run()
    assert [(a["rule"], a["kind"]) for a in raised] == [("toll-idlib", "event_changed")]
    alert = raised[0]
    assert "from 3 to 7" in alert["message"]
    evidence = alert["evidence"]
    assert evidence["event"] == new_key and evidence["article_id"] == run.stored[-1].article_id
    text = run.store.get_text(evidence["article_id"])
    start, end = evidence["span"]
    assert evidence["quote"] and " ".join(text[start:end].split()) == evidence["quote"]  # the span cites the quote
    assert [json.loads(line)["id"] for line in log.read_text(encoding="utf-8").splitlines()] == [alert["id"]]
    # The new version analysed again as it is (a stage retried): compared with itself, nothing changed.
    doc = run.store.load_document(run.stored[-1].article_id)
    assert doc.meta["watch"]["previous"] == run.stored[0].article_id
    count = run.rows("SELECT count(*) FROM changes")
    with run.store.transaction():
        index_events(run.store, run.stored[-1].article_id, doc)
    assert run.rows("SELECT count(*) FROM changes") == count
    run.store.close()

    # A restart: a new process (store, alerter) judges nothing twice, and the log is not written again.
    store = open_store(str(db))
    try:
        assert Alerter(store, load_rules(rules), log=log).run() == []
        assert store.query("SELECT count(*) FROM alerts") == [(1,)]
        assert len(log.read_text(encoding="utf-8").splitlines()) == 1
        assert store.query("SELECT change_id FROM alert_cursors WHERE name = 'alerts'") == [
            (store.query("SELECT max(id) FROM changes")[0][0],)
        ]
    finally:
        store.close()


def _flaky_endpoint(failures: int) -> WebhookEndpoint:
    """A webhook endpoint on localhost that answers 500 to its first `failures` posts, then 200."""
    return WebhookEndpoint(lambda handler, n, _endpoint: answer_ok(handler, 500 if n <= failures else 200))


def test_webhook_retried_with_backoff_until_the_endpoint_accepts() -> None:
    endpoint = _flaky_endpoint(failures=2)
    waits: list[float] = []
    try:
        hook = Webhook(endpoint.url, timeout=2.0, retries=3, backoff=0.05, sleep=waits.append)
        assert hook.post({"id": 7, "message": "سبعة قتلى"}) is None
    finally:
        endpoint.close()
    assert len(endpoint.bodies) == 3
    assert {json.loads(b)["message"] for b in endpoint.bodies} == {"سبعة قتلى"}
    assert waits == [0.05, 0.1]  # exponential backoff between the three tries


def test_webhook_that_keeps_failing_is_reported_not_raised() -> None:
    endpoint = _flaky_endpoint(failures=100)
    try:
        problem = Webhook(endpoint.url, timeout=1.0, retries=2, backoff=0.0).post({"id": 1})
    finally:
        endpoint.close()
    assert problem is not None and "HTTP 500" in problem and "3 tries" in problem and "\n" not in problem
    dead = Webhook("http://127.0.0.1:9/hook", timeout=0.5, retries=1, backoff=0.0).post({"id": 2})
    assert dead is not None and "not delivered" in dead


def _watch_once(feed: str, db: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rasid.cli", "watch", feed, "--db", str(db), "--once",
                           "--rate-per-host", "0", *options], capture_output=True, text=True, timeout=120)


def test_watch_sends_each_alert_once_to_the_log_and_the_webhook(
    server: FixtureServer, tmp_path: Path, rules: Path
) -> None:
    _publish(server, SECOND, MORNING)  # seven killed in Idlib: above the rule's five
    db, log = tmp_path / "w.db", tmp_path / "alerts.jsonl"
    endpoint = _flaky_endpoint(failures=1)
    try:
        options = ("--alert-rules", str(rules), "--alerts-log", str(log), "--webhook", endpoint.url)
        first = _watch_once(server.base + "/feed.xml", db, *options)
        assert first.returncode == 0, first.stderr
        assert "alert [toll-idlib] 7 killed" in first.stderr
        second = _watch_once(server.base + "/feed.xml", db, *options)  # restarted: nothing new to judge
        assert second.returncode == 0, second.stderr
        assert "alert [" not in second.stderr
    finally:
        endpoint.close()
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(a["rule"], a["evidence"]["article_id"]) for a in lines] == [("toll-idlib", 1)]
    assert len(endpoint.bodies) == 2  # refused once (500), accepted on the retry
    assert json.loads(endpoint.bodies[-1]) == lines[0]


def test_watch_refuses_a_bad_rules_file_in_one_line(server: FixtureServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules:\n  - id: ok\n    when: contradiction\n  - id: many-dead\n    when: killed\n"
                   "    min_killed: lots\n", encoding="utf-8")
    done = _watch_once(server.base + "/feed.xml", tmp_path / "w.db", "--alert-rules", str(bad))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(bad) in lines[0] and "rule 2 (many-dead)" in lines[0] and "min_killed" in lines[0]


def test_a_replaced_page_versions_events_leave_the_exports_api_and_map(
    server: FixtureServer, tmp_path: Path, pipeline: Any
) -> None:
    from typer.testing import CliRunner

    from rasid.api.events import EventFilter, event_points, iter_events, query_events
    from rasid.cli import app
    from rasid.extract.event_index import SUPERSEDED

    db = tmp_path / "w.db"
    _publish(server, FIRST, MORNING)
    run = Run(db, pipeline, [Source(server.base + "/feed.xml", "عنب بلدي")])
    assert run.poll().stored == 1, run.problems
    old_key = f"{run.stored[0].article_id}-0"
    assert [e["id"] for e in iter_events(run.store, EventFilter())] == [old_key]
    _publish(server, SECOND, EVENING)
    assert run.poll().stored == 1, run.problems
    new_key = f"{run.stored[-1].article_id}-0"
    # By default only the newest version's event: the exports, the API's pages and the map.
    assert [e["id"] for e in iter_events(run.store, EventFilter())] == [new_key]
    assert [e["id"] for e in query_events(run.store, EventFilter()).items] == [new_key]
    assert [p[0] for p in event_points(run.store, EventFilter())] == [new_key]
    every = {e["id"]: e for e in iter_events(run.store, EventFilter(include_all=True))}
    assert set(every) == {old_key, new_key}
    assert SUPERSEDED in every[old_key]["special"] and SUPERSEDED not in (every[new_key].get("special") or [])
    # Analysing the old version again (a stage retried) keeps it superseded, and changes nothing in the feed.
    count = run.rows("SELECT count(*) FROM changes")
    with run.store.transaction():
        index_events(run.store, run.stored[0].article_id, run.store.load_document(run.stored[0].article_id))
    assert run.rows("SELECT count(*) FROM changes") == count
    assert [e["id"] for e in iter_events(run.store, EventFilter())] == [new_key]
    # The story holds both versions; the outlet's toll is its latest (7), not a contradiction with itself.
    story = run.rows("SELECT story_id FROM story_articles WHERE article_id = ?", run.stored[-1].article_id)[0][0]
    run.store.close()
    cli = CliRunner()
    table = cli.invoke(app, ["events", "--db", str(db), "--format", "csv", "--all"])
    assert table.exit_code == 0, table.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(table.stdout))}
    assert rows[old_key]["special"].endswith(SUPERSEDED) and rows[new_key]["special"] == ""
    plain = cli.invoke(app, ["events", "--db", str(db), "--format", "jsonl"])
    assert [json.loads(line)["id"] for line in plain.stdout.splitlines()] == [new_key]
    shown = cli.invoke(app, ["story", str(story), "--db", str(db), "--json"])
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    assert (view["outlets"], view["holders"], view["contradictions"]) == (["عنب بلدي"], ["عنب بلدي ← مصادر محلية"], 0)
    killed = next(f for f in view["facts"] if f["fact"] == "killed.civilians")
    assert (killed["status"], killed["updated_by"]) == ("updated", ["عنب بلدي ← مصادر محلية"])


def _hanging_endpoint() -> WebhookEndpoint:
    """A webhook endpoint on localhost whose first post never gets an answer (until `released`), then 200."""

    def answer(handler: BaseHTTPRequestHandler, n: int, endpoint: WebhookEndpoint) -> None:
        if n == 1:
            endpoint.released.wait(60)
        answer_ok(handler)

    return WebhookEndpoint(answer)


TWO_RULES = RULES + """  - id: any-dead
    when: killed
    min_killed: 1
"""


def test_alerts_killed_between_commit_and_delivery_are_delivered_after_a_restart(
    server: FixtureServer, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(TWO_RULES, encoding="utf-8")
    _publish(server, SECOND, MORNING)  # seven killed in Idlib: both rules fire
    db, log = tmp_path / "w.db", tmp_path / "alerts.jsonl"
    endpoint = _hanging_endpoint()
    try:
        options = ["--alert-rules", str(rules), "--alerts-log", str(log), "--webhook", endpoint.url]
        command = [sys.executable, "-m", "rasid.cli", "watch", server.base + "/feed.xml", "--db", str(db), "--once",
                   "--rate-per-host", "0", *options]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert endpoint.got_first.wait(120), "the watcher never posted an alert"
            # Stored and committed, written to the log, but not marked delivered: the process dies here.
            store = open_store(str(db))
            try:
                ids = [r[0] for r in store.query("SELECT id FROM alerts ORDER BY id")]
                assert len(ids) == 2
                assert store.query("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == [(4,)]
            finally:
                store.close()
            process.kill()  # SIGKILL
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)
        assert process.returncode == -9
        assert [json.loads(line)["id"] for line in log.read_text(encoding="utf-8").splitlines()] == ids
        endpoint.released.set()
        before_restart = len(endpoint.bodies)
        again = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert "alert [" not in again.stderr  # nothing new raised: only the held-back ones delivered
    finally:
        endpoint.close()
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in lines] == ids  # exactly once in the log
    posted = [json.loads(b) for b in endpoint.bodies[before_restart:]]
    assert sorted(p["id"] for p in posted) == ids  # at least once at the webhook: every id after the restart
    assert {p["id"]: p for p in posted} == {a["id"]: a for a in lines}  # the same payload as the log line
    store = open_store(str(db))
    try:
        assert store.query("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == [(0,)]
    finally:
        store.close()


def test_an_unwritable_log_and_a_torn_line_are_made_good_by_the_next_delivery(
    server: FixtureServer, tmp_path: Path, pipeline: Any, rules: Path
) -> None:
    _publish(server, SECOND, MORNING)
    run = Run(tmp_path / "w.db", pipeline, [Source(server.base + "/feed.xml", "عنب بلدي")])
    assert run.poll().stored == 1, run.problems
    log = tmp_path / "later" / "alerts.jsonl"  # its folder does not exist yet
    problems: list[str] = []
    alerter = Alerter(run.store, load_rules(rules), log=log, on_problem=problems.append)
    raised = alerter.run()
    assert len(raised) == 1 and not log.exists()
    assert len(problems) == 1 and str(log) in problems[0] and "\n" not in problems[0]
    assert run.rows("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == [(1,)]
    log.parent.mkdir()
    log.write_text('{"id": 99, "message": "cut sh', encoding="utf-8")  # a line a crash cut short
    assert alerter.deliver() == 1
    assert alerter.deliver() == 0  # delivered: not again
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"id": 99, "message": "cut sh' and [json.loads(x)["id"] for x in lines[1:]] == [raised[0]["id"]]
    # Marked undelivered again (as after a crash before the mark): the log already holds it, so no second line.
    with run.store.transaction():
        run.store.execute("UPDATE alert_outbox SET delivered_at = NULL")
    assert alerter.deliver() == 1
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    run.store.close()


# Written for these tests: one report of two shellings, of two towns.
TWO_TOWNS = ("قصفت طائرات حربية صباح اليوم بلدة كفرنبل في ريف إدلب الجنوبي، ما أدى إلى مقتل ثلاثة مدنيين.\n\n"
             "وفي سياق متصل، قصفت طائرات حربية بلدة معرة النعمان في ريف إدلب، ما أدى إلى مقتل مدنيين اثنين.")


def test_an_event_merged_into_another_by_a_new_analysis_is_withdrawn_as_merged(
    server: FixtureServer, tmp_path: Path, pipeline: Any
) -> None:
    from dataclasses import replace

    _publish(server, TWO_TOWNS, MORNING)
    run = Run(tmp_path / "w.db", pipeline, [Source(server.base + "/feed.xml", "عنب بلدي")])
    assert run.poll().stored == 1, run.problems
    article = run.stored[0].article_id
    doc = run.store.load_document(article)
    assert len(doc.events) == 2
    first, second = doc.events
    # An analysis (a newer Rasid, a stage retried) that reads the second report as part of the first.
    merged = replace(first, fields={**first.fields, "more_evidence": [second.fields["evidence"]]})
    with run.store.transaction():
        index_events(run.store, article, doc.evolve(events=(merged,)))
    withdrawn = _changes(run, "event_withdrawn")
    assert [(w[0], json.loads(w[3])["merged_into"]) for w in withdrawn] == [(f"{article}-1", f"{article}-0")]
    assert "merged into event" in json.loads(withdrawn[0][3])["reason"]
    # Back as two events (added), then one dropped without being merged: withdrawn as not found.
    with run.store.transaction():
        index_events(run.store, article, doc)
    assert [a[0] for a in _changes(run, "event_added")][-1] == f"{article}-1"
    with run.store.transaction():
        index_events(run.store, article, doc.evolve(events=(first,)))
    last = _changes(run, "event_withdrawn")[-1]
    assert last[0] == f"{article}-1" and "merged_into" not in json.loads(last[3])
    assert json.loads(last[3])["reason"] == "not found when the article was analysed again"
    run.store.close()


def test_a_sentence_merged_in_a_new_page_version_is_found_by_its_words() -> None:
    from rasid.extract.changes import event_changes

    old_text = "قصف على كفرنبل. وقتل خمسة في القصف."
    new_text = "عاجل: قصف على كفرنبل. وقتل خمسة في القصف."
    base = {"event_type": "Explosions/Remote violence", "date": "2015-08-02", "place_id": "p1", "fatalities": 3}
    old = [("1-0", "a", {**base, "span": [0, 15]}), ("1-1", "b", {**base, "place_id": "p2", "span": [16, 35]})]
    new = [("2-0", "c", {**base, "span": [6, 21], "merged": [[22, 41]]})]
    changes = event_changes(2, old, new, replaces=1, texts=(old_text, new_text))
    gone = {c.event_key: c.after for c in changes if c.kind == "event_withdrawn"}
    assert gone["1-1"]["merged_into"] == "2-0" and "new version" in gone["1-1"]["reason"]
    assert gone["1-0"]["replaced_by"] == "2-0"
    # A sentence that was not merged anywhere: gone from the page.
    moved = [("2-0", "c", {**base, "span": [6, 21], "merged": [[6, 21]]})]
    lost = {c.event_key: c.after for c in event_changes(2, old, moved, replaces=1, texts=(old_text, new_text))
            if c.kind == "event_withdrawn"}
    assert "merged_into" not in lost["1-1"] and lost["1-1"]["reason"] == "not in the new version of the page"
