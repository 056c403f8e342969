"""Reading whole reports as a careful coder would: separate captures at separate places, quoted
source names, forecasts that are not events, particles before the verb, and who plays which role.

Fixtures are short reports written for these tests in the style of Syrian conflict news (not the seeds).
"""

from __future__ import annotations

import pytest

from rasid.pipeline import Pipeline
from tests.extract.event_helpers import actor_id, events, full_pipeline, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def test_a_capture_after_battles_told_again_is_a_new_incident_at_its_own_place(pipeline: Pipeline) -> None:
    # "المعارك المتواصلة" refers back to the fighting, but the capture of two villages in Idlib is
    # not the entry into Aleppo city.
    text = (
        "دخلت فصائل المعارضة إلى مدينة حلب الجمعة بعد معارك مع قوات النظام.\n"
        "وأفادت مصادر محلية بأن المعارك المتواصلة على محور ريف إدلب الشرقي أسفرت عن السيطرة على قرية الطلحية."
    )
    evs = events(pipeline, text)
    places = sorted((e.fields["location"] or {}).get("place_id") or "" for e in evs)
    assert len(evs) == 2, [e.fields["trigger"] for e in evs]
    assert "gn-170063" in places  # Aleppo city
    assert "sy-talhiyah" in places


def test_a_source_named_in_quotation_marks_is_the_whole_name_and_plays_no_role(pipeline: Pipeline) -> None:
    f = only(pipeline, 'وقالت "إدارة العمليات العسكرية"، إن مقاتليها سيطروا على بلدة خان طومان بعد معارك مع قوات النظام.')
    sources = [a["text"] for a in f["attributed_to"]]
    assert [x.strip('"') for x in sources] == ["إدارة العمليات العسكرية"]
    assert actor_id(f["actor2"]) != actor_id(f["attributed_to"][0]["source_actor"]) or f["actor2"] is None


def test_a_quoted_statement_after_the_source_is_not_part_of_its_name(pipeline: Pipeline) -> None:
    f = only(pipeline, 'وقال المرصد السوري "قتل 12 عنصرا من قوات النظام في هجوم على محور كبانة".')
    assert [a["text"] for a in f["attributed_to"]] == ["المرصد السوري"]
    assert f["killed"]["total"] == 12


def test_a_forecast_in_the_future_tense_is_not_an_event(pipeline: Pipeline) -> None:
    text = 'وأكدت مصادر سورية، الجمعة، أن الطيران الروسي "سيتحرك خلال الساعات المقبلة لتغيير مسار المعارك".'
    assert events(pipeline, text) == []
    # while a word that only starts like a future verb keeps its event
    kept = events(pipeline, "أعلنت هيئة تحرير الشام سيطرتها على بلدة الزربة بعد معارك مع قوات النظام.")
    assert kept


def test_a_particle_before_the_verb_is_not_its_subject(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "وعلى الصعيد الميداني، فقد شنت الطائرات الحربية التابعة للنظام غارات على مدينة سرمدا، ما أسفر عن إصابة ثلاثة مدنيين.",
    )
    assert actor_id(f["actor1"]) == "syrian_air_force"
    assert (f["actor2"] or {}).get("side") == "civilian"
    assert f["injured"]["total"] == 3
