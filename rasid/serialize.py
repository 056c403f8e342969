"""Documents to and from plain JSON-able dicts (for the store, the API and `--json` output)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rasid.document import Clitic, Document, Event, Mention, Sentence, Span, Token

# Exact types that JSON encodes as they are; checked by identity, which is far cheaper than the
# isinstance/ABC checks of the general case. Annotations are almost entirely made of these.
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_STR: frozenset[type] = frozenset({str})


def _jsonable(value: Any) -> Any:
    """`value` with dates as ISO strings, Spans as [start, end], mappings as str-keyed dicts, sequences as lists."""
    cls = type(value)
    if cls in _PLAIN:
        return value
    plain = _PLAIN
    if cls is dict:
        # Flat dicts of scalars with str keys (most attrs) are copied whole; the type scans run in C.
        if plain.issuperset(map(type, value.values())) and _STR.issuperset(map(type, value)):
            return value.copy()
        return {
            (k if type(k) is str else str(k)): (v if type(v) in plain else _jsonable(v)) for k, v in value.items()
        }
    if cls is list or cls is tuple:
        if plain.issuperset(map(type, value)):
            return list(value)
        return [v if type(v) in plain else _jsonable(v) for v in value]
    return _jsonable_general(value)


def _jsonable_general(value: Any) -> Any:
    # Subclasses and other types (dates, Spans, read-only mappings, sets) in their order of precedence.
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Span):
        return [value.start, value.end]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def mention_to_dict(m: Mention) -> dict[str, Any]:
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "type": m.type,
        "kb_id": m.kb_id,
        "confidence": m.confidence,
        "attrs": _jsonable(m.attrs),
    }


def event_to_dict(e: Event) -> dict[str, Any]:
    return {
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "fields": _jsonable(e.fields),
        "spans": {k: [[s.start, s.end] for s in v] for k, v in e.spans.items()},
        "confidence": e.confidence,
    }


def document_to_dict(doc: Document, *, include_text: bool = True, include_tokens: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "origin": doc.origin,
        "url": doc.url,
        "published": doc.published.isoformat() if doc.published else None,
        "language": doc.language,
        "content_hash": doc.content_hash,
        "meta": _jsonable(doc.meta),
        "sentences": [[s.start, s.end] for s in doc.sentences],
        "mentions": [mention_to_dict(m) for m in doc.mentions],
        "events": [event_to_dict(e) for e in doc.events],
        "stages": list(doc.stages),
    }
    if include_text:
        data["text"] = doc.text
    if include_tokens:
        data["tokens"] = [
            {
                "start": t.start,
                "end": t.end,
                "text": t.text,
                "base_start": t.base_start,
                "norm": t.norm,
                "stem": t.stem,
                "clitics": [[c.form, c.start, c.end] for c in t.clitics],
                "sentence": t.sentence,
                "is_word": t.is_word,
            }
            for t in doc.tokens
        ]
    return data


def document_from_dict(data: Mapping[str, Any]) -> Document:
    published = data.get("published")
    tokens = tuple(
        Token(
            start=t["start"],
            end=t["end"],
            text=t["text"],
            base_start=t["base_start"],
            norm=t["norm"],
            stem=t["stem"],
            clitics=tuple(Clitic(c[0], c[1], c[2]) for c in t.get("clitics", ())),
            sentence=t.get("sentence", 0),
            is_word=t.get("is_word", True),
        )
        for t in data.get("tokens", ())
    )
    return Document(
        id=data["id"],
        text=data["text"],
        title=data.get("title") or "",
        source=data.get("source"),
        origin=data.get("origin") or "",
        url=data.get("url"),
        published=dt.date.fromisoformat(published) if published else None,
        language=data.get("language") or "und",
        content_hash=data.get("content_hash") or "",
        meta=dict(data.get("meta") or {}),
        sentences=tuple(Sentence(s[0], s[1], i) for i, s in enumerate(data.get("sentences", ()))),
        tokens=tokens,
        mentions=tuple(
            Mention(
                start=m["start"],
                end=m["end"],
                text=m["text"],
                type=m["type"],
                kb_id=m.get("kb_id"),
                confidence=m.get("confidence", 1.0),
                attrs=m.get("attrs") or {},
            )
            for m in data.get("mentions", ())
        ),
        events=tuple(
            Event(
                event_type=e["event_type"],
                sub_event_type=e["sub_event_type"],
                fields=e.get("fields") or {},
                spans={k: tuple(Span(s[0], s[1]) for s in v) for k, v in (e.get("spans") or {}).items()},
                confidence=e.get("confidence", 0.5),
            )
            for e in data.get("events", ())
        ),
        stages=tuple(data.get("stages", ())),
    )
