"""`rasid changes`, `rasid alerts` and the incremental export `rasid events --since-change`: an event that
was withdrawn since a time is listed as such in every format, with ACLED's `timestamp`; bad input is one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.store import open_store
from rasid.store.reviews import add_review
from tests.conftest import REPORT_MEETING, REPORT_SHELLING, analyze_reports

runner = CliRunner()


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database whose shelling event (1-0) was rejected after the time returned."""
    db = analyze_reports(tmp_path_factory.mktemp("changes"), {"a.txt": REPORT_SHELLING, "b.txt": REPORT_MEETING},
                         "2019-09-03")
    store = open_store(str(db))
    try:
        mark = str(store.query("SELECT max(at) FROM changes")[0][0])
        add_review(store, "2-0", "correct", changes={"killed": 2}, note="", reviewer="t")
        add_review(store, "1-0", "reject", changes=None, note="not an incident", reviewer="t")
    finally:
        store.close()
    return db, mark


def _export(db: Path, mark: str, fmt: str) -> str:
    result = runner.invoke(app, ["events", "--db", str(db), "--since-change", mark, "--format", fmt, "--all"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_incremental_export_lists_the_withdrawn_event_in_every_format(changed_db: tuple[Path, str]) -> None:
    db, mark = changed_db
    expected = {"1-0": "withdrawn", "2-0": "changed"}
    records = json.loads(_export(db, mark, "json"))
    assert {r["id"]: r["status"] for r in records} == expected
    assert all(isinstance(r["timestamp"], int) and r["timestamp"] > 1_600_000_000 for r in records)
    lines = [json.loads(line) for line in _export(db, mark, "jsonl").splitlines()]
    assert {r["id"]: r["status"] for r in lines} == expected
    flat = list(csv.DictReader(io.StringIO(_export(db, mark, "csv"))))
    assert {r["id"]: r["status"] for r in flat} == expected and all(r["timestamp"].isdigit() for r in flat)
    acled = list(csv.DictReader(io.StringIO(_export(db, mark, "acled"))))
    assert {r["event_id"]: r["status"] for r in acled} == expected
    assert next(r for r in acled if r["event_id"] == "2-0")["fatalities"] == "2"
    features = json.loads(_export(db, mark, "geojson"))["features"]
    assert {f["properties"]["id"]: f["properties"]["status"] for f in features} == expected
    # Before the time of the first change, everything is "added" but the rejected event, gone since.
    everything = json.loads(_export(db, "2000-01-01", "json"))
    assert {r["id"]: r["status"] for r in everything} == {"1-0": "withdrawn", "2-0": "added", "2-1": "added"}


def test_changes_command_lists_and_filters_the_feed(changed_db: tuple[Path, str]) -> None:
    db, mark = changed_db
    result = runner.invoke(app, ["changes", "--db", str(db), "--since", mark, "--kind", "event_withdrawn", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["items"]
    assert [(r["kind"], r["event"], r["after"]["reason"]) for r in rows] == [
        ("event_withdrawn", "1-0", "rejected by a review")
    ]
    table = runner.invoke(app, ["changes", "--db", str(db)])
    assert table.exit_code == 0 and "story_new" in table.stdout and "event_changed" in table.stdout


def test_a_listing_cut_short_says_how_many_more_and_how_to_get_them(changed_db: tuple[Path, str]) -> None:
    db, _mark = changed_db
    store = open_store(str(db))
    try:
        every = [int(r[0]) for r in store.query("SELECT id FROM changes ORDER BY id")]
    finally:
        store.close()
    assert len(every) > 4
    seen: list[int] = []
    after = 0
    while True:  # page through with the cursor each page gives, as /api/changes does
        result = runner.invoke(app, ["changes", "--db", str(db), "--limit", "3", "--after", str(after), "--json"])
        assert result.exit_code == 0, result.output
        listed = json.loads(result.stdout)
        assert listed["total"] == len(every) - len(seen) and listed["more"] == listed["total"] - listed["count"]
        seen += [r["id"] for r in listed["items"]]
        if listed["cursor"] is None:
            break
        after = listed["cursor"]["after"]
    assert seen == every
    table = runner.invoke(app, ["changes", "--db", str(db), "--limit", "3"])
    assert table.exit_code == 0, table.output
    assert f"showing 3 of {len(every)} changes" in table.stdout
    assert f"{len(every) - 3} more changes: run again with --after {every[2]}" in table.stderr
    whole = runner.invoke(app, ["changes", "--db", str(db)])
    assert f"{len(every)} changes in" in whole.stdout and "more changes" not in whole.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["events", "--since-change", "yesterday"], ["--since-change", "yesterday"]),
        (["changes", "--kind", "toll_up"], ["toll_up", "event_added"]),
        (["alerts", "--since", "soon"], ["--since", "soon"]),
    ],
)
def test_bad_times_and_kinds_are_one_line_errors(changed_db: tuple[Path, str], args: list[str], words: list[str]) -> None:
    db, _mark = changed_db
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and all(w in message for w in words), message


def test_a_bad_rules_file_is_one_line_naming_the_file_and_the_rule(changed_db: tuple[Path, str], tmp_path: Path) -> None:
    db, _mark = changed_db
    rules = tmp_path / "rules.yaml"
    for text, words in (
        ("version: 1\nrules:\n  - id: x\n    when: explosion\n", ["rule 1 (x)", "`when`"]),
        ("version: 1\nrules:\n  - id: y\n    when: actor_first_in_place\n    actors: [nobody_known]\n",
         ["rule 1 (y)", "nobody_known"]),
        ("version: 1\nrules:\n  - id: z\n    when: killed\n    min_kiled: 3\n", ["rule 1 (z)", "min_kiled"]),
        ("version: 1\nrules: [\n", ["invalid YAML"]),
    ):
        rules.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules)])
        assert result.exit_code == 2, result.output
        message = result.output.strip()
        assert len(message.splitlines()) == 1 and str(rules) in message, message
        assert all(w in message for w in words), message


