"""Helpers shared by the event-coding tests: run the full pipeline on one short report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasid.document import Document, Event
from rasid.pipeline import Pipeline

PUBLISHED = dt.date(2024, 3, 9)


def full_pipeline() -> Pipeline:
    return Pipeline.from_names(["text", "entities", "events"])


def events(pipeline: Pipeline, text: str) -> list[Event]:
    return list(pipeline(Document(id="t", text=text + "\n", published=PUBLISHED)).events)


def only(pipeline: Pipeline, text: str) -> dict[str, Any]:
    """The fields of the one event a report must yield."""
    evs = events(pipeline, text)
    assert len(evs) == 1, [e.fields["trigger"] for e in evs]
    return dict(evs[0].fields)


def actor_id(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value.get("id")
