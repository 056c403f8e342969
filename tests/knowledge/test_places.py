"""Tests for the places knowledge base (rasid.knowledge.places) and its builder."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from rasid.knowledge.places import (
    LAT_RANGE,
    LON_RANGE,
    PLACE_TYPES,
    PLACES_CSV,
    PlaceDataError,
    load_countries,
    load_places,
    normalize_name,
    read_places,
)

SHARED_GAZETTEER = Path(__file__).parents[2] / ".." / "shared" / "data" / "gazetteer"
# Letters that exist in Persian/Kurdish/Urdu script but not in Arabic.
NON_ARABIC_LETTERS = re.compile("[پچژگکیەہۆێڕڵ]|[A-Za-z]")


@pytest.fixture(scope="module")
def kb():
    return load_places()


def test_at_least_500_places_and_all_governorates(kb):
    assert len(kb) >= 500
    govs = [p for p in kb if p.type == "governorate" and p.country == "SYR"]
    assert len(govs) == 14
    assert {g.admin1 for g in govs} == {g.name_en for g in govs}
    districts = [p for p in kb if p.type == "district"]
    assert len([d for d in districts if d.country == "SYR"]) >= 60
    assert all(kb.get(d.parent).type == "governorate" for d in districts)


def test_coordinates_inside_their_country_and_fields_valid(kb):
    countries = load_countries()
    for p in kb:
        assert p.type in PLACE_TYPES, p.id
        assert countries[p.country].contains(p.lat, p.lon), p.id
        if p.type == "country":
            continue
        if p.country == "SYR":
            assert LAT_RANGE[0] <= p.lat <= LAT_RANGE[1], p.id
            assert LON_RANGE[0] <= p.lon <= LON_RANGE[1], p.id
        assert p.precision in (1, 2)
        assert p.geo_precision in (1, 2, 3)
        in_country = kb.get(p.parent).type == "country" if p.parent else False
        assert p.admin1 or p.type in ("road", "region") or in_country, p.id


def test_names_are_arabic_script_only(kb):
    for p in kb:
        for name in p.names:
            # Road and airbase names may carry a Latin code ("M5", "T4"); nothing else may.
            if p.type in ("road", "airport"):
                name = re.sub(r"\b[MT]\d\b", "", name)
            assert not NON_ARABIC_LETTERS.search(name), (p.id, name)


def test_every_settlement_has_admin2(kb):
    missing = [p.id for p in kb if p.type in ("city", "town", "village") and not p.admin2 and p.country == "SYR"]
    assert missing == []


def test_aleppo_neighbourhoods_and_landmarks(kb):
    aleppo = kb.get("gn-170063")
    assert aleppo is not None and aleppo.type == "city"
    hoods = [p for p in kb.children(aleppo.id) if p.type == "neighbourhood"]
    assert len(hoods) >= 40
    names = {normalize_name(n) for p in hoods for n in p.names}
    for name in ["الخالدية", "الحمدانية", "الشيخ مقصود", "الأشرفية", "الزبدية", "المشهد", "الجميلية"]:
        assert normalize_name(name) in names, name
    for landmark in ["قلعة حلب", "مطار حلب الدولي", "أكاديمية الأسد", "الطريق الدولي M5", "قاعدة حميميم"]:
        found = kb.lookup(landmark)
        assert found, landmark
        assert found[0].type in ("landmark", "airport", "base", "road")


def test_inherited_coordinates_are_marked_coarse(kb):
    inherited = [p for p in kb if p.parent and p.type not in ("governorate", "district")]
    for p in inherited:
        parent = kb.get(p.parent)
        # Outside Syria a first-level area takes its capital's point, not the other way round.
        capital = p.country != "SYR" and parent.type == "governorate"
        if (p.lat, p.lon) == (parent.lat, parent.lon) and p.source == "extra" and not capital:
            assert p.precision == 2, p.id


def test_lookup_normalises_and_ranks_city_first(kb):
    assert kb.lookup("حلب")[0].type == "city"
    assert kb.lookup("حَلَب")[0].id == kb.lookup("حلب")[0].id
    # Hamza folding and optional article.
    assert kb.lookup("اعزاز")[0].id == kb.lookup("إعزاز")[0].id
    assert kb.lookup("أتارب")[0].id == kb.lookup("الأتارب")[0].id
    assert kb.lookup("مكان لا وجود له") == []


def test_hierarchy(kb):
    chain = [c.type for c in kb.containers("sy-aleppo-khalidiyah")]
    assert chain == ["city", "district", "governorate", "country"]
    assert kb.governorate_of("sy-aleppo-khalidiyah").id == "gov-aleppo"
    assert kb.get("gn-174030") in kb.children(kb.get("gn-174030").parent)
    index = kb.name_index()
    assert "sy-aleppo-airport" in index[normalize_name("مطار حلب الدولي")]
    # Running-text index keeps the article: "حول" (around) must not find الحول/الهول.
    assert "حول" not in index


def test_shared_names_across_governorates(kb):
    khalidiyah = {p.admin1 for p in kb.lookup("الخالدية")}
    assert {"Aleppo", "Homs"} <= khalidiyah


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with PLACES_CSV.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _good_row(**changes: str) -> dict[str, str]:
    row = {
        "id": "t-1",
        "name_ar": "قرية",
        "name_en": "Test",
        "variants": "",
        "lat": "35.0",
        "lon": "37.0",
        "admin1": "Hama",
        "admin1_ar": "حماة",
        "admin2": "",
        "admin2_ar": "",
        "type": "village",
        "parent": "",
        "precision": "1",
        "geo_precision": "1",
        "population": "0",
        "source": "test",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": "48.0"}, "outside Syria"),
        ({"lat": "north"}, "bad number"),
        ({"type": "planet"}, "unknown type"),
        ({"parent": "nowhere"}, "unknown parent"),
        ({"precision": "5"}, "precision"),
        ({"country": "XYZ"}, "unknown country"),
        ({"country": "YEM"}, "outside Yemen"),
    ],
)
def test_bad_rows_are_reported_with_file_and_row(tmp_path, change, message):
    path = tmp_path / "bad_places.csv"
    _write(path, [_good_row(id="t-0"), _good_row(**change)])
    with pytest.raises(PlaceDataError) as err:
        read_places(path)
    assert message in str(err.value)
    assert "bad_places.csv" in str(err.value)
    if message not in ("unknown parent",):
        assert "row 3" in str(err.value)


def test_good_file_loads(tmp_path):
    path = tmp_path / "ok.csv"
    _write(path, [_good_row(id="t-0"), _good_row(id="t-2", parent="t-0")])
    base = read_places(path)
    assert len(base) == 2
    assert [p.id for p in base.containers("t-2")] == ["t-0"]


@pytest.mark.skipif(not SHARED_GAZETTEER.is_dir(), reason="../shared gazetteer not available")
def test_build_is_reproducible_and_filters_persian_spellings():
    from rasid.knowledge.build_places import build

    rows = build(SHARED_GAZETTEER)
    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        committed = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [r["id"] for r in committed]
    assert [str(r["variants"]) for r in rows] == [r["variants"] for r in committed]
    gn = Counter(r["source"] for r in rows)
    assert gn["geonames"] >= 300
    qamishli = next(r for r in rows if r["id"] == "gn-173377")
    assert "قامشلی" not in qamishli["variants"]
    assert "القامشلي" in (qamishli["name_ar"], *qamishli["variants"].split("|"))
