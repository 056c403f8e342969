"""/api/changes and /api/alerts over the analysed sample: what changed since a time, paged both ways,
a review's change appearing in the feed, alerts with their evidence, and one-line 400s."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from rasid.store import open_store
from rasid.watch.alert_rules import load_rules
from rasid.watch.alerts import Alerter


def test_changes_list_the_sample_analysis_and_page_both_ways(api: TestClient, sample_store: Path) -> None:
    store = open_store(str(sample_store), create=False)
    try:
        events, stories = (int(store.query(f"SELECT count(*) FROM {t}")[0][0]) for t in ("events", "stories"))
    finally:
        store.close()
    added = api.get("/api/changes", params={"kind": "event_added", "limit": 1000}).json()
    assert added["count"] == events and all(c["event"] and c["after"]["event_type"] for c in added["items"])
    new_stories = api.get("/api/changes", params={"kind": "story_new", "limit": 1000}).json()
    assert new_stories["count"] == stories
    first = api.get("/api/changes", params={"limit": 5}).json()
    total = first["total"]
    assert total > 5 and first["more"] == total - 5 and first["cursor"] == {"after": first["items"][-1]["id"]}
    second = api.get(first["next"].split("testserver", 1)[1]).json()
    assert second["total"] == total - 5
    last = api.get("/api/changes", params={"after": first["items"][-1]["id"], "limit": 1000}).json()
    assert (last["count"], last["more"], last["cursor"], last["next"]) == (total - 5, 0, None, None)
    assert [c["id"] for c in first["items"]] == sorted(c["id"] for c in first["items"])
    assert second["items"][0]["id"] > first["items"][-1]["id"]
    newest = api.get("/api/changes", params={"limit": 3, "order": "desc"}).json()
    older = api.get(newest["next"].split("testserver", 1)[1]).json()
    assert newest["items"][0]["id"] > newest["items"][-1]["id"] > older["items"][0]["id"]
    assert api.get("/api/changes", params={"since": "2999-01-01"}).json()["items"] == []


def test_a_review_shows_up_in_the_change_feed(writable_api: TestClient) -> None:
    last = writable_api.get("/api/changes", params={"order": "desc", "limit": 1}).json()["items"][0]
    event = writable_api.get("/api/events", params={"limit": 1}).json()["items"][0]
    response = writable_api.post(f"/api/events/{event['id']}/review", json={"action": "reject", "note": "test"})
    assert response.status_code == 200, response.text
    new = writable_api.get("/api/changes", params={"after": last["id"]}).json()["items"]
    assert [(c["kind"], c["event"]) for c in new] == [("event_withdrawn", event["id"])]


def test_alerts_with_their_evidence(writable_api: TestClient, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nrules:\n  - id: any-dead\n    when: killed\n    min_killed: 1\n", encoding="utf-8")
    db = writable_api.app.state.server.db  # type: ignore[attr-defined]
    store = open_store(str(db))
    try:
        raised = Alerter(store, load_rules(rules)).run()
    finally:
        store.close()
    assert raised
    listed = writable_api.get("/api/alerts", params={"limit": 1000}).json()["items"]
    assert [a["id"] for a in listed] == [a["id"] for a in raised]
    assert all(a["rule"] == "any-dead" and a["evidence"]["article_id"] and a["evidence"]["quote"] for a in listed)


def test_bad_parameters_are_one_line_400s(api: TestClient) -> None:
    for path, params in (("/api/changes", {"since": "yesterday"}), ("/api/changes", {"kind": "toll_up"}),
                         ("/api/alerts", {"since": "2024-13-45"})):
        response = api.get(path, params=params)
        assert response.status_code == 400, response.text
        assert "\n" not in response.text
    assert "/api/changes" in api.get("/openapi.json").json()["paths"]
    assert "/api/alerts" in api.get("/openapi.json").json()["paths"]


def test_each_story_with_a_contradiction_has_a_contradiction_change(api: TestClient, sample_store: Path) -> None:
    store = open_store(str(sample_store), create=False)
    try:
        contradicted = {int(r[0]) for r in store.query("SELECT story_id FROM story_alignments WHERE contradictions > 0")}
    finally:
        store.close()
    assert contradicted, "the sample holds stories whose outlets disagree"
    found = api.get("/api/changes", params={"kind": "contradiction_new", "limit": 1000}).json()["items"]
    assert {c["story_id"] for c in found} == contradicted
    for change in found:
        for fact in change["after"]["facts"]:
            assert len(fact["values"]) >= 2
            assert all(v["holders"] and v["evidence"][0]["article_id"] for v in fact["values"])
