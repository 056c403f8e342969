"""Storing events, reading them back with filters, and the PLOVER evaluation helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.document import Document
from rasid.eval.events import EventDataError, evaluate, overlap_f1, read_plover_xml
from rasid.extract.event_index import index_events, load_events
from rasid.extract.events import EventStage
from rasid.stages import build_pipeline
from rasid.store.sqlite import SQLiteStore
from tests.extract.events import helpers

REPORT = (
    "قتل 6 مدنيين بقصف مدفعي على بلدة معرة مصرين يوم الأحد، بحسب الدفاع المدني.\n"
    "وفي سياق آخر، خرجت مظاهرة في مدينة إدلب يوم الجمعة 1 آذار للمطالبة بالإفراج عن المعتقلين.\n"
)


def analysed(text: str, published: dt.date) -> Document:
    doc = helpers.analysed(text, published, id="r1", origin="reports/r1.txt", content_hash="h1", language="ar")
    return EventStage()(doc)


def store_with_events(path: Path) -> tuple[SQLiteStore, Document]:
    store = SQLiteStore(path)
    doc = analysed(REPORT, dt.date(2024, 3, 5))
    with store.transaction():
        article_id = store.add_document(doc, search_text="", title_terms="")
        index_events(store, article_id, doc)
    return store, doc


def test_index_and_load_roundtrip(tmp_path: Path) -> None:
    store, doc = store_with_events(tmp_path / "e.db")
    rows = load_events(store)
    assert len(rows) == len(doc.events) == 2
    assert {r["event_type"] for r in rows} == {"Explosions/Remote violence", "Protests"}
    assert all(r["article"]["path"] == "reports/r1.txt" and r["article"]["id"] == 1 for r in rows)
    shelling = next(r for r in rows if r["event_type"] != "Protests")
    assert shelling["killed"]["total"] == 6 and shelling["date"] == "2024-03-03"
    # Re-indexing the same article replaces its rows.
    with store.transaction():
        index_events(store, 1, doc)
    assert len(load_events(store)) == 2
    store.close()


def test_load_filters(tmp_path: Path) -> None:
    store, _ = store_with_events(tmp_path / "e.db")
    assert [r["event_type"] for r in load_events(store, since="2024-03-02")] == ["Explosions/Remote violence"]
    assert [r["event_type"] for r in load_events(store, until="2024-03-02")] == ["Protests"]
    assert load_events(store, since="2025-01-01") == []
    assert load_events(store, actor="no such actor") == []
    store.close()


def test_overlap_f1() -> None:
    assert overlap_f1("قوات الأمن الباكستانية", "قوات الباكستانية الامن") == pytest.approx(1.0)
    assert overlap_f1("المتظاهرون", "متظاهرون غاضبون") == pytest.approx(2 / 3)
    assert overlap_f1("", "الطلاب") == 0.0


XML = """<?xml version='1.0' encoding='utf-8'?>
<Validation><Sentences>
<Sentence category="ASSAULT" id="a1"><EventText eid="0" eventtext="قتلت" sourcetext="قوات الامن" targettext="مسلحين" />
<EventCoding eid="0" plover="ASSAULT" /><Text>
قتلت قوات الامن خمسة مسلحين في اشتباكات عنيفة قرب الحدود.
</Text></Sentence>
<Sentence category="PROTEST" id="p1"><EventText eid="0" eventtext="اعتصم" sourcetext="العمال" targettext="" />
<EventCoding eid="0" plover="PROTEST" /><Text>
اعتصم العمال أمام مبنى الوزارة احتجاجا على تأخر الرواتب.
</Text></Sentence>
<Sentence category="PROTEST" id="p2"><EventText eid="0" eventtext="" sourcetext="" targettext="" />
<EventCoding eid="0" plover="PROTEST" /><Text>
ناقش المجلس الميزانية الجديدة للعام المقبل.
</Text></Sentence>
</Sentences>"""


def test_evaluate_on_handmade_xml(tmp_path: Path) -> None:
    path = tmp_path / "dev.xml"
    path.write_text(XML, encoding="utf-8")  # no closing root tag, like the public files
    sentences = read_plover_xml(path)
    assert [s.plover for s in sentences] == ["ASSAULT", "PROTEST", "PROTEST"]
    pipe = build_pipeline(["text", "entities"])
    stage = EventStage()
    result = evaluate([path], pipeline=lambda d: stage(pipe(d)))
    assert result["per_type"]["ASSAULT"]["tp"] == 1
    assert result["per_type"]["PROTEST"]["tp"] == 1 and result["per_type"]["PROTEST"]["fn"] == 1
    assert result["per_type"]["PROTEST"]["precision"] == 1.0
    assert result["overall"]["source_actor_n"] >= 1


def test_bad_xml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text("<Validation></Validation>", encoding="utf-8")
    with pytest.raises(EventDataError, match=r"empty\.xml"):
        read_plover_xml(path)


SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "events"


@pytest.mark.skipif(not (SHARED / "plover_protest_dev.xml").exists(), reason="shared PLOVER data absent")
def test_public_plover_files_parse() -> None:
    sentences = read_plover_xml(SHARED / "plover_protest_dev.xml")
    assert len(sentences) > 100 and {s.plover for s in sentences} == {"PROTEST"}
