"""Articles (with every annotation), search, entities, gazetteer places, stories and claim checks.

Lists are paged by keyset cursors: the `next` URL carries the sort key of the last item returned.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from rasid.web.context import (
    DEFAULT_LIMIT,
    ApiError,
    article_json,
    decode_cursor,
    encode_cursor,
    next_url,
    parse_bbox,
    parse_day,
    server,
)
from rasid.web.routes_events import Cursor, Limit

router = APIRouter()
ENTITY_TYPES = ("person", "actor", "place", "outlet")
MAX_SEARCH_RESULTS = 1000  # how deep search pages go
MAX_PLACES = 5000
# At most this many claim checks run at once; a check that cannot start within the time bound is 503.
CHECK_SLOTS = threading.BoundedSemaphore(2)


@router.get("/api/articles", tags=["articles"])
def articles(
    request: Request,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Stored articles in the order they were stored, optionally of one outlet."""
    after = decode_cursor(cursor, int)
    store = server(request).rasid().store
    sql = (
        "SELECT id FROM articles WHERE id > ?" + (" AND source = ?" if outlet else "") + " ORDER BY id LIMIT ?"
    )
    params: list[Any] = [after[0] if after else 0, *([outlet] if outlet else []), limit + 1]
    ids = [int(r[0]) for r in store.query(sql, params)]
    rows = [store.get_article(i) for i in ids[:limit]]
    items = [article_json(r) for r in rows if r is not None]
    following = encode_cursor(ids[limit - 1]) if len(ids) > limit else None
    return {"items": items, "limit": limit, "next": next_url(request, following)}


