"""Events: /api/meta, /api/events (JSON or an export), map points, the timeline, one event, reviews.

Every events route takes the same filters (`event_filter`): since, until, bbox, place, actor, side,
type, outlet, min_confidence, reviewed, all, story, article.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from rasid.web.context import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ApiError,
    GeoJSONResponse,
    JSONResponse,
    next_url,
    parse_bbox,
    parse_day,
    server,
)

router = APIRouter(tags=["events"])
EXPORT_FORMATS = ("acled", "csv", "geojson", "plover")
TOP_ACTORS = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")]
Cursor = Annotated[str | None, Query(description="The `next` cursor of the previous page.")]


async def event_filter(
    since: Annotated[str | None, Query(description="Events on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, Query(description="Events on or before this day (YYYY-MM-DD).")] = None,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat (WGS84).")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place name or id (part matches).")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Actor name or id (part matches).")] = None,
    side: Annotated[str | None, Query(max_length=100, description="Side of either actor (e.g. regime).")] = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=100, description="ACLED event type.")] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Outlet of the article.")] = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    reviewed: Annotated[bool | None, Query(description="true: reviewed events only; false: unreviewed.")] = None,
    include_all: Annotated[
        bool, Query(alias="all", description="Also events that are no reportable incident (and rejected ones).")
    ] = False,
    story: Annotated[int | None, Query(ge=1)] = None,
    article: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    """The `EventFilter` of the query parameters (400 for a bad date or bbox)."""
    from rasid.api.events import EventFilter

    start, end = parse_day(since, "since"), parse_day(until, "until")
    if start and end and start > end:
        raise ApiError(400, f"since ({start}) is after until ({end})")
    return EventFilter(
        since=start,
        until=end,
        bbox=parse_bbox(bbox),
        place=place or None,
        actor=actor or None,
        side=side or None,
        event_type=event_type or None,
        outlet=outlet or None,
        min_confidence=min_confidence,
        reviewed=reviewed,
        include_all=include_all,
        article_id=article,
        story_id=story,
    )


Filter = Annotated[Any, Depends(event_filter)]


@router.get("/api/meta")
def meta(request: Request) -> dict[str, Any]:
    """What the database holds: counts, the span of event days, and the values the filters take."""
    srv = server(request)
    store = srv.rasid().store
    version = store.query("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM events)")[0]
    facts = srv.cached("meta", version, lambda: _meta_facts(store))
    return {"read_only": srv.read_only, "articles": version[0], "events": version[1], **facts}


def _meta_facts(store: Any) -> dict[str, Any]:
    from rasid.api.events import event_facets

    return event_facets(store, top_actors=TOP_ACTORS)


def _page(request: Request, filt: Any, limit: int, cursor: str | None) -> Any:
    from rasid.api.events import CursorError, query_events

    try:
        return query_events(server(request).rasid().store, filt, limit=limit, cursor=cursor)
    except CursorError as exc:
        raise ApiError(400, str(exc)) from None


@router.get("/api/events", response_model=None)
def events(
    request: Request,
    filt: Filter,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    fmt: Annotated[
        str | None, Query(alias="format", pattern="^(acled|csv|geojson|plover)$", description="An export of the page.")
    ] = None,
) -> Response | dict[str, Any]:
    """One page of events, reviewed values applied, with the count of all matches and the next page's URL.
    `format=acled` or `csv` gives the page as ACLED CSV, `geojson` as a FeatureCollection, `plover` as PLOVER JSON."""
    page = _page(request, filt, limit, cursor)
    if fmt:
        return export_response(page.items, fmt)
    # Responses made here, not by FastAPI: its encoder would walk every field of up to 1000 records.
    return JSONResponse({"items": page.items, "count": page.count, "limit": limit,
                         "next": next_url(request, page.next_cursor)})  # fmt: skip


def export_response(records: list[dict[str, Any]], fmt: str) -> Response:
    if fmt in ("acled", "csv"):
        from rasid.export.acled import write_acled

        buffer = io.StringIO()
        write_acled(records, buffer)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")
    if fmt == "geojson":
        from rasid.export.geojson import to_geojson

        return GeoJSONResponse(to_geojson(records))
    from rasid.export.plover import plover_records

    return JSONResponse(plover_records(records))


@router.get("/api/events/points", response_model=None)
def points(request: Request, filt: Filter) -> Response:
    """Every matching event as [id, lat, lon, type, fatalities, date], for the map."""
    from rasid.api.events import event_points

    rows = [list(p) for p in event_points(server(request).rasid().store, filt)]
    return JSONResponse({"points": rows, "count": len(rows)})


@router.get("/api/timeline", response_model=None)
def timeline(request: Request, filt: Filter) -> Response:
    """Events and fatalities per day: [["2015-07-21", events, fatalities], ...]."""
    from rasid.api.events import day_counts

    return JSONResponse({"days": [list(d) for d in day_counts(server(request).rasid().store, filt)]})


def load_event(request: Request, event_id: str) -> dict[str, Any]:
    """One event with its review history; 404 if there is none with this id."""
    from rasid.api.events import get_event

    record = None
    if _valid_event_id(event_id):
        record = get_event(server(request).rasid().store, event_id)
    if record is None:
        raise ApiError(404, f"no event with id {event_id!r} (ids are <article>-<index>, e.g. 12-0)")
    return record


def _valid_event_id(event_id: str) -> bool:
    article, _, index = event_id.partition("-")
    return article.isdigit() and index.isdigit() and len(event_id) < 40


@router.get("/api/events/{event_id}")
def event(request: Request, event_id: str) -> dict[str, Any]:
    """One event record, reviewed values applied, with `reviews`: its full review history."""
    return load_event(request, event_id)


@router.get("/api/reviews", response_model=None)
def reviews(
    request: Request,
    fmt: Annotated[str | None, Query(alias="format", pattern="^(json|jsonl)$")] = None,
) -> Response | dict[str, Any]:
    """Every review (who, when, the value before). `format=jsonl`: the reviewed events as gold-key
    lines for `rasid eval events`."""
    from rasid.store.reviews import all_reviews

    store = server(request).rasid().store
    if fmt == "jsonl":
        from rasid.store.reviews import gold_key

        text = "".join(json.dumps(line, ensure_ascii=False, default=str) + "\n" for line in gold_key(store))
        return Response(text, media_type="application/x-ndjson; charset=utf-8")
    items = all_reviews(store)
    return {"items": items, "count": len(items)}
