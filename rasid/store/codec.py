"""The stored form of an article's annotations, shared by every store (SQLite, PostgreSQL).

An article's annotations (sentences, mentions, events, stages) are kept as one compact,
zlib-compressed payload: `encode_annotations(doc)` writes it, `decode_document(...)` rebuilds the
Document from it and the article's own row. The payload holds nothing the article row or its text
already hold:

- no article fields (id, title, source, url, dates, hash, meta): they are the article row's;
- no repeated keys per mention: a mention is a positional row, its attributes the values of one of
  the document's attribute key lists ("schemas");
- no text a span's offsets give: a mention's text, and the `text` of any annotation object that
  also has `start` and `end` (event evidence, actors, places…), are stored only when they differ
  from the article text at those offsets; otherwise the key stays in place with a marker;
- sentence offsets as one flat list, event spans as flat lists per role.

Payload layout: one format byte, then the zlib stream of the compact JSON (compressed with the
preset dictionary of that format). Rows written before this format hold the document as plain JSON
text (`document_to_dict` without the text); `decode_document` reads both.

FORMAT RULE: a released format is never changed (its layout nor its dictionary, which must stay
byte-for-byte the same to decompress what was written with it); a change is a new format byte.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

from rasid.document import Document, Event, Mention, Sentence, Span
from rasid.records import ArticleRow
from rasid.serialize import ZDICT_V1, document_from_dict, to_jsonable

FORMAT_V1 = 1
# Stands for the `text` of an object whose `start`/`end` give it (the value is unused). Keys are
# identifiers written by Rasid's code, never this one; a document that has it is stored as plain JSON.
_DERIVED_KEY = "\x00t"
# Format 0: zlib-compressed plain JSON (`document_to_dict` without the text), for a document the
# compact form cannot hold (one whose annotations use the marker key themselves).
FORMAT_PLAIN = 0

# The preset dictionary of format 1 (frozen with the format: see FORMAT RULE above).
_ZDICT_V1 = ZDICT_V1

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class CodecError(ValueError):
    """A stored payload this Rasid cannot read (unknown format byte, damaged stream)."""


# -- encoding -----------------------------------------------------------------------------------------
def _derive(value: Any, text: str) -> Any:
    """`value` (JSON-able) with the `text` of every object whose `start`/`end` give it replaced by the marker."""
    cls = type(value)
    if cls is dict:
        if _DERIVED_KEY in value:
            raise _MarkerKeyError
        start, end, span = value.get("start"), value.get("end"), value.get("text")
        derived = (
            type(span) is str and type(start) is int and type(end) is int and 0 <= start <= end
            and text[start:end] == span
        )
        return {
            (_DERIVED_KEY if derived and k == "text" else k): (0 if derived and k == "text" else _derive(v, text))
            for k, v in value.items()
        }
    if cls is list:
        return [_derive(v, text) for v in value]
    return value


class _MarkerKeyError(Exception):
    pass


def _mention_rows(mentions: tuple[Mention, ...], text: str) -> tuple[list[list[str]], list[list[Any]], dict[str, str]]:
    schemas: dict[tuple[str, ...], int] = {}
    rows: list[list[Any]] = []
    texts: dict[str, str] = {}  # mention index -> its text, when the offsets do not give it
    for i, m in enumerate(mentions):
        attrs = to_jsonable(m.attrs)
        keys = tuple(attrs)
        schema = schemas.setdefault(keys, len(schemas))
        if text[m.start : m.end] != m.text or m.start < 0 or m.end < m.start:
            texts[str(i)] = m.text
        rows.append([m.start, m.end - m.start, m.type, m.kb_id, m.confidence, schema, *_derive(list(attrs.values()), text)])
    return [list(k) for k in schemas], rows, texts


def _event_row(e: Event, text: str) -> list[Any]:
    spans = {k: [x for s in v for x in (s.start, s.end)] for k, v in e.spans.items()}
    return [e.event_type, e.sub_event_type, _derive(to_jsonable(e.fields), text), spans, e.confidence]


def encode_annotations(doc: Document) -> bytes:
    """The stored payload of `doc`'s annotations (sentences, mentions, events, stages); see the module doc."""
    text = doc.text
    try:
        schemas, rows, texts = _mention_rows(doc.mentions, text)
        compact: dict[str, Any] = {
            "s": [x for s in doc.sentences for x in (s.start, s.end)],
            "k": schemas,
            "m": rows,
            "e": [_event_row(e, text) for e in doc.events],
            "g": list(doc.stages),
        }
    except _MarkerKeyError:
        from rasid.serialize import document_to_dict

        return bytes([FORMAT_PLAIN]) + zlib.compress(_encode(document_to_dict(doc, include_text=False)).encode(), 6)
    if texts:
        compact["t"] = texts
    packer = zlib.compressobj(6, zdict=_ZDICT_V1)
    return bytes([FORMAT_V1]) + packer.compress(_encode(compact).encode()) + packer.flush()


