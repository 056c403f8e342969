"""Documents to and from plain JSON-able dicts (for the store, the API and `--json` output)."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Mapping
from typing import IO, Any

from rasid.document import Clitic, Document, Event, Mention, Sentence, Span, Token

# The preset zlib dictionary of Rasid's compressed JSON (the stored annotations of rasid.store.codec,
# stored event records): the keys and common values of what is compressed, so that even a short
# text compresses well. FROZEN: what was written with it is read with it, byte for byte; a new
# dictionary needs a new format byte wherever it is used.
ZDICT_V1 = (
    b'"event_type":"Battles","sub_event_type":"Armed clash","fields":{"plover_type":"ASSAULT","plover_mode":'
    b'"firearms","trigger":"actor1":{"id":"side":"inter":"name":},"actor2":null,"assoc_actors":[],"victims":null,'
    b'"protest_target":null,"location":{"place_id":null,"name":"name_en":null,"lat":null,"lon":null,"admin1":null,'
    b'"admin2":null,"geo_precision":null,"container_id":null,"country":null,"iso":null},"date":"date_precision":'
    b'"day","date_from":"text","killed":null,"injured":null,"attributed_to":[],"hedged":false,"hedge_cue":null,'
    b'"hedge_kind":null,"denied_by":[],"evidence":{"\\u0000t":0,"start":"end":},"sentence_index":"background":'
    b'false,"more_evidence":[],"special":["no_place"],"incident_probability":"confidence":"spans":{"trigger":[[],'
    b'"location":"date":"evidence":"actor1":["value","value_max","bound","kind","unit","unit_start","unit_end"],'
    b'["value","end_value","precision","kind","resolved","part_of_day","grain"],["side","parent","inter","name_en",'
    b'"acled_name","actor_type","generic"],["name","name_en","lat","lon","admin1","admin2","geo_precision",'
    b'"container_id","qualifier","place_type","country","iso"],"number",null,1.0,0,"cardinal",null,null,null],'
    b'"time",null,0.9,1,"relative",true,null,"day"],"place",null,0.7,"actor","person","outlet","sentences":[[0,'
    b'"mentions":[[[],[["events":[{"stages":["text","entities","events"]}'
)

# An event record as stored (`events.record`): this byte, then the zlib stream (with ZDICT_V1) of the
# record's JSON text; older rows hold the JSON text itself.
RECORD_ZLIB = 1

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


def to_jsonable(value: Any) -> Any:
    """`value` as JSON writes it back: dates as ISO strings, Spans as [start, end], str-keyed dicts, lists."""
    return _jsonable(value)


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


def pack_record(text: str) -> bytes:
    """An event record's JSON text as stored: `RECORD_ZLIB`, then the text compressed with ZDICT_V1."""
    packer = zlib.compressobj(6, zdict=ZDICT_V1)
    return bytes([RECORD_ZLIB]) + packer.compress(text.encode("utf-8")) + packer.flush()


def record_text(stored: str | bytes) -> str:
    """The JSON text of a stored event record (either stored form)."""
    if isinstance(stored, str):
        return stored
    data = bytes(stored)
    if data[:1] in (b"{", b"["):  # JSON text kept as bytes (a PostgreSQL column changed to BYTEA)
        return data.decode("utf-8")
    if not data or data[0] != RECORD_ZLIB:
        raise ValueError(f"stored event record of unknown format {data[:1]!r} (written by a newer Rasid?)")
    unpacker = zlib.decompressobj(zdict=ZDICT_V1)
    return (unpacker.decompress(data[1:]) + unpacker.flush()).decode("utf-8")


def load_record(stored: str | bytes) -> Any:
    """A stored event record (`events.record`, either stored form) as the dict it was written from."""
    return json.loads(record_text(stored))


def pack_legacy_record(stored: str | bytes | None) -> bytes | None:
    """A stored record in the current form (for the schema migration: older rows hold the JSON text)."""
    if stored is None:
        return None
    return pack_record(stored) if isinstance(stored, str) else bytes(stored)


def safe_yaml_loader() -> Any:
    """PyYAML's safe loader on libyaml's parser where PyYAML was built with it (several times less CPU
    on Rasid's data files, read at every start-up), else the pure-Python one: the same data either way."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | IO[str]) -> Any:
    """One YAML document, read with `safe_yaml_loader`."""
    import yaml

    return yaml.load(source, Loader=safe_yaml_loader())


def load_yaml_nodes(text: str) -> tuple[Any, Any]:
    """One YAML document and its node tree (whose marks give the file line of each value), parsed
    once with `safe_yaml_loader`; `yaml.YAMLError` for text that is no YAML."""
    loader = safe_yaml_loader()(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def yaml_item_lines(root: Any, key: str) -> list[int]:
    """The file lines (from 1) of the items of the top-level sequence `key` of a node tree."""
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if getattr(k, "value", None) == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []
