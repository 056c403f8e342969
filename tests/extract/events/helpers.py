"""Helpers shared by the event-coding tests: run the real text and entity stages before the event
stage, optionally with the names (actors, places, persons, outlets) replaced or left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rasid.document import Document, Event, Mention
from rasid.extract.events import EventStage
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2024, 3, 9)

# Mentions the entity stage reads from the text itself (not names from the knowledge base).
_READ = ("number", "time")


def full_pipeline() -> Pipeline:
    return build_pipeline(["text", "entities", "events"])


@lru_cache(maxsize=1)
def _inputs() -> Pipeline:
    return build_pipeline(["text", "entities"])


def analysed(text: str, published: dt.date | None = PUBLISHED, **meta: Any) -> Document:
    """A document through the stages the event stage needs (text, entities)."""
    return _inputs()(Document(id=str(meta.pop("id", "t")), text=text, published=published, **meta))


def with_names(doc: Document, mentions: Sequence[Mention]) -> Document:
    """`doc` with `mentions` as its only names: the numbers and times the entity stage read stay."""
    kept = [m for m in doc.mentions if m.type in _READ]
    return doc.evolve(mentions=tuple(sorted([*kept, *mentions], key=lambda m: (m.start, -m.end))))


def unnamed(text: str, published: dt.date | None = PUBLISHED) -> list[Event]:
    """Events of `text` with no name mentions: actors are read from the words around the trigger."""
    return list(EventStage()(with_names(analysed(text, published), ())).events)


def named(text: str, mentions: Sequence[Mention], published: dt.date | None = PUBLISHED) -> list[Event]:
    """Events of `text` with the given name mentions only."""
    return list(EventStage()(with_names(analysed(text, published), mentions)).events)


def mention(text: str, surface: str, kind: str, kb_id: str | None, attrs: dict[str, Any], nth: int = 0) -> Mention:
    """A mention of the `nth` occurrence of `surface` in `text`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(surface, at + 1)
    return Mention(at, at + len(surface), surface, kind, kb_id, attrs=attrs)


def events(pipeline: Pipeline, text: str) -> list[Event]:
    return list(pipeline(Document(id="t", text=text + "\n", published=PUBLISHED)).events)


def only(pipeline: Pipeline, text: str) -> dict[str, Any]:
    """The fields of the one event a report must yield."""
    evs = events(pipeline, text)
    assert len(evs) == 1, [e.fields["trigger"] for e in evs]
    return dict(evs[0].fields)


def actor_id(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value.get("id")


def violent_fields(pipeline: Pipeline, text: str) -> dict[str, Any]:
    """The fields of the first violent event of `text` (not a strategic development)."""
    evs = [e for e in events(pipeline, text) if e.event_type != "Strategic developments"]
    assert evs, "no violent event"
    return dict(evs[0].fields)
