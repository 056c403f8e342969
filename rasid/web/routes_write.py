"""Writes, behind the token: post articles (analysed, stored, grouped into stories) and review events.

One write runs at a time (`Server.write_lock`). A batch of articles is all or nothing: every item is
read and checked before anything is stored, and the articles are stored in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field, ValidationError, model_validator
from starlette.requests import Request

from rasid.web.context import ApiError, server
from rasid.web.routes_events import load_event
from rasid.web.security import require_token

router = APIRouter(dependencies=[Depends(require_token)])


def validation_message(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(x) for x in e.get("loc", ())) or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}".replace("Value error, ", ""))
    return "; ".join(parts)
MAX_BATCH = 200


class ArticleBody(BaseModel):
    text: str | None = Field(None, description="The article's plain text (this or `html`).")
    html: str | None = Field(None, description="The article's HTML page (this or `text`).")
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=200, description="The outlet (detected from the text if missing).")
    published: dt.date | None = Field(None, description="YYYY-MM-DD")
    url: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def one_body(self) -> ArticleBody:
        if not (self.text or "").strip() and not (self.html or "").strip():
            raise ValueError("give the article's `text` or `html`")
        if self.text is not None and self.html is not None:
            raise ValueError("give `text` or `html`, not both")
        return self


class ArticlesBody(BaseModel):
    articles: list[ArticleBody] = Field(min_length=1, max_length=MAX_BATCH)


class ReviewBody(BaseModel):
    action: Literal["confirm", "correct", "reject"]
    changes: dict[str, Any] | None = Field(None, description="For `correct`: field -> new value.")
    note: str = Field("", max_length=4000)
    reviewer: str = Field("", max_length=200)


@router.post("/api/articles", tags=["articles"])
def post_articles(
    request: Request, body: Annotated[dict[str, Any], Body(examples=[{"text": "…", "source": "…"}])]
) -> dict[str, Any]:
    """Analyse and store one article ({"text"|"html", "title", "source", "published", "url"}) or a batch
    ({"articles": [...]}, at most 200), grouped into stories as `rasid analyze` does; answers
    {"stored": [ids], "duplicates": [{"index", "article"}], "stories": [ids]}."""
    from rasid.api.items import ArticleInput, ItemError, analyze_items

    try:
        given = ArticlesBody.model_validate(body).articles if "articles" in body else [ArticleBody.model_validate(body)]
    except ValidationError as exc:
        raise ApiError(422, validation_message(exc)) from None
    items = [ArticleInput(text=a.text, html=a.html, title=a.title, source=a.source, published=a.published,
                          url=a.url) for a in given]  # fmt: skip
    srv = server(request)
    with srv.write_lock:
        try:
            report = analyze_items(srv.rasid().store, srv.pipeline(), items)
        except ItemError as exc:
            raise ApiError(422, str(exc)) from None
    return {"stored": report.stored, "duplicates": report.duplicates, "stories": report.stories,
            "errors": report.errors}  # fmt: skip


@router.post("/api/events/{event_id}/review", tags=["events"])
def review(request: Request, event_id: str, body: ReviewBody) -> dict[str, Any]:
    """Confirm, correct or reject an event (with a note and the reviewer's name); the updated record."""
    from rasid.store.reviews import ReviewError, add_review

    load_event(request, event_id)  # 404 for an unknown event
    srv = server(request)
    with srv.write_lock:
        try:
            add_review(
                srv.rasid().store, event_id, body.action, changes=body.changes, note=body.note, reviewer=body.reviewer
            )
        except ReviewError as exc:
            raise ApiError(422, str(exc)) from None
    return load_event(request, event_id)

