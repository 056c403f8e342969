"""The event record: `Event` from a coded candidate, and the JSON-ready dict stored and exported."""

from __future__ import annotations

from typing import Any

from rasid.document import Event
from rasid.extract.events.candidate import Candidate


def to_event(c: Candidate) -> Event:
    return Event(
        event_type=c.event_type,
        sub_event_type=c.sub_event_type,
        fields=c.fields.record(),
        spans={k: tuple(v) for k, v in c.spans.items()},
        confidence=c.confidence,
    )


def event_record(event: Event) -> dict[str, Any]:
    """A JSON-ready dict of one event (type, fields, spans, confidence)."""
    return {
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        **dict(event.fields),
        "confidence": event.confidence,
        "spans": {k: [[s.start, s.end] for s in v] for k, v in event.spans.items()},
    }
