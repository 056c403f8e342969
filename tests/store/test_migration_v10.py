"""Migration 10 (compact annotations, compressed texts, a contentless full-text index) converts a
database written before it.

The v9 file is made here: the schema of migrations 1-9, and rows in the form a v9 release wrote them
(plain texts, annotations as plain JSON text). Opened by today's store it is converted, and every
article reads back as it did.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import rasid.store.sqlite as sqlite_module
from rasid.document import Document, Event, Mention, Sentence
from rasid.extract.event_index import load_events
from rasid.serialize import document_to_dict, load_record
from rasid.store.codec import encode_annotations
from rasid.store.migrations import MIGRATIONS
from rasid.store.sqlite import SQLiteStore

_TEXTS = (
    "أعلنت وزارة الصحة في دمشق ارتفاع حصيلة ضحايا الانفجار إلى سبعة قتلى.",
    "تظاهر مئات الأشخاص في مدينة إدلب يوم الجمعة للمطالبة بالإفراج عن المعتقلين.",
    "وصل وفد من الأمم المتحدة إلى حلب صباح اليوم.",
)


def _doc(i: int) -> Document:
    text = _TEXTS[i]
    city = ("دمشق", "إدلب", "حلب")[i]
    start = text.index(city)
    mentions = (
        Mention(start, start + len(city), city, "place", f"sy-{i}", 0.9, {"name": city, "lat": 33.5 + i}),
        Mention(0, 5, text[:5], "person", None, 0.6, {}),
    )
    events = (
        (Event("Explosions/Remote violence", "Remote explosive/landmine/IED",
               {"evidence": {"text": text, "start": 0, "end": len(text)}, "killed": 7}, {}, 0.7),)
        if i == 0
        else ()
    )
    return Document(
        id=f"v9-{i}", text=text, title=f"خبر {i}", source="sana", origin=f"old.jsonl:{i}", url=None,
        published=dt.date(2016, 5, i + 1), language="ar", content_hash=f"hash{i}", meta={"input": "text"},
        sentences=(Sentence(0, len(text), 0),), mentions=mentions, events=events, stages=("text", "entities", "events"),
    )


_RECORD = {"event_type": "Explosions/Remote violence", "date": "2016-05-01", "killed": 7, "actor1": None}


def _signature(i: int) -> bytes:
    # As v9 stored them: 32-bit hash values widened to 64 bits.
    return np.arange(1000 * i, 1000 * i + 128, dtype=np.uint64).tobytes()


def _write_v9(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:9])
        SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 9
    for i in range(len(_TEXTS)):
        doc = _doc(i)
        conn.execute(
            "INSERT INTO articles (id, doc_id, content_hash, origin, url, source, title, published, language, length,"
            " text, meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (i + 1, doc.id, doc.content_hash, doc.origin, doc.url, doc.source, doc.title, doc.published.isoformat()
             if doc.published else None, doc.language, len(doc.text), doc.text, json.dumps(dict(doc.meta)), "2024-01-01"),
        )
        conn.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (i + 1, doc.title, doc.text))
        conn.execute("INSERT INTO minhash (article_id, signature) VALUES (?, ?)", (i + 1, _signature(i)))
        if doc.events:  # as index_events wrote it: the record's JSON text
            conn.execute(
                "INSERT INTO events (article_id, event_index, event_type, sub_event_type, event_date, place_key,"
                " actor_key, record) VALUES (?, 0, ?, ?, ?, '', '', ?)",
                (i + 1, doc.events[0].event_type, doc.events[0].sub_event_type, "2016-05-01", json.dumps(_RECORD)),
            )
        if i < 2:  # the third article was stored but never annotated
            data = json.dumps(document_to_dict(doc, include_text=False), ensure_ascii=False)
            conn.execute("INSERT INTO annotations (article_id, stages, data) VALUES (?, ?, ?)", (i + 1, "x", data))
    conn.commit()
    conn.close()


def test_v9_database_is_converted_and_reads_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v9.db"
    _write_v9(path, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:9])
        old = SQLiteStore(path, create=False)
        before = [old.load_document(i) for i in (1, 2, 3)]
        before_texts = [old.get_text(i) for i in (1, 2, 3)]
        old.close()
    assert before[0].events and before[2].mentions == ()

    store = SQLiteStore(path, create=False)
    assert store.schema_version() == len(MIGRATIONS) >= 10
    assert store.query("SELECT typeof(data), stages FROM annotations ORDER BY article_id") == [("blob", "x")] * 2
    assert store.query("SELECT DISTINCT typeof(text) FROM articles") == [("blob",)]
    assert [store.load_document(i) for i in (1, 2, 3)] == before
    assert [store.get_text(i) for i in (1, 2, 3)] == before_texts == list(_TEXTS)
    # Converted rows are what the store writes today.
    assert store.query("SELECT data FROM annotations WHERE article_id = 1")[0][0] == encode_annotations(before[0])
    assert store.search(["حلب"]) and store.search(["حلب"])[0][0] == 3
    # The index keeps no copy of its terms; they are kept, compressed, beside it.
    assert store.search_terms_of([1, 2, 3]) == {i + 1: (_doc(i).title, _TEXTS[i]) for i in range(3)}
    assert store.query("SELECT rowid, title, body FROM articles_fts ORDER BY rowid") == [(i, None, None) for i in (1, 2, 3)]
    assert store.query("SELECT term, doc FROM articles_vocab WHERE term = 'حلب'") == [("حلب", 1)]
    # Terms replaced later are forgotten by the index.
    with store.transaction():
        store.set_search_terms(3, "وفد", "وصل وفد اممي الى حماه")
    assert store.search(["حلب"]) == [] and store.search(["حماه"])[0][0] == 3
    assert store.query("SELECT term, doc FROM articles_vocab WHERE term IN ('حلب', 'حماه')") == [("حماه", 1)]
    assert store.query("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)") == []
    assert store.query("PRAGMA integrity_check") == [("ok",)]
    assert store.query("PRAGMA foreign_key_check") == []
    assert store.signatures([1, 2, 3]) == {i + 1: _signature(i) for i in range(3)}
    # Event records: compressed, read back as written; the table's indexes are there again.
    (record,) = store.query("SELECT record FROM events")[0]
    assert isinstance(record, bytes) and load_record(record) == _RECORD
    assert [e["killed"] for e in load_events(store)] == [7]
    indexes = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")}
    assert indexes == {"events_article", "events_date", "events_place", "events_scan", "events_unkeyed"}
    assert store.query("SELECT DISTINCT length(signature) FROM minhash") == [(1 + 128 * 4,)]
    store.close()
    # Opening again changes nothing.
    again = SQLiteStore(path, create=False)
    assert [again.load_document(i) for i in (1, 2, 3)] == before
    again.close()
