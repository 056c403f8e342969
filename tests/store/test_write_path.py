"""The store's write path: what gets serialised, copied and read back for one article (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from rasid.document import Document, Event, Mention, Span
from rasid.extract.events import event_record
from rasid.indexing import index_article
from rasid.serialize import document_to_dict, pack_record, record_text

TEXT = "قتل مدنيان جراء قصف مدفعي استهدف بلدة كفرنبل جنوبي إدلب صباح الخميس."


def _doc() -> Document:
    place_attrs = {"lat": 35.61, "lon": 36.56, "admin1": "إدلب", "geo_precision": 1, "container_id": None}
    return Document(
        id="a-test",
        text=TEXT,
        title="قصف على كفرنبل",
        published=dt.date(2024, 3, 7),
        language="ar",
        content_hash="h1",
        meta={"flags": [], "input": "text", "seen": dt.date(2024, 3, 8)},
        mentions=(
            Mention(36, 42, "كفرنبل", "place", "sy-kafranbel", 0.9, place_attrs),
            # A read-only mapping holding a date, a Span, a set, nested tuples and non-str keys.
            Mention(
                60,
                65,
                "الخميس",
                "time",
                None,
                1.0,
                types.MappingProxyType(
                    {"value": dt.date(2024, 3, 7), "span": Span(60, 65), "kinds": frozenset({"day"}), 3: (1, (2,))}
                ),
            ),
            Mention(4, 10, "مدنيان", "actor", "civilians", 1.0, types.MappingProxyType({"side": "civilian"})),
        ),
        events=(
            Event(
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
                fields={"killed": {"total": 2, "civilians": 2}, "date": dt.date(2024, 3, 7), "assoc_actors": []},
                spans={"killed": (Span(0, 10),), "location": (Span(36, 42), Span(48, 52))},
                confidence=0.8,
            ),
        ),
        stages=("text", "entities", "events"),
    )


def test_annotation_dict_converts_every_value_type() -> None:
    data = document_to_dict(_doc(), include_text=False)
    assert data["meta"] == {"flags": [], "input": "text", "seen": "2024-03-08"}
    assert data["mentions"][0]["attrs"] == {
        "lat": 35.61,
        "lon": 36.56,
        "admin1": "إدلب",
        "geo_precision": 1,
        "container_id": None,
    }
    assert data["mentions"][1]["attrs"] == {"value": "2024-03-07", "span": [60, 65], "kinds": ["day"], "3": [1, [2]]}
    assert data["mentions"][2]["attrs"] == {"side": "civilian"}
    event = data["events"][0]
    assert event["fields"] == {"killed": {"total": 2, "civilians": 2}, "date": "2024-03-07", "assoc_actors": []}
    assert event["spans"] == {"killed": [[0, 10]], "location": [[36, 42], [48, 52]]}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_annotation_dict_never_shares_containers_with_the_document() -> None:
    doc = _doc()
    data = document_to_dict(doc)
    data["mentions"][0]["attrs"]["lat"] = 0.0
    data["events"][0]["fields"]["killed"]["total"] = 99
    data["meta"]["flags"].append("changed")
    assert doc.mentions[0].attrs["lat"] == 35.61
    assert doc.events[0].fields["killed"]["total"] == 2
    assert doc.meta["flags"] == []


def test_stored_article_reads_back_with_its_annotations(new_store: Callable[[], Any]) -> None:
    doc = _doc()
    with new_store() as store:
        with store.transaction():
            article_id = store.add_document(doc, search_text="قتل مدني قصف كفرنبل", title_terms="قصف كفرنبل")
            store.save_annotations(article_id, doc)
            index_article(store, article_id, doc)
        back = store.load_document(article_id)
        assert back.text == TEXT and back.published == dt.date(2024, 3, 7)
        assert [(m.start, m.end, m.type, m.kb_id) for m in back.mentions] == [
            (m.start, m.end, m.type, m.kb_id) for m in doc.mentions
        ]
        assert back.mentions[1].attrs["span"] == [60, 65]
        assert back.events[0].spans["location"] == (Span(36, 42), Span(48, 52))
        assert json.loads(store.query("SELECT meta FROM articles")[0][0])["seen"] == "2024-03-08"
        # Only entity types are indexed; a read-only mapping is still written as a JSON object.
        rows = store.query(
            "SELECT m.type, m.kb_id, t.attrs FROM mentions m JOIN mention_attrs t ON t.id = m.attrs_id ORDER BY m.id"
        )
        assert [(r[0], r[1]) for r in rows] == [("place", "sy-kafranbel"), ("actor", "civilians")]
        assert json.loads(rows[0][2])["admin1"] == "إدلب"
        assert json.loads(rows[1][2]) == {"side": "civilian"}
        assert store.search(["كفرنبل"]) and store.search(["كفرنبل"])[0][0] == article_id


def test_signatures_come_back_in_the_order_asked_across_chunks(new_store: Callable[[], Any]) -> None:
    with new_store() as store:
        ids = []
        with store.transaction():
            for i in range(620):
                doc = Document(id=f"d{i}", text=f"نص رقم {i}", content_hash=f"h{i}", language="ar")
                article_id = store.add_document(doc, search_text="نص", title_terms="")
                store.save_signature(article_id, np.full(4, i, dtype=np.uint64).tobytes(), [])
                ids.append(article_id)
        wanted = [*reversed(ids[:600]), 10_000]  # past one chunk of ids, plus one that does not exist
        found = store.signatures(wanted)
        assert list(found) == wanted[:-1]
        assert np.frombuffer(found[ids[3]], dtype=np.uint64).tolist() == [3, 3, 3, 3]
        assert store.signatures([]) == {}


def test_event_rows_hold_the_record_as_json_dumps_writes_it(new_store: Callable[[], Any]) -> None:
    doc = _doc()
    with new_store() as store:
        with store.transaction():
            article_id = store.add_document(doc, search_text="قصف كفرنبل", title_terms="")
            index_article(store, article_id, doc)
            index_article(store, article_id, doc)  # indexing again replaces the rows
        rows = store.query("SELECT event_index, record FROM events WHERE article_id = ?", (article_id,))
    # The shared encoder writes the same text as json.dumps with the same options (dates via str),
    # stored compressed.
    text = json.dumps(event_record(doc.events[0]), ensure_ascii=False, default=str)
    assert rows == [(0, pack_record(text))] and record_text(rows[0][1]) == text
    assert "2024-03-07" in text and "\\u" not in text


def test_signature_saved_again_keeps_one_row_per_bucket(new_store: Callable[[], Any]) -> None:
    with new_store() as store:
        with store.transaction():
            article_id = store.add_document(_doc(), search_text="نص", title_terms="")
            keys = [(0, b"\x01\x02"), (1, b"\x01\x02"), (2, b"\x09")]
            store.save_signature(article_id, b"old", keys)
            store.save_signature(article_id, b"new", keys)
            store.save_annotations(article_id, _doc())
            store.save_annotations(article_id, _doc().evolve(stages=("text",)))
        assert store.signatures([article_id]) == {article_id: b"new"}
        assert store.query("SELECT COUNT(*) FROM lsh_bands")[0][0] == 3
        assert store.band_candidates([(1, b"\x01\x02")]) == [article_id]
        assert store.band_candidates([(3, b"\x01\x02")]) == []
        assert store.query("SELECT stages FROM annotations") == [("text",)]
