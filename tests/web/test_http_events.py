"""HTTP: /api/meta, /api/events (each filter, paging, exports), points, timeline, one event."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient


def all_events(api: TestClient, query: str = "") -> dict[str, Any]:
    body = api.get(f"/api/events?limit=1000{query}").json()
    assert len(body["items"]) == body["count"]  # the sample fits one page
    return body


def test_meta_describes_the_store(api: TestClient, read_only_api: TestClient) -> None:
    meta = api.get("/api/meta").json()
    assert meta["read_only"] is False
    assert read_only_api.get("/api/meta").json()["read_only"] is True
    assert meta["articles"] == 26 and meta["events"] > 0
    assert meta["first_day"] <= meta["last_day"]
    assert "Battles" in meta["event_types"]
    assert "أورينت نت" in meta["outlets"]
    assert {"government", "opposition"} <= set(meta["sides"])
    assert 0 < len(meta["actors"]) <= 200


def test_events_page_has_records_count_and_ids(api: TestClient) -> None:
    body = api.get("/api/events").json()
    assert body["limit"] == 100 and body["next"] is None
    first = body["items"][0]
    assert {"id", "event_type", "location", "article", "review", "evidence"} <= set(first)
    assert first["article"]["id"] == int(first["id"].split("-")[0])


def test_all_lists_more_than_the_reportable_incidents(api: TestClient) -> None:
    assert all_events(api, "&all=true")["count"] > all_events(api)["count"]


def test_paging_walks_every_event_once(api: TestClient) -> None:
    total = all_events(api)["count"]
    seen: list[str] = []
    url: str | None = "/api/events?limit=7"
    pages = 0
    while url:
        body = api.get(url).json()
        assert body["count"] == total
        assert len(body["items"]) <= 7
        seen += [e["id"] for e in body["items"]]
        url = body["next"]
        pages += 1
    assert len(seen) == total == len(set(seen))
    assert pages == -(-total // 7)


def test_page_of_exactly_the_remaining_items_has_no_next(api: TestClient) -> None:
    total = all_events(api)["count"]
    body = api.get(f"/api/events?limit={total}").json()
    assert len(body["items"]) == total and body["next"] is None
    body = api.get(f"/api/events?limit={total - 1}").json()
    last = api.get(body["next"]).json()
    assert len(last["items"]) == 1 and last["next"] is None


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1001", "limit=x", "since=2020-02-30", "until=yesterday", "since=2021-01-01&until=2020-01-01",
     "bbox=1,2,3", "bbox=a,b,c,d", "bbox=-181,30,40,37", "bbox=35,-91,40,37", "bbox=40,30,35,37", "bbox=35,37,40,37",
     "min_confidence=1.5", "reviewed=maybe", "cursor=not-a-cursor", "cursor=", "format=xml", "story=0", "article=-1"],
)  # fmt: skip
def test_bad_parameters_are_400_with_a_message(api: TestClient, query: str) -> None:
    response = api.get(f"/api/events?{query}")
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == 400 and error["message"]


def test_a_cursor_from_another_filter_is_refused(api: TestClient) -> None:
    following = api.get("/api/events?limit=2").json()["next"]
    cursor = following.split("cursor=")[1]
    response = api.get(f"/api/events?limit=2&type=Battles&cursor={cursor}")
    assert response.status_code == 400


def test_date_filters(api: TestClient) -> None:
    body = all_events(api, "&since=2020-01-01&until=2020-12-31")
    assert body["items"] and all("2020-01-01" <= e["date"] <= "2020-12-31" for e in body["items"])
    assert body["count"] < all_events(api)["count"]


def test_bbox_filter(api: TestClient) -> None:
    # Idlib governorate, roughly
    body = all_events(api, "&bbox=35.9,35.4,37.2,36.3")
    assert body["items"]
    for e in body["items"]:
        assert 35.9 <= e["location"]["lon"] <= 37.2 and 35.4 <= e["location"]["lat"] <= 36.3
    assert body["count"] < all_events(api)["count"]


def test_place_actor_side_type_outlet_filters(api: TestClient) -> None:
    everything = all_events(api)["count"]
    place = all_events(api, "&place=حلب")["items"]
    assert place and len(place) < everything
    battles = all_events(api, "&type=Battles")["items"]
    assert battles and all(e["event_type"] == "Battles" for e in battles)
    outlet = all_events(api, "&outlet=أورينت نت")["items"]
    assert outlet and all(e["article"]["source"] == "أورينت نت" for e in outlet)
    side = all_events(api, "&side=government")["items"]
    assert side and all("government" in ((e["actor1"] or {}).get("side"), (e["actor2"] or {}).get("side")) for e in side)
    actor = all_events(api, "&actor=russian_air_force")["items"]
    assert actor and len(actor) < everything


def test_confidence_article_and_story_filters(api: TestClient) -> None:
    confident = all_events(api, "&min_confidence=0.9")["items"]
    assert confident and all(e["confidence"] >= 0.9 for e in confident)
    one = all_events(api, "&article=1")["items"]
    assert one and all(e["article"]["id"] == 1 for e in one)
    story = all_events(api, "&story=1")
    assert story["count"] < all_events(api)["count"]


def test_reviewed_filter_before_any_review(api: TestClient) -> None:
    assert all_events(api, "&reviewed=true")["count"] == 0
    assert all_events(api, "&reviewed=false")["count"] == all_events(api)["count"]


def test_acled_and_csv_exports(api: TestClient) -> None:
    response = api.get("/api/events?format=acled&limit=5")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert 0 < len(rows) <= 5 and "event_type" in rows[0] and "latitude" in rows[0]
    assert api.get("/api/events?format=csv&limit=5").text == response.text


def test_geojson_and_plover_exports(api: TestClient) -> None:
    response = api.get("/api/events?format=geojson&limit=5")
    assert response.headers["content-type"].startswith("application/geo+json")
    features = response.json()["features"]
    assert features and all(f["geometry"]["type"] == "Point" for f in features)
    plover = api.get("/api/events?format=plover&limit=5").json()
    assert isinstance(plover, list) and len(plover) == 5


def test_points_match_the_filtered_events(api: TestClient) -> None:
    body = api.get("/api/events/points?type=Battles").json()
    battles = {e["id"] for e in all_events(api, "&type=Battles")["items"] if e["location"].get("lat") is not None}
    assert body["count"] == len(body["points"]) == len(battles)
    for event_id, lat, lon, event_type, _fatalities, _day in body["points"]:
        assert event_id in battles and event_type == "Battles"
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_timeline_counts_by_day(api: TestClient) -> None:
    days = api.get("/api/timeline").json()["days"]
    assert days == sorted(days)
    dated = [e for e in all_events(api)["items"] if e["date"]]
    assert sum(d[1] for d in days) == len(dated)
    narrowed = api.get("/api/timeline?since=2024-01-01").json()["days"]
    assert narrowed and all(d[0] >= "2024-01-01" for d in narrowed)


def test_one_event_and_unknown_ids(api: TestClient) -> None:
    first = all_events(api)["items"][0]
    found = api.get(f"/api/events/{first['id']}").json()
    assert found["id"] == first["id"] and found["reviews"] == []
    for unknown in ("999-0", "1-999", "abc", "1-x", "-1"):
        response = api.get(f"/api/events/{unknown}")
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404


def test_json_escapes_markup_characters(api: TestClient) -> None:
    raw = api.get("/api/events?limit=1").content
    assert b"<" not in raw and b">" not in raw
