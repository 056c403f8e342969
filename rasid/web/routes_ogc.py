"""The events as an OGC API - Features collection (Part 1: Core, GeoJSON, OpenAPI 3.0).

Landing page at /ogc (and /?f=json), /conformance, /collections, /collections/events,
/collections/events/items (bbox, datetime as a day, `a/b`, `../b` or `a/..`, limit, cursor, and the
filters of /api/events) and /collections/events/items/{id}.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request

from rasid.web.context import DEFAULT_LIMIT, ApiError, GeoJSONResponse, next_url, parse_day, server
from rasid.web.routes_events import Cursor, Filter, Limit, load_event

router = APIRouter(tags=["OGC API - Features"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _link(request: Request, path: str, rel: str, media: str, title: str | None = None) -> dict[str, Any]:
    link = {"href": str(request.base_url).rstrip("/") + path, "rel": rel, "type": media}
    if title:
        link["title"] = title
    return link


def landing(request: Request) -> dict[str, Any]:
    return {
        "title": "Rasid",
        "description": "Conflict events coded from Arabic news reports",
        "links": [
            _link(request, "/ogc", "self", "application/json", "this document"),
            _link(request, "/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0"),
            _link(request, "/docs", "service-doc", "text/html"),
            _link(request, "/conformance", "conformance", "application/json"),
            _link(request, "/collections", "data", "application/json"),
        ],
    }


@router.get("/ogc")
def ogc_landing(request: Request) -> dict[str, Any]:
    """The OGC API landing page (also at /?f=json)."""
    return landing(request)


@router.get("/conformance")
def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


def _collection(request: Request) -> dict[str, Any]:
    store = server(request).rasid().store
    box = store.query(
        "SELECT MIN(longitude), MIN(latitude), MAX(longitude), MAX(latitude), MIN(event_date), MAX(event_date)"
        " FROM events WHERE latitude IS NOT NULL"
    )[0]
    spatial = [list(box[:4])] if box[0] is not None else [[-180.0, -90.0, 180.0, 90.0]]
    return {
        "id": "events",
        "title": "Conflict events",
        "description": "Events coded by Rasid (reviewed values applied); ACLED event types",
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {
            "spatial": {"bbox": spatial, "crs": CRS84},
            "temporal": {"interval": [[box[4], box[5]]], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
        },
        "links": [
            _link(request, "/collections/events", "self", "application/json"),
            _link(request, "/collections/events/items", "items", GEOJSON, "the events"),
        ],
    }


@router.get("/collections")
def collections(request: Request) -> dict[str, Any]:
    return {
        "collections": [_collection(request)],
        "links": [_link(request, "/collections", "self", "application/json")],
    }


@router.get("/collections/events")
def collection_events(request: Request) -> dict[str, Any]:
    return _collection(request)


def parse_datetime(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """An OGC `datetime`: one day (or instant), or an interval `a/b` with `..` (or nothing) for an open end."""
    if value is None or value.strip() == "":
        return None, None
    if "/" not in value:
        day = parse_day(value, "datetime")
        return day, day
    start_text, _, end_text = value.partition("/")
    if "/" in end_text:
        raise ApiError(400, f"datetime: {value!r} is not a day or an interval a/b")
    start = None if start_text in ("", "..") else parse_day(start_text, "datetime")
    end = None if end_text in ("", "..") else parse_day(end_text, "datetime")
    if start is None and end is None:
        raise ApiError(400, "datetime: an interval needs at least one end")
    if start and end and start > end:
        raise ApiError(400, f"datetime: {start} is after {end}")
    return start, end


def feature(record: dict[str, Any]) -> dict[str, Any]:
    """One event as a GeoJSON Feature (geometry null when it has no coordinates)."""
    from rasid.export.geojson import to_geojson

    found = to_geojson([record])["features"]
    if found:
        item: dict[str, Any] = found[0]
    else:
        loc = record.get("location") or {}
        item = {"type": "Feature", "geometry": None,
                "properties": {"id": record.get("id"), "event_type": record.get("event_type"),
                               "sub_event_type": record.get("sub_event_type"), "date": record.get("date"),
                               "place": loc.get("name")}}  # fmt: skip
    review = record.get("review") or {}
    item["id"] = record.get("id")
    item["properties"]["review_status"] = review.get("status")
    item["properties"]["confidence"] = record.get("confidence")
    item["properties"]["source"] = (record.get("article") or {}).get("source")
    return item


@router.get("/collections/events/items", response_class=GeoJSONResponse, response_model=None)
def items(
    request: Request,
    filt: Filter,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    datetime: Annotated[str | None, Query(description="A day, or an interval a/b, ../b, a/..")] = None,
) -> GeoJSONResponse:
    """A page of events as a GeoJSON FeatureCollection with numberMatched, numberReturned and a `next` link."""
    from dataclasses import replace

    from rasid.web.routes_events import _page

    start, end = parse_datetime(datetime)
    if start or end:
        since = max(d for d in (start, filt.since) if d) if (start or filt.since) else None
        until = min(d for d in (end, filt.until) if d) if (end or filt.until) else None
        filt = replace(filt, since=since, until=until)
    page = _page(request, filt, limit, cursor)
    features = [feature(r) for r in page.items]
    links = [{"href": str(request.url), "rel": "self", "type": GEOJSON, "title": "this page"},
             _link(request, "/collections/events", "collection", "application/json")]  # fmt: skip
    following = next_url(request, page.next_cursor)
    if following:
        links.append({"href": following, "rel": "next", "type": GEOJSON, "title": "next page"})
    return GeoJSONResponse({
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": page.count,
        "numberReturned": len(features),
        "timeStamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    })


@router.get("/collections/events/items/{event_id}", response_class=GeoJSONResponse)
def item(request: Request, event_id: str) -> dict[str, Any]:
    found = feature(load_event(request, event_id))
    found["links"] = [
        {"href": str(request.url), "rel": "self", "type": GEOJSON},
        _link(request, "/collections/events", "collection", "application/json"),
    ]
    return found
