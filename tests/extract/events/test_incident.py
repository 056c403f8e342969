"""Reportable incidents and round-ups: what the exports hold, and one event per place hit.

Fixtures are short reports written for these tests, run through the real text, entity and event stages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.document import Document
from rasid.extract.events import event_record
from rasid.extract.events.incident import is_incident
from rasid.extract.events.incident_rules import IncidentRulesError, read_rules
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2024, 3, 9)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return build_pipeline(["text", "entities", "events"])


def records(pipeline: Pipeline, text: str) -> list[dict]:
    return [event_record(e) for e in pipeline(Document(id="t", text=text, published=PUBLISHED)).events]


def test_a_located_strike_today_is_an_incident(pipeline: Pipeline) -> None:
    recs = records(pipeline, "قصفت طائرات النظام مدينة أريحا في ريف إدلب اليوم، ما أدى إلى مقتل ثلاثة مدنيين.")
    assert recs and all(r["special"] == [] and is_incident(r) for r in recs)


def test_an_attack_recalled_from_years_ago_is_background(pipeline: Pipeline) -> None:
    recs = records(pipeline, "وكانت طائرات النظام قد قصفت مدينة أريحا في ريف إدلب عام 2019، ما أدى إلى مقتل ثلاثة مدنيين.")
    assert recs
    assert all("background" in r["special"] and not is_incident(r) for r in recs)


def test_a_report_located_only_by_a_country_is_set_aside(pipeline: Pipeline) -> None:
    recs = records(pipeline, "قتل خمسة جنود في هجوم على حاجز للجيش في سوريا اليوم.")
    assert recs
    assert all(not is_incident(r) and {"country_only", "no_place"} & set(r["special"]) for r in recs)


def test_round_up_gives_one_event_per_village(pipeline: Pipeline) -> None:
    recs = records(pipeline, "وتعرضت بلدتا أريحا وسراقب في ريف إدلب لقصف جوي مكثف اليوم.")
    places = sorted((r["location"] or {}).get("name_en") or "" for r in recs if is_incident(r))
    assert len(places) == 2 and places[0] != places[1]
    # a toll told for the whole list belongs to neither village
    assert all(r["killed"] is None for r in recs)


def test_places_in_different_roles_are_no_round_up(pipeline: Pipeline) -> None:
    recs = records(pipeline, "قصفت طائرات النظام مدينة أريحا بصواريخ انطلقت من مطار حماة العسكري اليوم.")
    located = {(r["location"] or {}).get("place_id") for r in recs if is_incident(r)}
    assert len(located) == 1


def test_records_stored_before_the_rules_count_by_their_background_flag() -> None:
    assert is_incident({"event_type": "Battles"})
    assert not is_incident({"event_type": "Battles", "background": True})


def test_rules_file_errors_name_the_file_and_key(tmp_path: Path) -> None:
    good = Path(__file__).resolve().parents[3] / "rasid" / "extract" / "data" / "incident_rules.yaml"
    text = good.read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_text(text + "\nunknown_rule: 3\n", encoding="utf-8")
    with pytest.raises(IncidentRulesError, match=r"rules\.yaml: unknown key 'unknown_rule'"):
        read_rules(bad)
    bad.write_text(text.replace("max_days_after_publication: 1", "max_days_after_publication: -2"), encoding="utf-8")
    with pytest.raises(IncidentRulesError, match="max_days_after_publication"):
        read_rules(bad)


def test_round_up_of_villages_no_gazetteer_knows(pipeline: Pipeline) -> None:
    # Invented village names: each is its own incident, located at the plain the list is in.
    recs = records(
        pipeline,
        "ودارت اشتباكات عنيفة اليوم في محيط قرى الزعرورية وخربة الوردات والقصيبات في سهل الغاب بين قوات النظام "
        "وفصائل المعارضة.",
    )
    located = [r["location"] for r in recs if is_incident(r)]
    assert sorted(loc["name"] for loc in located) == sorted(["الزعرورية", "خربة الوردات", "القصيبات"])
    plain = {(loc["lat"], loc["lon"]) for loc in located}
    assert len(plain) == 1 and all(loc["geo_precision"] == 2 for loc in located)


def test_a_court_case_is_no_incident_but_a_prison_battle_is(pipeline: Pipeline) -> None:
    trial = records(
        pipeline,
        "وأعلنت المحكمة الجزائية في الرياض الحكم بالسجن عشر سنوات على مواطن قاتل مع تنظيم داعش في مدينة الرقة.",
    )
    assert all(not is_incident(r) and "court_case" in r["special"] for r in trial)
    battle = records(
        pipeline, "دارت مواجهات عنيفة بين المقاومة الشعبية والحوثيين قرب السجن المركزي في مدينة تعز اليوم."
    )
    assert battle and all("court_case" not in r["special"] for r in battle)


def test_an_arrest_by_nobody_named_is_no_incident(pipeline: Pipeline) -> None:
    recs = records(pipeline, "وتم القبض على شابين في مدينة الرقة أثناء تصويرهما الأحياء اليوم.")
    assert all(not is_incident(r) for r in recs)
    named = records(pipeline, "واعتقلت قوات الأمن التركية خمسة أشخاص في مدينة غازي عنتاب اليوم.")
    assert any(is_incident(r) for r in named)


def test_what_a_video_shows_is_no_incident_of_the_report(pipeline: Pipeline) -> None:
    recs = records(pipeline, "بث تنظيم داعش اليوم شريطا مصورا يظهر إعدام عشرين جنديا من قوات النظام في مدينة تدمر.")
    assert recs and all("media" in r["special"] and not is_incident(r) for r in recs)


def test_unknown_listed_villages_sit_at_the_place_named_before_them(pipeline: Pipeline) -> None:
    text = (
        "واستهدفت الفصائل آلية لقوات النظام في سهل الغاب، في حين دارت اشتباكات عنيفة بين الفصائل وقوات النظام "
        "في محيط قرى الحويقلة والشلاهمة اليوم."
    )
    clashes = [r for r in records(pipeline, text) if r["sub_event_type"] == "Armed clash"]
    names = {(r["location"] or {}).get("name") for r in clashes}
    assert {"الحويقلة", "الشلاهمة"} <= names
    assert all((r["location"] or {}).get("admin1") == "Hama" for r in clashes)


def test_a_death_sentence_carried_out_is_a_court_case(pipeline: Pipeline) -> None:
    recs = records(pipeline, "ونفذت وزارة الداخلية اليوم حكم القتل تعزيرا في جان قتل رجلا وسلب أمواله في منطقة جازان.")
    assert all(not is_incident(r) for r in recs)


def test_one_sentence_with_two_places_hit_gives_two_events(pipeline: Pipeline) -> None:
    text = "قصفت طائرات النظام مدينة معرة النعمان اليوم، كما تعرضت مدينة سراقب لغارات جوية مماثلة في ريف إدلب."
    places = {(r["location"] or {}).get("name_en") for r in records(pipeline, text) if is_incident(r)}
    assert len(places) == 2


def test_an_essay_that_names_no_recent_day_and_cites_no_source_reports_no_incident(pipeline: Pipeline) -> None:
    essay = (
        "لا يمكن فهم ما يجري في سوريا من دون العودة إلى البدايات.\n"
        "فقد قصفت طائرات النظام مدينة حلب مرارا، وقتل آلاف المدنيين في أحيائها الشرقية.\n"
        "والسؤال الذي يطرح نفسه: إلى متى يصمت العالم؟"
    )
    recs = records(pipeline, essay)
    assert recs and all("not_a_report" in r["special"] and not is_incident(r) for r in recs)
    report = "وقال ناشطون إن طائرات النظام قصفت مدينة حلب أمس، ما أدى إلى مقتل ثلاثة مدنيين."
    assert any(is_incident(r) for r in records(pipeline, report))


def test_a_condemnation_or_a_trial_reports_no_incident_of_its_own(pipeline: Pipeline) -> None:
    condemned = records(pipeline, "واستنكر اتحاد المحامين العرب الهجوم الذي طال مسجدا في مدينة أبها أمس.")
    assert all(not is_incident(r) for r in condemned)
    trial = records(pipeline, "وأقر متهمون بالتفجير الذي استهدف مسجدا في مدينة الكويت أمام القضاء في أولى جلسات المحاكمة أمس.")
    assert all(not is_incident(r) for r in trial)


def test_an_event_coded_with_little_confidence_is_kept_but_not_an_incident(pipeline: Pipeline) -> None:
    loose = records(pipeline, "وتعرضت مدينة الرقة لهجوم.")
    assert loose and all("low_confidence" in r["special"] for r in loose)
    firm = records(pipeline, "قتل ثلاثة مدنيين بغارة جوية على مدينة الرقة أمس بحسب ناشطين.")
    assert firm and all("low_confidence" not in r["special"] and is_incident(r) for r in firm)


def test_the_confidence_threshold_is_checked_data(tmp_path: Path) -> None:
    from rasid.extract.events.incident_rules import RULES_PATH

    bad = tmp_path / "rules.yaml"
    bad.write_text(RULES_PATH.read_text(encoding="utf-8").replace("min_confidence: 0.75", "min_confidence: 2"), encoding="utf-8")
    with pytest.raises(IncidentRulesError, match="min_confidence"):
        read_rules(bad)


def test_a_trial_hearing_of_bombers_is_a_court_case(pipeline: Pipeline) -> None:
    recs = records(pipeline, "وفي الجلسة الأولى لمحاكمة المتهمين بتفجير سوق مدينة الكويت الذي قتل فيه 9 أشخاص، طلب الدفاع التأجيل.")
    assert recs and all("court_case" in r["special"] for r in recs)