def test_alerts_command_raises_each_alert_once(changed_db: tuple[Path, str], tmp_path: Path) -> None:
    db, _mark = changed_db
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nrules:\n  - id: dead\n    when: killed\n    min_killed: 2\n", encoding="utf-8")
    log = tmp_path / "alerts.jsonl"
    first = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--alerts-log", str(log), "--json"])
    assert first.exit_code == 0, first.output
    raised = json.loads(first.stdout)["items"]
    assert {(a["rule"], a["evidence"]["event"]) for a in raised} == {("dead", "1-0")}  # 3 killed, before rejection
    again = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--json"])
    assert json.loads(again.stdout)["items"] == []
    since = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--since", "2000-01-01", "--json"])
    assert [a["id"] for a in json.loads(since.stdout)["items"]] == [a["id"] for a in raised]
    assert len(log.read_text(encoding="utf-8").splitlines()) == len(raised)


def test_rasid_check_remembers_the_label_and_records_a_change(changed_db: tuple[Path, str]) -> None:
    db, _mark = changed_db
    claim = "قتل ثلاثة مدنيين بقصف على حي الميدان في حلب"
    first = runner.invoke(app, ["check", claim, "--db", str(db), "--json"])
    assert first.exit_code == 0, first.output
    label = json.loads(first.stdout)["label"]
    store = open_store(str(db))
    try:
        assert [r[0] for r in store.query("SELECT label FROM claim_verdicts")] == [label]
        other = "false" if label != "false" else "true"
        with store.transaction():  # as if an earlier check, on fewer reports, had said otherwise
            store.execute("UPDATE claim_verdicts SET label = ?", (other,))
    finally:
        store.close()
    again = runner.invoke(app, ["check", claim, "--db", str(db), "--json"])
    assert again.exit_code == 0, again.output
    listed = runner.invoke(app, ["changes", "--db", str(db), "--kind", "verdict_changed", "--json"])
    rows = json.loads(listed.stdout)["items"]
    assert [(r["claim"], r["before"]["label"], r["after"]["label"]) for r in rows] == [(claim, other, label)]
    dated = runner.invoke(app, ["check", claim, "--db", str(db), "--as-of", "2019-09-01", "--json"])
    assert dated.exit_code == 0  # a check as of a past day is not remembered
    assert json.loads(runner.invoke(app, ["changes", "--db", str(db), "--kind", "verdict_changed",
                                          "--json"]).stdout)["count"] == 1


def test_alerts_cut_short_give_the_cursor_to_the_rest(tmp_path: Path) -> None:
    from rasid.extract.changes import Change, record_changes

    db = tmp_path / "a.db"
    store = open_store(str(db))
    try:
        with store.transaction():  # five new contradictions: one alert each
            record_changes(store, [Change("contradiction_new", story_id=n, after={"facts": [{"fact": "killed"}]})
                                   for n in range(1, 6)])  # fmt: skip
    finally:
        store.close()
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nrules:\n  - id: c\n    when: contradiction\n", encoding="utf-8")
    first = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--limit", "2", "--json"])
    assert first.exit_code == 0, first.output
    listed = json.loads(first.stdout)
    assert (listed["count"], listed["total"], listed["more"]) == (2, 5, 3)
    ids = [a["id"] for a in listed["items"]]
    while listed["cursor"]:
        after = str(listed["cursor"]["after"])
        result = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--limit", "2", "--after", after,
                                     "--json"])  # fmt: skip
        listed = json.loads(result.stdout)
        ids += [a["id"] for a in listed["items"]]
    assert len(ids) == 5 == len(set(ids)) and ids == sorted(ids)
    table = runner.invoke(app, ["alerts", "--db", str(db), "--rules", str(rules), "--after", "0", "--limit", "4"])
    assert "showing 4 of 5 alerts" in table.stdout and f"1 more alerts: run again with --after {ids[3]}" in table.stderr
