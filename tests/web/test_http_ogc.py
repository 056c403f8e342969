"""HTTP: the events as an OGC API - Features collection."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from rasid.web.context import ApiError
from rasid.web.routes_ogc import parse_datetime


def test_landing_conformance_and_collections(api: TestClient) -> None:
    landing = api.get("/ogc").json()
    assert api.get("/?f=json").json() == landing
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "conformance", "data", "service-desc", "service-doc"} <= rels
    conforms = api.get("/conformance").json()["conformsTo"]
    assert any(c.endswith("/conf/core") for c in conforms) and any(c.endswith("/conf/geojson") for c in conforms)
    collections = api.get("/collections").json()["collections"]
    assert [c["id"] for c in collections] == ["events"]
    events = api.get("/collections/events").json()
    min_lon, min_lat, max_lon, max_lat = events["extent"]["spatial"]["bbox"][0]
    assert min_lon < max_lon and min_lat < max_lat
    assert any(link["rel"] == "items" for link in events["links"])


def test_items_are_a_feature_collection_with_next_links(api: TestClient) -> None:
    response = api.get("/collections/events/items?limit=5")
    assert response.headers["content-type"].startswith("application/geo+json")
    page = response.json()
    assert page["type"] == "FeatureCollection"
    assert page["numberReturned"] == len(page["features"]) == 5
    assert page["numberMatched"] > 5
    feature = page["features"][0]
    assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["id"]
    seen = [f["id"] for f in page["features"]]
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    while following:
        page = api.get(following).json()
        seen += [f["id"] for f in page["features"]]
        following = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == page["numberMatched"]


def test_items_bbox_and_datetime(api: TestClient) -> None:
    page = api.get("/collections/events/items?bbox=36.9,36.0,37.4,36.4&limit=1000").json()
    assert page["features"]
    for f in page["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 36.9 <= lon <= 37.4 and 36.0 <= lat <= 36.4
    assert page["numberMatched"] < api.get("/collections/events/items?limit=1").json()["numberMatched"]
    for interval, low, high in (("2020-01-01/2020-12-31", "2020-01-01", "2020-12-31"),
                                ("../2019-12-31", "0000", "2019-12-31"), ("2024-01-01/..", "2024-01-01", "9999"),
                                ("2020-02-25", "2020-02-25", "2020-02-25")):  # fmt: skip
        page = api.get(f"/collections/events/items?datetime={interval}&limit=1000").json()
        assert page["features"], interval
        assert all(low <= f["properties"]["date"] <= high for f in page["features"]), interval


def test_items_take_the_event_filters(api: TestClient) -> None:
    page = api.get("/collections/events/items?type=Battles&limit=1000").json()
    assert page["features"] and all(f["properties"]["event_type"] == "Battles" for f in page["features"])


@pytest.mark.parametrize("query", ["datetime=2020-02-30", "datetime=../..", "datetime=2021-01-01/2020-01-01",
                                   "datetime=a/b/c", "bbox=0,0,0,0", "limit=2000"])  # fmt: skip
def test_bad_items_parameters(api: TestClient, query: str) -> None:
    response = api.get(f"/collections/events/items?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_parse_datetime_forms() -> None:
    day = dt.date(2020, 2, 25)
    assert parse_datetime(None) == (None, None)
    assert parse_datetime("2020-02-25") == (day, day)
    assert parse_datetime("2020-02-25T10:00:00Z") == (day, day)
    assert parse_datetime("2020-02-25/..") == (day, None)
    assert parse_datetime("/2020-02-25") == (None, day)
    with pytest.raises(ApiError):
        parse_datetime("/")


def test_one_item_and_unknown(api: TestClient) -> None:
    first = api.get("/collections/events/items?limit=1").json()["features"][0]
    found = api.get(f"/collections/events/items/{first['id']}").json()
    assert found["id"] == first["id"] and found["type"] == "Feature"
    assert api.get("/collections/events/items/999-9").status_code == 404
    assert api.get("/collections/other").status_code == 404
