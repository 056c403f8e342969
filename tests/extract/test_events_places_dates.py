"""Where and when an event happened when the sentence says it loosely.

"سيطرت على أجزاء المدينة" names no city; "عقب خلافات شهدتها خلال الأشهر الماضية" dates the quarrel,
not the withdrawal; "بإدلب" is Idlib, not a place called "بإدلب". Reports written for these tests
(published on Saturday 9 March 2024).
"""

from __future__ import annotations

import pytest

from rasid.pipeline import Pipeline
from tests.extract.event_helpers import actor_id, events, full_pipeline, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def test_the_city_is_the_one_the_article_keeps_naming(pipeline: Pipeline) -> None:
    text = (
        "تقدم فصائل المعارضة في مدينة حماة\n"
        "واصلت فصائل المعارضة تقدمها نحو مدينة حماة من محاورها الشمالية، اليوم السبت.\n"
        "وأفادت مصادر محلية بأن تعزيزات للنظام وصلت إلى حماة قادمة من مدينة حمص.\n"
        "وقال المرصد السوري إن الفصائل سيطرت على معظم أحياء المدينة بعد انسحاب قوات النظام منها.\n"
    )
    capture = next(e for e in events(pipeline, text) if e.sub_event_type == "Non-state actor overtakes territory")
    loc = capture.fields["location"]
    # Homs was named last, Hama three times: "المدينة" is Hama
    assert loc["name"] == "حماة" and loc["admin1"] == "Hama"


def test_the_quarter_is_the_one_named_before(pipeline: Pipeline) -> None:
    text = (
        "اندلعت اشتباكات بين مجموعتين مسلحتين في حي الميدان بدمشق، أمس الجمعة.\n"
        "وقالت مصادر محلية إن 3 مدنيين قتلوا برصاص المسلحين في الحي.\n"
    )
    toll = next(e for e in events(pipeline, text) if e.fields["killed"])
    f = toll.fields
    assert f["killed"]["civilians"] == 3
    assert f["location"]["name"] == "الميدان" and f["location"]["admin1"] == "Damascus"


def test_no_city_named_before_leaves_the_place_open(pipeline: Pipeline) -> None:
    f = only(pipeline, "قالت مصادر محلية إن قوات النظام انسحبت من المدينة، اليوم السبت.")
    assert f["location"] is None


def test_a_time_that_dates_the_cause_is_not_the_events_date(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "نقلت مواقع محلية أن القوات الروسية انسحبت من مطار القامشلي، عقب توتر شهدته المنطقة خلال الأشهر الماضية.",
    )
    assert f["trigger"].startswith("انسحب")
    assert f["date"] == "2024-03-09" and f["date_from"] == "publication"
    assert not f.get("background")


def test_a_cause_that_is_the_event_keeps_its_date(pipeline: Pipeline) -> None:
    # "عقب غارة": the strike is the incident itself, so its day is the event's
    f = only(pipeline, "قتل مدنيان عقب غارة جوية استهدفت بلدة سرمين، أمس الجمعة.")
    assert f["killed"]["civilians"] == 2
    assert f["date"] == "2024-03-08" and f["date_precision"] == "day"


def test_a_street_keeps_its_place_over_the_city_named_again(pipeline: Pipeline) -> None:
    text = (
        "سقطت قذائف مجهولة المصدر على شارع النيل في مدينة حلب، اليوم السبت، ما أدى إلى إصابة 4 مدنيين.\n"
        "وقال ناشطون إن قصف أحياء مدينة حلب تكرر خلال الأسبوع.\n"
    )
    strikes = [e for e in events(pipeline, text) if e.fields["injured"]]
    assert len(strikes) == 1
    loc = strikes[0].fields["location"]
    assert loc["place_id"] == "sy-aleppo-nile-street"


def test_places_with_proclitics_are_coded_by_their_name(pipeline: Pipeline) -> None:
    f = only(pipeline, "وأعلن الجيش السوري أنه يخوض معارك عنيفة مع فصائل مسلحة على محاور عدة بإدلب، اليوم السبت.")
    assert f["location"]["name"] == "إدلب"
    assert f["location"]["text"] == "إدلب"
    # the army speaks of itself ("أنه يخوض"): it is a side of the fight, not only the source
    assert actor_id(f["actor1"]) == "saa" and actor_id(f["actor2"]) == "opposition_factions"