def pack_legacy(data: str | bytes | None, text: str | bytes | None) -> bytes | str | None:
    """An annotations row in the current payload form: plain JSON text (the older form) is re-encoded,
    a payload already current is returned as it is. For the schema migration of old databases;
    `text`: the article's stored text (either form)."""
    if data is None or isinstance(data, bytes):
        return data
    stored = json.loads(data)
    doc = document_from_dict({**stored, "id": stored.get("id") or "", "text": unpack_text(text)})
    return encode_annotations(doc)


# -- decoding -----------------------------------------------------------------------------------------
def _undo(value: Any, text: str) -> Any:
    cls = type(value)
    if cls is dict:
        if _DERIVED_KEY in value:
            start, end = value["start"], value["end"]
            return {("text" if k == _DERIVED_KEY else k): (text[start:end] if k == _DERIVED_KEY else _undo(v, text))
                    for k, v in value.items()}
        return {k: _undo(v, text) for k, v in value.items()}
    if cls is list:
        return [_undo(v, text) for v in value]
    return value


def _unpack(payload: bytes) -> dict[str, Any]:
    if not payload:
        raise CodecError("an empty annotations payload")
    kind = payload[0]
    try:
        if kind == FORMAT_V1:
            unpacker = zlib.decompressobj(zdict=_ZDICT_V1)
            raw = unpacker.decompress(payload[1:]) + unpacker.flush()
        elif kind == FORMAT_PLAIN:
            raw = zlib.decompress(payload[1:])
        else:
            raise CodecError(f"annotations payload of unknown format {kind} (written by a newer Rasid?)")
        data = json.loads(raw)
    except (zlib.error, ValueError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"a damaged annotations payload ({exc})") from exc
    if not isinstance(data, dict):
        raise CodecError("a damaged annotations payload (not an object)")
    data["\x00format"] = kind
    return data


def _mentions(data: dict[str, Any], text: str) -> tuple[Mention, ...]:
    schemas = data["k"]
    texts = data.get("t") or {}
    out = []
    for i, row in enumerate(data["m"]):
        start, length, kind, kb_id, confidence, schema = row[:6]
        values = _undo(row[6:], text)
        out.append(
            Mention(
                start=start,
                end=start + length,
                text=texts.get(str(i), text[start : start + length]),
                type=kind,
                kb_id=kb_id,
                confidence=confidence,
                attrs=dict(zip(schemas[schema], values, strict=True)),
            )
        )
    return tuple(out)


def _events(data: dict[str, Any], text: str) -> tuple[Event, ...]:
    return tuple(
        Event(
            event_type=event_type,
            sub_event_type=sub_event_type,
            fields=_undo(fields, text) or {},
            spans={k: tuple(Span(v[i], v[i + 1]) for i in range(0, len(v), 2)) for k, v in spans.items()},
            confidence=confidence,
        )
        for event_type, sub_event_type, fields, spans, confidence in data["e"]
    )


def article_base(article: ArticleRow, meta: Mapping[str, Any]) -> dict[str, Any]:
    """The article row's fields in `document_to_dict`'s form (what annotations are laid over)."""
    return {
        "id": article.doc_id,
        "title": article.title,
        "source": article.source,
        "origin": article.origin,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "content_hash": article.content_hash,
        "meta": dict(meta),
    }


def _from_plain(article: ArticleRow, text: str, meta: dict[str, Any], data: Mapping[str, Any], article_id: int) -> Document:
    # The older form: the article row's fields, overlaid by what the stored JSON holds.
    base = article_base(article, meta)
    base.update(data)
    base["text"] = text
    base["meta"] = {**meta, "article_id": article_id}
    return document_from_dict(base)


