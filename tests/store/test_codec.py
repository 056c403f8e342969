"""The stored form of annotations and texts (rasid.store.codec): compact, and read back exactly as the
plain JSON form that came before it was."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rasid.document import Document, Event, Mention, Sentence, Span
from rasid.records import ArticleRow
from rasid.serialize import document_from_dict, document_to_dict
from rasid.store import codec
from rasid.store.base import StoreDamagedError
from rasid.store.codec import (
    FORMAT_PLAIN,
    FORMAT_V1,
    CodecError,
    annotation_summary,
    decode_document,
    encode_annotations,
    pack_legacy,
    pack_signature,
    pack_text,
    unpack_signature,
    unpack_text,
)
from rasid.store.sqlite import SQLiteStore

_TEXT = (
    "قصفت طائرات حربية بلدة معرة النعمان في ريف إدلب صباح الثلاثاء، ما أدى إلى مقتل خمسة مدنيين."
    " وقال مراسل الشبكة إن فرق الدفاع المدني انتشلت الجثث من تحت الأنقاض."
)


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = _TEXT.index(word, start + 1)
    return start, start + len(word)


def _mention(word: str, kind: str, attrs: dict[str, Any], *, kb_id: str | None = None, conf: float = 0.9) -> Mention:
    start, end = _at(word)
    return Mention(start, end, word, kind, kb_id, conf, attrs)


def _full_document() -> Document:
    """A document with every kind of annotation: each mention type, nested attribute values, an event."""
    place = _mention(
        "معرة النعمان",
        "place",
        {"name": "معرة النعمان", "lat": 35.64, "lon": 36.67, "admin1": "Idlib", "geo_precision": 1, "iso": 760},
        kb_id="sy-maarat",
    )
    evidence_start, evidence_end = 0, _TEXT.index(".") + 1
    actor_start, actor_end = _at("طائرات حربية")
    mentions = (
        _mention("طائرات حربية", "actor", {"side": "government", "inter": 1, "generic": True}, kb_id="sy-airforce"),
        place,
        _mention("ريف إدلب", "place", {}, conf=0.7),
        _mention("الثلاثاء", "time", {"value": dt.date(2016, 3, 1), "precision": "day", "resolved": True}),
        _mention("خمسة", "number", {"value": 5, "value_max": None, "unit": "civilian", "range": (5, 5)}, conf=1.0),
        _mention("مراسل الشبكة", "person", {"role": "مراسل", "coreference": [1, 2]}),
        _mention("الشبكة", "outlet", {"name_en": "the network", "seen": {"text": "الشبكة", "start": 0, "end": 1}}),
        # A mention whose text is not what its offsets cover (kept as it is).
        Mention(3, 8, "نص آخر", "person", None, 0.5, {}),
        # Nested objects whose `text` the offsets give, and one whose they do not.
        _mention("الدفاع المدني", "actor", {"alternatives": [{"text": "الدفاع المدني", "start": _at("الدفاع المدني")[0],
                                                                "end": _at("الدفاع المدني")[1]},
                                                               {"text": "الخوذ", "start": 0, "end": 5}]}),
    )
    event = Event(
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        fields={
            "actor1": {"id": "sy-airforce", "text": _TEXT[actor_start:actor_end], "start": actor_start, "end": actor_end},
            "location": {"name": "معرة النعمان", "lat": 35.64, "lon": 36.67},
            "date": dt.date(2016, 3, 1),
            "killed": 5,
            "evidence": {"text": _TEXT[evidence_start:evidence_end], "start": evidence_start, "end": evidence_end},
            "more_evidence": [],
            "special": ("roundup",),
            "hedged": False,
            "incident_probability": 0.87,
            "at": Span(4, 9),
        },
        spans={"trigger": (Span(0, 4),), "location": (Span(*_at("معرة النعمان")), Span(*_at("إدلب")))},
        confidence=0.8,
    )
    return Document(
        id="doc-1",
        text=_TEXT,
        title="غارات على معرة النعمان",
        source="enab",
        origin="sample.jsonl:1",
        url="https://example.org/a/1",
        published=dt.date(2016, 3, 1),
        language="ar",
        content_hash="abc123",
        meta={"flags": ["x"], "extra": {"author": "مراسل"}},
        sentences=(Sentence(0, _TEXT.index(".") + 1, 0), Sentence(_TEXT.index(".") + 2, len(_TEXT), 1)),
        mentions=mentions,
        events=(event, Event("Protests", "Peaceful protest")),
        stages=("text", "entities", "events"),
    )


def _row(doc: Document, article_id: int = 7) -> ArticleRow:
    return ArticleRow(
        id=article_id, doc_id=doc.id, origin=doc.origin, url=doc.url, source=doc.source, title=doc.title,
        published=doc.published, language=doc.language, length=len(doc.text), duplicate_of=None, similarity=None,
        content_hash=doc.content_hash,
    )


def _plain_json_read(doc: Document, article_id: int = 7) -> Document:
    """The Document the store read back before this codec: plain JSON annotations over the article row."""
    meta = json.dumps(dict(doc.meta), ensure_ascii=False)
    payload = json.dumps(document_to_dict(doc, include_text=False), ensure_ascii=False)
    return decode_document(_row(doc, article_id), doc.text, meta, payload, article_id)


def test_round_trip_gives_what_the_plain_json_form_gave() -> None:
    doc = _full_document()
    payload = encode_annotations(doc)
    assert payload[0] == FORMAT_V1
    meta = json.dumps(dict(doc.meta), ensure_ascii=False)
    read = decode_document(_row(doc), doc.text, meta, payload, 7)
    expected = _plain_json_read(doc)
    assert read == expected
    assert json.dumps(document_to_dict(read)) == json.dumps(document_to_dict(expected))  # same key order too
    assert read.meta["article_id"] == 7 and read.published == dt.date(2016, 3, 1)
    assert read.mentions[7].text == "نص آخر"  # not what its offsets cover: kept
    assert read.mentions[3].attrs["value"] == "2016-03-01" and read.mentions[4].attrs["range"] == [5, 5]
    assert read.events[0].fields["at"] == [4, 9] and read.events[0].spans["location"][1] == Span(*_at("إدلب"))


def test_payload_holds_no_span_text_and_no_article_fields() -> None:
    doc = _full_document()
    payload = encode_annotations(doc)
    raw = zlib.decompressobj(zdict=codec._ZDICT_V1).decompress(payload[1:])
    stored = raw.decode("utf-8")
    assert "انتشلت" not in stored  # the evidence sentence is read from the text, not stored again
    assert "الدفاع المدني" not in stored and "معرة النعمان" in stored  # a place's name is an attribute value
    assert "الخوذ" in stored and "نص آخر" in stored  # texts the offsets do not give are kept
    assert "abc123" not in stored and "example.org" not in stored and '"attrs"' not in stored
    plain = json.dumps(document_to_dict(doc, include_text=False), ensure_ascii=False).encode()
    assert len(payload) * 3 < len(plain)


def test_older_plain_json_rows_and_missing_annotations_still_read() -> None:
    doc = _full_document()
    read = _plain_json_read(doc)
    assert read.mentions == document_from_dict(document_to_dict(doc)).mentions
    bare = decode_document(_row(doc), doc.text, None, None, 3)
    assert bare.mentions == () and bare.stages == () and bare.meta == {"article_id": 3} and bare.title == doc.title


def test_a_document_using_the_marker_key_is_stored_plain() -> None:
    doc = _full_document()
    for attrs, kind in (({"x": {"\x00t": 1, "start": 0, "end": 4}}, FORMAT_PLAIN), ({"\x00t": 1}, FORMAT_V1)):
        odd = doc.evolve(mentions=(Mention(0, 4, _TEXT[:4], "person", attrs=attrs),))
        payload = encode_annotations(odd)
        assert payload[0] == kind
        assert decode_document(_row(odd), odd.text, None, payload, 7) == decode_document(
            _row(odd), odd.text, None, json.dumps(document_to_dict(odd, include_text=False)), 7
        )


def test_summary_and_damaged_payloads() -> None:
    doc = _full_document()
    assert annotation_summary(encode_annotations(doc)) == (
        frozenset({"actor", "place", "time", "number", "person", "outlet"}),
        2,
    )
    assert annotation_summary(json.dumps(document_to_dict(doc, include_text=False)))[1] == 2
    assert annotation_summary(None) == (frozenset(), 0)
    with pytest.raises(CodecError, match="unknown format 9"):
        decode_document(_row(doc), doc.text, None, b"\x09abc", 7)
    with pytest.raises(CodecError, match="damaged"):
        decode_document(_row(doc), doc.text, None, bytes([FORMAT_V1]) + b"not zlib", 7)


def test_legacy_rows_are_packed_once() -> None:
    doc = _full_document()
    legacy = json.dumps(document_to_dict(doc, include_text=False), ensure_ascii=False)
    packed = pack_legacy(legacy, pack_text(doc.text))
    assert packed == encode_annotations(doc)
    assert pack_legacy(packed, doc.text) is packed and pack_legacy(None, doc.text) is None


def test_text_packing() -> None:
    assert unpack_text(pack_text(_TEXT)) == _TEXT
    assert unpack_text(_TEXT) == _TEXT and unpack_text(None) == "" and unpack_text(pack_text("")) == ""
    assert len(pack_text(_TEXT * 20)) < len((_TEXT * 20).encode()) / 5
    with pytest.raises(CodecError):
        unpack_text(b"\x07xyz")


def test_store_round_trip_and_damage(tmp_path: Path) -> None:
    doc = _full_document()
    store = SQLiteStore(tmp_path / "c.db")
    with store.transaction():
        article_id = store.add_document(doc, search_text="قصف", title_terms="غارات")
        assert article_id is not None
        store.save_annotations(article_id, doc)
    assert store.load_document(article_id) == _plain_json_read(doc, article_id)
    assert store.get_text(article_id) == _TEXT
    assert store.query("SELECT typeof(text), typeof(data) FROM articles JOIN annotations") == [("blob", "blob")]
    store.execute("UPDATE annotations SET data = ? WHERE article_id = ?", (b"\x05", article_id))
    with pytest.raises(StoreDamagedError, match=f"article {article_id}"):
        store.load_document(article_id)
    store.close()


def test_signatures_are_stored_at_32_bits_when_they_fit() -> None:
    narrow = np.array([0, 7, 2**32 - 1] * 4, dtype=np.uint64).tobytes()
    packed = pack_signature(narrow)
    assert len(packed) == 1 + 12 * 4 and unpack_signature(packed) == narrow
    wide = np.array([2**40, 3], dtype=np.uint64).tobytes()
    assert pack_signature(wide) == wide and unpack_signature(wide) == wide
    assert unpack_signature(narrow) == narrow  # older rows
    assert pack_signature(b"\x01\x02\x03") == b"\x01\x02\x03"  # not 64-bit values: kept as it is
