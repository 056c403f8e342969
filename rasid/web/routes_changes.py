"""The change feed and the alerts: /api/changes, /api/alerts (what changed since a time, oldest first).

Both page by id: `total` is how many match from this page's cursor on, `more` how many come after this
page, `cursor` the parameter that continues (`{"after": id}`, newest first `{"before": id}`) and
`next` this request with it set; both None at the end (the same object as `rasid changes --json`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request

from rasid.web.context import ApiError, JSONResponse, server

router = APIRouter(tags=["changes"])
MAX_ITEMS = 1000

Since = Annotated[
    str | None, Query(max_length=40, description="From this time on: YYYY-MM-DD or an ISO time (UTC without a zone).")
]
After = Annotated[int, Query(ge=0, description="Only items after this id (the `next` link sets it).")]
Limit = Annotated[int, Query(ge=1, le=MAX_ITEMS, description=f"Items per page (at most {MAX_ITEMS}).")]


def _page(request: Request, items: list[dict[str, Any]], limit: int, total: int, newest_first: bool = False) -> JSONResponse:
    from rasid.api.changes import page

    body = page(items, limit, total, newest_first=newest_first)
    body["next"] = str(request.url.include_query_params(**body["cursor"])) if body["cursor"] else None
    return JSONResponse(body)


@router.get("/api/changes", response_model=None)
def changes(
    request: Request,
    since: Since = None,
    kind: Annotated[
        str | None,
        Query(max_length=40, description="event_added, event_changed, event_withdrawn, story_new, story_grew, "
              "contradiction_new or verdict_changed."),
    ] = None,
    after: After = 0,
    before: Annotated[int | None, Query(ge=1, description="Only changes before this id (order=desc pages with it).")] = None,
    order: Annotated[str, Query(pattern="^(asc|desc)$", description="asc: oldest first (default); desc: newest first.")] = "asc",
    limit: Limit = 200,
) -> JSONResponse:
    """Changes to the record since a time, oldest first (or newest first with `order=desc`): events added,
    changed (before/after values) or withdrawn, stories that began or grew, new contradictions, changed
    verdicts; each with the ids it is about (`story_id`, `event`, `claim`, `article_id`)."""
    from rasid.api.changes import changes as read_changes
    from rasid.api.changes import count_changes

    newest = order == "desc"
    store = server(request).rasid().store
    try:
        items = read_changes(store, since=since, kind=kind, after_id=after, before_id=before, newest_first=newest,
                             limit=limit)  # fmt: skip
        total = count_changes(store, since=since, kind=kind, after_id=after, before_id=before)
    except ValueError as exc:
        raise ApiError(400, f"since/kind: {exc}") from None
    return _page(request, items, limit, total, newest)


@router.get("/api/alerts", response_model=None)
def alerts(request: Request, since: Since = None, after: After = 0, limit: Limit = 200) -> JSONResponse:
    """Alerts the rules raised (`rasid watch --alert-rules`, `rasid alerts`), oldest first: the rule, the
    change, a message and the evidence (article, event or story, the sentence quoted and its span)."""
    from rasid.api.changes import alerts as read_alerts
    from rasid.api.changes import count_alerts

    store = server(request).rasid().store
    try:
        items = read_alerts(store, since=since, after_id=after, limit=limit)
        total = count_alerts(store, since=since, after_id=after)
    except ValueError as exc:
        raise ApiError(400, f"since: {exc}") from None
    return _page(request, items, limit, total)