def decode_document(
    article: ArticleRow, text: str, meta_json: str | None, payload: bytes | str | None, article_id: int
) -> Document:
    """The stored Document of an article: its row, text and meta JSON, and its annotations payload
    (current payload bytes, older plain JSON text, or None when not annotated). `meta` gets `article_id`."""
    meta = json.loads(meta_json) if meta_json else {}
    if not payload:
        return _from_plain(article, text, meta, {}, article_id)
    if isinstance(payload, str):
        return _from_plain(article, text, meta, json.loads(payload), article_id)
    data = _unpack(bytes(payload))
    if data.pop("\x00format") == FORMAT_PLAIN:
        return _from_plain(article, text, meta, data, article_id)
    bounds = data["s"]
    return Document(
        id=article.doc_id,
        text=text,
        title=article.title or "",
        source=article.source,
        origin=article.origin or "",
        url=article.url,
        published=article.published,
        language=article.language or "und",
        content_hash=article.content_hash or "",
        meta={**meta, "article_id": article_id},
        sentences=tuple(Sentence(bounds[i], bounds[i + 1], i // 2) for i in range(0, len(bounds), 2)),
        mentions=_mentions(data, text),
        events=_events(data, text),
        stages=tuple(data["g"]),
    )


def annotation_summary(payload: bytes | str | None) -> tuple[frozenset[str], int]:
    """(the mention types, the number of events) a stored annotations payload holds, without building
    the Document (for consistency checks over many articles)."""
    if not payload:
        return frozenset(), 0
    if isinstance(payload, str):
        data = json.loads(payload)
        return frozenset(m["type"] for m in data.get("mentions", ())), len(data.get("events", ()))
    data = _unpack(bytes(payload))
    if data.pop("\x00format") == FORMAT_PLAIN:
        return frozenset(m["type"] for m in data.get("mentions", ())), len(data.get("events", ()))
    return frozenset(row[2] for row in data["m"]), len(data["e"])


# -- article text -------------------------------------------------------------------------------------
TEXT_ZLIB = 1  # the first byte of a stored text: zlib-compressed UTF-8 follows
# zlib level of stored texts (any level reads back alike): on 1,000 realnews articles level 5 takes
# ~30% less CPU than 6 for 1.7% more bytes of compressed text (2026-12-08, issue 17).
TEXT_LEVEL = 5


def pack_text(text: str) -> bytes:
    """An article's text as stored: a format byte, then the zlib-compressed UTF-8."""
    return bytes([TEXT_ZLIB]) + zlib.compress(text.encode("utf-8"), TEXT_LEVEL)


def unpack_text(stored: bytes | str | None) -> str:
    """An article's text from its stored form (`pack_text`'s bytes, or plain text as older rows hold it)."""
    if stored is None:
        return ""
    if isinstance(stored, str):
        return stored
    data = bytes(stored)
    if not data or data[0] != TEXT_ZLIB:
        raise CodecError(f"stored text of unknown format {data[:1]!r} (written by a newer Rasid?)")
    try:
        return zlib.decompress(data[1:]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise CodecError(f"a damaged stored text ({exc})") from exc


def pack_legacy_text(stored: bytes | str | None) -> bytes | str | None:
    """A stored text in the current form (for the schema migration: older rows hold plain text)."""
    return pack_text(stored) if isinstance(stored, str) else stored


# -- MinHash signatures ---------------------------------------------------------------------------------
SIGNATURE_U32 = 4  # the first byte of a signature stored as 32-bit values (little-endian) follow


def pack_signature(signature: bytes) -> bytes:
    """A MinHash signature as stored: 64-bit values that all fit in 32 bits (Rasid's hashes are 32-bit)
    are kept as 32-bit ones, after a marker byte; anything else is kept as it is."""
    import numpy as np

    if len(signature) % 8:
        return signature
    values = np.frombuffer(signature, dtype=np.uint64)
    if values.size and int(values.max()) >= 2**32:
        return signature
    return bytes([SIGNATURE_U32]) + values.astype("<u4").tobytes()


def unpack_signature(stored: bytes) -> bytes:
    """The signature bytes `pack_signature` was given (64-bit values), from either stored form."""
    import numpy as np

    data = bytes(stored)
    if len(data) % 8 == 1 and data[0] == SIGNATURE_U32:
        return np.frombuffer(data, dtype="<u4", offset=1).astype(np.uint64).tobytes()
    return data