@router.get("/api/articles/{article_id}", tags=["articles"])
def article(request: Request, article_id: int) -> dict[str, Any]:
    """One article: its cleaned text and every annotation span (offsets into `text`)."""
    rasid = server(request).rasid()
    row = rasid.store.get_article(article_id)
    if row is None:
        raise ApiError(404, f"no article with id {article_id}")
    doc = rasid.document(article_id)
    spans: dict[str, list[dict[str, Any]]] = {"entities": [], "dates": [], "numbers": [], "other": []}
    kinds = {"time": "dates", "date": "dates", "number": "numbers", **{t: "entities" for t in ENTITY_TYPES}}
    for m in doc.mentions:
        spans[kinds.get(m.type, "other")].append(
            {"start": m.start, "end": m.end, "type": m.type, "text": m.text, "kb_id": m.kb_id,
             "attrs": dict(m.attrs)}
        )
    events = [
        {
            "id": f"{article_id}-{i}",
            "event_type": e.event_type,
            "sub_event_type": e.sub_event_type,
            "confidence": e.confidence,
            "spans": {name: [[s.start, s.end] for s in found] for name, found in e.spans.items()},
        }
        for i, e in enumerate(doc.events)
    ]
    story = rasid.store.query("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
    return {
        **article_json(row),
        "story_id": int(story[0][0]) if story else None,  # the page links an event to its story
        "text": doc.text,
        "annotations": {
            "entities": spans["entities"],
            "events": events,
            "dates": spans["dates"],
            "numbers": spans["numbers"],
            "other": spans["other"],
            "sentences": [[s.start, s.end] for s in doc.sentences],
        },
    }


@router.get("/api/search", tags=["articles"])
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find (Arabic).")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Articles ranked by BM25, each with a snippet and highlight offsets into the snippet (no markup)."""
    from rasid.api.search import make_snippet
    from rasid.text.query import query_groups

    after = decode_cursor(cursor, int, (int, float), int)  # (results seen, last score, last id)
    seen = after[0] if after else 0
    if seen < 0 or seen >= MAX_SEARCH_RESULTS:
        return {"items": [], "limit": limit, "next": None}
    groups = [[t for t in g if " " not in t] for g in query_groups(q)]
    terms = {t for g in groups for t in g}
    store = server(request).rasid().store
    want = min(MAX_SEARCH_RESULTS, seen + limit + 1)
    # Ties broken by id, so that (score, id) orders the results wholly and keys the next page.
    ranked = sorted(store.search(groups, limit=want), key=lambda hit: (-hit[1], hit[0])) if terms else []
    if after:  # keyset: what ranks after the last result (score descending, then id)
        ranked = [(i, s) for i, s in ranked if (-s, i) > (-after[1], after[2])]
    page = ranked[:limit]
    items = []
    for article_id, score in page:
        row = store.get_article(article_id)
        if row is None:
            continue
        snippet = make_snippet(store.get_text(article_id), terms)
        items.append({"article": article_json(row), "score": score, "snippet": snippet.text,
                      "highlights": [list(h) for h in snippet.highlights]})  # fmt: skip
    more = len(ranked) > limit and seen + limit < MAX_SEARCH_RESULTS
    following = encode_cursor(seen + len(page), page[-1][1], page[-1][0]) if more and page else None
    return {"items": items, "limit": limit, "next": next_url(request, following)}


@router.get("/api/entities", tags=["entities"])
def entities(
    request: Request,
    entity_type: Annotated[str | None, Query(alias="type", pattern="^(person|actor|place|outlet)$")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """People, actors, places and outlets found in the articles, most mentioned first."""
    after = decode_cursor(cursor, int, str, str)  # (mentions, type, key) of the last entity
    types = (entity_type,) if entity_type else ENTITY_TYPES
    marks = ",".join("?" * len(types))
    sql = (
        "SELECT * FROM (SELECT m.type, COALESCE(m.kb_id, 'text:' || m.text) AS key, COUNT(*) AS n,"
        " COUNT(DISTINCT m.article_id), MAX(m.kb_id), MIN(m.text), MAX(t.attrs)"
        " FROM mentions m LEFT JOIN mention_attrs t ON t.id = m.attrs_id"
        f" WHERE m.type IN ({marks}) GROUP BY m.type, key)"
    )
    params: list[Any] = list(types)
    if after:
        sql += " WHERE n < ? OR (n = ? AND (type > ? OR (type = ? AND key > ?)))"
        params += [after[0], after[0], after[1], after[1], after[2]]
    sql += " ORDER BY n DESC, type, key LIMIT ?"
    srv = server(request)
    store = srv.rasid().store
    # Counting every mention takes a while on a large store: a page is kept until articles are added.
    version = store.query("SELECT MAX(id) FROM articles")[0][0]
    rows = srv.cached(("entities", entity_type, cursor, limit), version, lambda: store.query(sql, [*params, limit + 1]))
    items = [_entity(r) for r in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    following = encode_cursor(last[2], last[0], last[1]) if last else None
    return {"items": items, "limit": limit, "next": next_url(request, following)}


def _entity(row: tuple[Any, ...]) -> dict[str, Any]:
    etype, key, mentions, article_count, kb_id, text, attrs_json = row
    try:
        attrs = json.loads(attrs_json or "{}")
    except ValueError:
        attrs = {}
    linked = kb_id is not None and not str(kb_id).startswith("person:")
    name = text
    if linked and etype == "place":
        name = attrs.get("name") or text
    elif linked and etype == "outlet":
        name = attrs.get("name_ar") or text
    elif linked and etype == "actor":
        from rasid.knowledge.actors import load_actors

        try:
            name = load_actors().get(str(kb_id)).name_ar
        except KeyError:
            name = text
    return {"type": etype, "id": kb_id, "key": key, "name": name, "linked": linked, "mentions": mentions,
            "articles": article_count, "attrs": attrs}  # fmt: skip


@router.get("/api/places", tags=["entities"])
def places(
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PLACES)] = 2000,
) -> dict[str, Any]:
    """Gazetteer places (most prominent first) as [id, name_ar, name_en, lat, lon, kind], for map labels."""
    from rasid.knowledge.places import load_places, prominence

    box = parse_bbox(bbox)
    found = [
        p
        for p in load_places().all()
        if box is None or (box[0] <= p.lon <= box[2] and box[1] <= p.lat <= box[3])
    ]
    found.sort(key=prominence)
    return {"places": [[p.id, p.name_ar, p.name_en, p.lat, p.lon, p.type] for p in found[:limit]]}


@router.get("/api/stories", tags=["stories"])
def stories(request: Request, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> dict[str, Any]:
    """Stories (reports of one incident grouped) by first date: title, span, places, outlets, size."""
    after = decode_cursor(cursor, str, int)  # (first date or '9999', id) of the last story
    sql = (
        "SELECT id, title, first_date, last_date, places, outlets, article_count, COALESCE(first_date, '9999') AS d"
        " FROM stories"
    )
    params: list[Any] = []
    if after:
        sql += " WHERE d > ? OR (d = ? AND id > ?)"
        params += [after[0], after[0], after[1]]
    rows = server(request).rasid().store.query(sql + " ORDER BY d, id LIMIT ?", [*params, limit + 1])
    items = [
        {"id": r[0], "title": r[1], "first_date": r[2], "last_date": r[3], "places": _json_list(r[4]),
         "outlets": _json_list(r[5]), "article_count": r[6]}
        for r in rows[:limit]
    ]
    last = rows[limit - 1] if len(rows) > limit else None
    following = encode_cursor(last[7], last[0]) if last else None
    return {"items": items, "limit": limit, "next": next_url(request, following)}


def _json_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


@router.get("/api/stories/{story_id}", tags=["stories"])
def story(request: Request, story_id: int) -> dict[str, Any]:
    """One story: articles by outlet and date, the source-by-fact matrix (contradicted facts with their
    holders), incidents, recycled items and single-source facts (as `rasid story ID --json`)."""
    from rasid.stories.stored import stored_alignment

    try:  # read-only here: `rasid analyze` stores the alignments of the stories it changes
        found: dict[str, Any] = stored_alignment(server(request).rasid().store, story_id, save=False)
    except KeyError:
        raise ApiError(404, f"no story with id {story_id}") from None
    return found


CONTRADICTIONS_MAX = 20  # stories aligned per request: aligning one reads all its articles
STORIES_SCANNED = 200  # stories looked at per request, so a sparse database still answers quickly


@router.get("/api/contradictions", tags=["stories"])
def contradictions(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=CONTRADICTIONS_MAX, description="Stories per page.")] = 10,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Stories whose outlets contradict each other, in story order, each with its contradicted facts
    (fact, incident, and every value with the outlets holding it). At most 200 stories are looked at
    per request: follow `next` until it is null."""
    from rasid.stories.stored import stored_alignment

    after = decode_cursor(cursor, int)
    store = server(request).rasid().store
    ids = [r[0] for r in store.query(
        "SELECT id FROM stories WHERE id > ? AND article_count > 1 ORDER BY id LIMIT ?",
        [after[0] if after else 0, STORIES_SCANNED],
    )]  # fmt: skip
    items: list[dict[str, Any]] = []
    last = None
    for story_id in ids:
        last = story_id
        try:
            story = stored_alignment(store, story_id, save=False)
        except KeyError:  # regrouped since the ids were read
            continue
        facts = [
            {"fact": f["fact"], "incident": f["incident"], "values": f["values"]}
            for f in story["facts"]
            if f["status"] == "contradicted"
        ]
        if facts:
            items.append({"story": {k: story.get(k) for k in ("id", "title", "first_date", "last_date", "outlets")},
                          "contradicted": facts})  # fmt: skip
            if len(items) == limit:
                break
    more = last is not None and (len(ids) == STORIES_SCANNED or last != ids[-1])
    following = encode_cursor(last) if more else None
    return {"items": items, "limit": limit, "next": next_url(request, following)}


class CheckRequest(BaseModel):
    claim: str = Field(min_length=1, max_length=2000, description="The claim, in Arabic.")
    as_of: str | None = Field(None, description="Judge as of this day (YYYY-MM-DD); later reports are ignored.")
    limit: int = Field(12, ge=1, le=50, description="Evidence passages to weigh.")


@router.post("/api/check", tags=["claims"])
async def check(request: Request, body: CheckRequest) -> dict[str, Any]:
    """Check a claim against the stored reports: verdict, label, cited passages and sources, explanation.

    Time bound: at most two checks run at once, and a check that has not answered within the
    server's check timeout (30 s by default) gets 503; the check's thread finishes in the background
    (a thread cannot be stopped), holding its slot, so abandoned checks cannot pile up.
    """
    from rasid.verify.check import ClaimError, validate_claim

    if not body.claim.strip():
        raise ApiError(422, "claim: the claim is empty")
    try:
        day = parse_day(body.as_of, "as_of")
    except ApiError as exc:
        raise ApiError(422, exc.message) from None
    try:
        validate_claim(body.claim)
    except ClaimError as exc:
        raise ApiError(422, str(exc)) from None
    srv = server(request)
    return await _bounded_check(srv, body.claim, day, body.limit)


async def _bounded_check(srv: Any, claim: str, day: dt.date | None, limit: int) -> dict[str, Any]:
    from rasid.verify.check import ClaimError

    if not await run_in_threadpool(CHECK_SLOTS.acquire, True, srv.check_timeout):
        raise ApiError(503, "the server is busy checking other claims; try again shortly")

    def run() -> dict[str, Any]:
        try:
            result: dict[str, Any] = srv.rasid().check(claim, as_of=day, limit=limit, remember=False).to_dict()
            return result
        finally:
            CHECK_SLOTS.release()

    try:
        with anyio.fail_after(srv.check_timeout):
            # abandon_on_cancel: at the time bound the request is answered; the thread finishes alone.
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(503, f"the check took longer than {srv.check_timeout:g} s; try a shorter claim") from None
    except ClaimError as exc:
        raise ApiError(422, str(exc)) from None
