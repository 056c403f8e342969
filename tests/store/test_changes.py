"""The change feed on both backends (SQLite and PostgreSQL): written in the transaction of the write that
causes it — events added, changed (a toll that rose) and withdrawn (analysed again, rejected by a review),
stories that begin or grow, verdicts that change — read back as an incremental export, and alerts judged
once per change across a restart."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid
from rasid.api.changes import changes, incremental_events
from rasid.extract.changes import note_verdict, quote_of
from rasid.extract.event_index import index_events
from rasid.store import open_store
from rasid.store.reviews import add_review
from rasid.watch.alert_rules import load_rules
from rasid.watch.alerts import Alerter
from tests.conftest import REPORT_MEETING, REPORT_SHELLING

EPOCH = "2000-01-01"


def _kinds(store: Any, kind: str) -> list[dict[str, Any]]:
    return changes(store, since=EPOCH, kind=kind)


@pytest.fixture
def analysed(db_location: str, tmp_path: Path) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_SHELLING, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT_MEETING, encoding="utf-8")
    with Rasid(db_location) as rasid:
        rasid.analyze([folder], published=dt.date(2019, 9, 3))
    return db_location


def test_analysis_records_each_event_added_and_each_new_story(analysed: str) -> None:
    store = open_store(analysed)
    try:
        stored = {f"{a}-{i}" for a, i in store.query("SELECT article_id, event_index FROM events")}
        added = _kinds(store, "event_added")
        assert stored and {c["event"] for c in added} == stored
        shelling = next(c for c in added if c["after"]["fatalities"] == 3)
        assert shelling["after"]["admin1"] == "Aleppo" and shelling["after"]["incident"] is True
        assert "quote" not in shelling["after"]  # the span points into the article's text; nothing is copied
        quote = quote_of(store, shelling["article_id"], shelling["after"]["span"])
        assert quote and "حي الميدان" in quote
        stories = {int(r[0]) for r in store.query("SELECT id FROM stories")}
        assert {c["story_id"] for c in _kinds(store, "story_new")} == stories
        assert [c["at"] for c in changes(store)] == sorted(c["at"] for c in changes(store))
    finally:
        store.close()


def test_a_story_gaining_an_article_is_recorded(analysed: str, tmp_path: Path) -> None:
    folder = tmp_path / "again"
    folder.mkdir()
    # The same report republished with a word changed: a near-duplicate, which joins the first one's story.
    copy = REPORT_SHELLING.replace("وإصابة سبعة آخرين", "وإصابة سبعة آخرين بجروح")
    assert copy != REPORT_SHELLING
    (folder / "copy.txt").write_text(copy, encoding="utf-8")
    with Rasid(analysed) as rasid:
        rasid.analyze([folder], published=dt.date(2019, 9, 3))
        store = rasid.store
        grew = _kinds(store, "story_grew")
        assert len(grew) == 1
        new_article = int(store.query("SELECT max(id) FROM articles")[0][0])
        assert grew[0]["article_id"] == new_article
        first_story = store.query("SELECT story_id FROM story_articles WHERE article_id = 1")[0][0]
        assert grew[0]["story_id"] == first_story


def test_analysing_again_records_a_rise_and_a_withdrawal_in_the_same_transaction(analysed: str) -> None:
    store = open_store(analysed)
    try:
        doc = store.load_document(1)
        event = doc.events[0]
        raised = dataclasses.replace(event, fields={**event.fields, "killed": {**event.fields["killed"], "total": 9}})
        before = len(changes(store))
        with pytest.raises(RuntimeError), store.transaction():  # rolled back: no change is left behind
            index_events(store, 1, doc.evolve(events=(raised,)))
            raise RuntimeError("the batch failed")
        assert len(changes(store)) == before
        with store.transaction():
            index_events(store, 1, doc.evolve(events=(raised,)))
        rose = _kinds(store, "event_changed")
        assert [(c["event"], c["before"]["fatalities"], c["after"]["fatalities"]) for c in rose] == [("1-0", 3, 9)]
        meeting = store.load_document(2)
        assert len(meeting.events) == 2
        with store.transaction():
            index_events(store, 2, meeting.evolve(events=meeting.events[:1]))
        gone = _kinds(store, "event_withdrawn")
        assert [c["event"] for c in gone] == ["2-1"]
        assert gone[0]["before"]["place"] == "البوكمال"
    finally:
        store.close()


def test_a_rejected_event_is_withdrawn_in_the_incremental_export(analysed: str) -> None:
    store = open_store(analysed)
    try:
        mark = changes(store)[-1]["at"]
        add_review(store, "1-0", "correct", changes={"killed": 4}, note="", reviewer="test")
        add_review(store, "1-0", "reject", changes=None, note="not an incident", reviewer="test")
        kinds = [(c["kind"], c["event"]) for c in changes(store, since=mark)]
        assert kinds[-2:] == [("event_changed", "1-0"), ("event_withdrawn", "1-0")]
        exported = list(incremental_events(store, mark))
        assert [(r["id"], r["status"]) for r in exported] == [("1-0", "withdrawn")]
        assert isinstance(exported[0]["timestamp"], int)
    finally:
        store.close()


def test_a_verdict_that_changes_is_recorded(db_location: str) -> None:
    store = open_store(db_location)
    claim = "قتل ثلاثة مدنيين في حي الميدان بحلب"
    try:
        with store.transaction():
            assert note_verdict(store, claim, "unverified") is None
        with store.transaction():
            assert note_verdict(store, "  " + claim, "unverified") is None  # the same claim, the same label
        with store.transaction():
            change = note_verdict(store, claim, "true", {"sources": [{"article_id": 1}]})
        assert change is not None
        recorded = _kinds(store, "verdict_changed")
        assert [(c["claim"], c["before"]["label"], c["after"]["label"]) for c in recorded] == [(claim, "unverified", "true")]
    finally:
        store.close()


def test_alerts_judge_each_change_once_across_a_restart(analysed: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nrules:\n  - id: any-dead\n    when: killed\n    min_killed: 1\n"
                     "  - id: first-here\n    when: actor_first_in_place\n", encoding="utf-8")
    log = tmp_path / "missing" / "alerts.jsonl"  # cannot be written at first: the alerts wait in the outbox
    store = open_store(analysed)
    try:
        first = Alerter(store, load_rules(rules), log=log).run()
    finally:
        store.close()
    assert ("any-dead", "1-0") in {(a["rule"], a["evidence"]["event"]) for a in first}
    assert all(a["evidence"]["article_id"] for a in first)
    log.parent.mkdir()
    store = open_store(analysed)  # a restart
    try:
        assert Alerter(store, load_rules(rules), log=log).run() == []
        stored = store.query("SELECT rule, change_id, evidence FROM alerts ORDER BY id")
        assert len(stored) == len(first)
        assert json.loads(stored[0][2])["article_id"] == first[0]["evidence"]["article_id"]
        assert store.query("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == [(0,)]
    finally:
        store.close()
    assert [json.loads(line)["id"] for line in log.read_text(encoding="utf-8").splitlines()] == [a["id"] for a in first]
