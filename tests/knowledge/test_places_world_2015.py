"""Places the 2015 war reports name that the gazetteer used to miss, their namesakes and the names
that are also common words (rasid/knowledge/data/places_world.yaml, places_extra.yaml)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from rasid.knowledge.build_places import DEFAULT_GAZETTEER, OUT_PATH, build
from rasid.knowledge.geocode import GeoResult, resolve_phrase, resolve_sentences
from rasid.knowledge.places import load_places

ROOT = Path(__file__).resolve().parents[2]


def _places(text: str) -> list[GeoResult]:
    return [r for _, _, r in resolve_phrase(text)]


def _one(text: str) -> GeoResult:
    found = _places(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "place_id", "admin1"),
    [
        ("قصفت المدفعية قرية حسن شامي شمال أربيل", "iq-hasan-sham", "Erbil"),
        ("انفجرت عبوة في منطقة سبع البور شمالي بغداد", "iq-sabaa-bour", "Baghdad"),
        ("غارات على معسكر لبوزة في محافظة لحج", "ye-labouza", "Lahij"),
        ("اشتباكات عنيفة في جبهة ماس بمديرية مجزر", "ye-mas", "Marib"),
        ("انفجرت عبوة ناسفة في قرية أبو العرج جنوب الشيخ زويد", "eg-abu-araj", "North Sinai"),
        ("سيطر المقاتلون الأكراد على بلدة صرين جنوب عين العرب", "sy-sarrin", "Aleppo"),
        ("دارت معارك في قرية تل واسط بسهل الغاب", "sy-tell-wasit", "Hama"),
        ("قصف الطيران بلدة قرقور في ريف إدلب", "sy-qarqur", "Idlib"),
        ("هاجم مسلحون مخفرا للدرك في قضاء دوغو بيازيد بولاية أغري", "tr-dogubayazit", "Agri"),
        ("قتل العشرات في تفجير بمدينة سوروتش جنوب تركيا", "tr-suruc", "Sanliurfa"),
        ("اشتبكت القوات مع المسلحين في حي الصابري ببنغازي", "ly-sabri", "Benghazi"),
        ("استهدف هجوم انتحاري مخفر قره بولاك شرق تركيا", "tr-karabulak", "Agri"),
        ("قصفت قوات النظام بلدة كفرنوران في ريف حلب الغربي", "sy-kafr-nuran", "Aleppo"),
    ],
)
def test_a_place_of_the_2015_reports_is_found(text: str, place_id: str, admin1: str) -> None:
    res = _one(text)
    assert res.place_id == place_id
    assert res.admin1 == admin1


def test_husaybah_east_of_ramadi_and_husaybah_near_al_qaim_are_told_apart() -> None:
    assert _one("تقدمت الشرطة الاتحادية في منطقة حصيبة الشرقية").place_id == "iq-husaybah-sharqiyah"
    # The container says which Husaybah: east of Ramadi ...
    found = _places("قصفت الطائرات منطقتي حصيبة وجويبة شرق الرمادي")
    assert [r.place_id for r in found] == ["iq-husaybah-sharqiyah", "iq-juwaybah"]
    assert found[0].container_id == "iq-ramadi"
    # ... or on the Syrian border, where a bare "حصيبة" stays the Al Qaim town.
    assert _one("قصف على حصيبة غرب الأنبار").place_id in ("iq-qaim", "iq-husaybah")
    kb = load_places()
    assert {p.id for p in kb.lookup("حصيبة")} >= {"iq-qaim", "iq-husaybah", "iq-husaybah-sharqiyah"}


def test_a_list_of_lahij_villages_after_one_cue() -> None:
    found = _places("سيطرت المقاومة على منطقة الرباط والفيوش ومنطقة المحلة وجلاجل")
    assert [r.place_id for r in found] == ["ye-ribat", "ye-fayush", "ye-mahalla-lahij", "ye-jalajil"]
    # Without a cue the same names are a city of Morocco, a surname, an Egyptian city.
    assert _places("وصل المهندس فهد الجلاجل إلى الرباط") == []
    assert [r.place_id for r in _places("أضرب العمال في مدينة المحلة الكبرى")] == ["eg-mahalla-kubra"]


def test_a_ghab_village_and_its_foreign_or_distant_namesakes() -> None:
    # Hawija (Kirkuk) and the Ghab village share a name: the container or the article decides.
    res = _one("قصف الطيران قرية الحويجة في سهل الغاب")
    assert (res.place_id, res.country, res.admin1) == ("sy-huwayjah-ghab", "Syria", "Hama")
    found = resolve_sentences(["اشتباكات جنوب كركوك", "وقتل خمسة في الحويجة"])
    assert found[1][0][2].place_id == "iq-hawija"
    # Al Mansurah of the Ghab, not of Raqqa, when Hama is named.
    assert _one("قصف على قرية المنصورة بريف حماة").place_id == "sy-mansurah-ghab"


@pytest.mark.parametrize(
    "text",
    [
        "ارتدى الشرطي سترة واقية من الرصاص",  # Sitra (Bahrain) / a vest
        "وأكد الحسيني أن الوضع هادئ",  # Al Husayni (Lahij) / a surname
        "قال إن مديرا جديدا عين للمدرسة",  # Mudayra (Rif Dimashq) / "as a director"
        "أدى الممثل دورين مهمين",  # Durin (Latakia) / "two roles"
        "وقدم التعزية لأسر الضحايا",  # At Taiziyah (Taizz) / condolence
    ],
)
def test_a_new_name_that_is_a_common_word_is_not_taken_alone(text: str) -> None:
    assert _places(text) == []


def test_a_common_word_name_is_taken_after_a_cue() -> None:
    assert _one("انفجرت عبوة في منطقة سترة").place_id == "bh-sitra"
    assert _one("سقطت قذيفة على مديرية التعزية").place_id == "ye-taiziyah"


def test_the_committed_places_csv_is_the_build_of_its_sources() -> None:
    if not DEFAULT_GAZETTEER.is_dir():
        pytest.skip("shared GeoNames gazetteer not available")
    rows = build(DEFAULT_GAZETTEER)
    assert rows == build(DEFAULT_GAZETTEER)  # deterministic
    with OUT_PATH.open(encoding="utf-8", newline="") as fh:
        committed = list(csv.DictReader(fh))
    assert [r["id"] for r in committed] == [r["id"] for r in rows]
    assert committed == [{k: str(v) for k, v in r.items()} for r in rows]


def _miner_module() -> ModuleType:
    path = ROOT / "scripts" / "unknown_places.py"
    spec = importlib.util.spec_from_file_location("unknown_places", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["unknown_places"] = module
    spec.loader.exec_module(module)
    return module


def test_the_miner_reports_unknown_names_after_a_cue_and_skips_known_ones() -> None:
    mod: Any = _miner_module()
    miner = mod.Miner(load_places())
    miner.scan("a", "سيطر المسلحون على قرية زنبقان الشرقية وقصفوا قرية حسن شامي شمال أربيل")
    miner.scan("b", "وتواصلت المعارك في بلدة زنبقان أمس")
    assert "زنبقان" in miner.found
    assert miner.found["زنبقان"].articles == {"a", "b"}
    assert not any("حسن" in name for name in miner.found)
    # "X شمال <known place>": the name before a direction from a known place.
    miner.scan("c", "انفجرت سيارة في كفرنوبلان شمال بغداد")
    assert "كفرنوبلان" in miner.found


def test_riyadh_is_a_place_after_a_preposition_and_the_newspaper_otherwise() -> None:
    from rasid.knowledge.geocode import resolve_phrase

    assert [g.place_id for _s, _e, g in resolve_phrase("وعقد الاجتماع في الرياض أمس")] == ["sa-riyadh-city"]
    assert not resolve_phrase("ونقلت صحيفة الرياض عن مصدر أمني أن الهجوم فشل")
