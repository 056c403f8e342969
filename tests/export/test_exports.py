"""ACLED CSV, PLOVER JSON and GeoJSON exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from rasid.document import Document, Mention
from rasid.export import ACLED_COLUMNS, plover_records, to_geojson, write_acled
from rasid.extract.event_index import index_events, load_events
from rasid.extract.events import EventStage, event_record
from rasid.stages import build_pipeline
from rasid.store.sqlite import SQLiteStore
from rasid.text.stage import TextStage

TEXT = "قتل 5 مدنيين بينهم طفلان بقصف مدفعي على بلدة سراقب يوم الأحد، بحسب الدفاع المدني.\n"


def located_doc() -> Document:
    doc = build_pipeline(["text", "entities"])(
        Document(id="x", text=TEXT, published=dt.date(2024, 3, 5), origin="a/x.txt", content_hash="hx")
    )
    kept = tuple(m for m in doc.mentions if m.type in ("number", "time"))
    start = TEXT.index("سراقب")
    place = Mention(start, start + 5, "سراقب", "place", "gn-164816",  # the gazetteer's Saraqib
                    attrs={"lat": 35.86, "lon": 36.8, "admin1": "Idlib", "admin2": "Idlib", "geo_precision": 1,
                           "name_en": "Saraqib"})
    return EventStage()(doc.evolve(mentions=tuple(sorted((*kept, place), key=lambda m: m.start))))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ev.db"
    store = SQLiteStore(path)
    doc = located_doc()
    with store.transaction():
        aid = store.add_document(doc, search_text="", title_terms="")
        index_events(store, aid, doc)
    store.close()
    return path


def records(db: Path) -> list[dict]:
    store = SQLiteStore(db)
    try:
        return load_events(store)
    finally:
        store.close()


def test_acled_csv_has_acled_columns(db: Path) -> None:
    buf = io.StringIO()
    assert write_acled(records(db), buf) == 1
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == ACLED_COLUMNS
    row = rows[0]
    assert row["event_type"] == "Explosions/Remote violence" and row["fatalities"] == "5"
    assert row["event_date"] == "2024-03-03" and row["time_precision"] == "1"
    assert row["location"] == "Saraqib" and float(row["latitude"]) == pytest.approx(35.86)
    assert row["civilian_targeting"] == "Civilian targeting"


def test_geojson_feature_collection(db: Path) -> None:
    fc = to_geojson(records(db))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1
    feature = fc["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (36.8, 35.86)
    assert to_geojson([{"location": None}])["features"] == []


def test_plover_records(db: Path) -> None:
    [rec] = plover_records(records(db))
    assert rec["event_type"] == "ASSAULT" and rec["fatalities"] == 5
    assert rec["location"]["lat"] == 35.86 and rec["story_id"] == 1


def doc_records(doc: Document) -> list[dict]:
    return [event_record(e) for e in doc.events]


def test_acled_notes_name_a_denial_and_the_denier() -> None:
    text = "قصفت قوات النظام أحياء مدينة جسر الشغور بالمدفعية الثقيلة، فيما نفت قوات النظام ذلك.\n"
    doc = TextStage()(Document(id="d", text=text, published=dt.date(2024, 3, 5)))
    start = text.index("قوات النظام")
    second = text.index("قوات النظام", start + 1)
    actors = tuple(
        Mention(s, s + len("قوات النظام"), "قوات النظام", "actor", "saa",
                attrs={"side": "government", "inter": 1, "acled_name": "Military Forces of Syria (2000-2024)"})
        for s in (start, second)
    )
    doc = EventStage()(doc.evolve(mentions=actors, stages=("text", "entities")))
    buf = io.StringIO()
    write_acled(doc_records(doc), buf)
    row = next(csv.DictReader(io.StringIO(buf.getvalue())))
    # The side that denies is not coded as the perpetrator: the shelling's is unknown.
    assert row["actor1"] == "Unidentified Armed Group (Syria)"
    assert row["notes"].startswith("[denied: نفت by Military Forces of Syria (2000-2024)]")
    plover = plover_records(doc_records(doc))[0]
    assert plover["hedge_kind"] == "denial" and plover["denied_by"] == ["Military Forces of Syria (2000-2024)"]
