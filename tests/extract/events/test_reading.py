"""Reading whole reports as a careful coder would: separate captures at separate places, quoted
source names, forecasts that are not events, particles before the verb, and who plays which role.

Fixtures are short reports written for these tests in the style of Syrian conflict news (not the seeds).
"""

from __future__ import annotations

import pytest

from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, events, full_pipeline, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def test_a_capture_after_battles_told_again_is_a_new_incident_at_its_own_place(pipeline: Pipeline) -> None:
    # "المعارك المتواصلة" refers back to the fighting, but the capture of two villages in Idlib is
    # not the entry into Aleppo city.
    text = (
        "دخلت فصائل المعارضة صباح الأحد إلى مدينة حلب بعد معارك مع قوات النظام.\n"
        "وذكر ناشطون أن القتال الدائر قرب سراقب انتهى بالسيطرة على قرية الطلحية في ريف إدلب."
    )
    evs = events(pipeline, text)
    places = sorted((e.fields["location"] or {}).get("place_id") or "" for e in evs)
    assert len(evs) == 2, [e.fields["trigger"] for e in evs]
    assert "gn-170063" in places  # Aleppo city
    assert "sy-talhiyah" in places


def test_a_source_named_in_quotation_marks_is_the_whole_name_and_plays_no_role(pipeline: Pipeline) -> None:
    f = only(pipeline, 'وقالت "إدارة العمليات العسكرية"، إن مقاتليها دخلوا بلدة العيس إثر معارك طاحنة مع قوات النظام.')
    sources = [a["text"] for a in f["attributed_to"]]
    assert [x.strip('"') for x in sources] == ["إدارة العمليات العسكرية"]
    assert actor_id(f["actor2"]) != actor_id(f["attributed_to"][0]["source_actor"]) or f["actor2"] is None


def test_a_quoted_statement_after_the_source_is_not_part_of_its_name(pipeline: Pipeline) -> None:
    f = only(pipeline, 'وقال المرصد السوري "قتل 12 عنصرا من قوات النظام في هجوم على محور كبانة".')
    assert [a["text"] for a in f["attributed_to"]] == ["المرصد السوري"]
    assert f["killed"]["total"] == 12


def test_a_forecast_in_the_future_tense_is_not_an_event(pipeline: Pipeline) -> None:
    text = 'ونقلت وكالة محلية عن ضابط قوله إن الطيران الروسي "سيتدخل في الأيام القادمة لدعم القوات".'
    assert events(pipeline, text) == []
    # while a word that only starts like a future verb keeps its event
    kept = events(pipeline, "أعلنت هيئة تحرير الشام سيطرتها على بلدة الزربة بعد معارك مع قوات النظام.")
    assert kept


def test_a_particle_before_the_verb_is_not_its_subject(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "أما ميدانيا، فقد نفذت الطائرات الحربية التابعة للنظام غارات عدة على مدينة سرمدا، ما أدى إلى إصابة ثلاثة مدنيين.",
    )
    assert actor_id(f["actor1"]) == "syrian_air_force"
    assert (f["actor2"] or {}).get("side") == "civilian"
    assert f["injured"]["total"] == 3


def test_an_attack_by_one_camp_and_a_capture_by_the_other_stay_apart(pipeline: Pipeline) -> None:
    text = (
        "ووثق المرصد السوري هجوما روسيا استهدف محيط مدينة حلب.\n"
        "وأضاف المرصد أن هيئة تحرير الشام باتت تسيطر على غالبية أحياء مدينة حلب."
    )
    evs = events(pipeline, text)
    assert sorted(actor_id(e.fields["actor1"]) or "" for e in evs) == ["hts", "russia_government"]


def test_a_demand_or_a_wish_to_expel_is_not_an_event(pipeline: Pipeline) -> None:
    assert events(pipeline, "وأوضح مصدر أن وجهاء حي الميدان طالبوا الضباط الروس بطرد الميليشيات الإيرانية من الحي.") == []
    assert events(pipeline, "وأضاف المتحدث أن طهران تدعم استعادة الجيش لمدينة حماة.") == []


def test_who_announces_its_own_capture_took_the_place(pipeline: Pipeline) -> None:
    f = only(pipeline, "كما أشارت الوكالة إلى أن الفصائل المسلحة أعلنت ليلا سيطرتها على أربع بلدات في ريف حماة.")
    assert (f["actor1"] or {}).get("side") == "opposition"
    assert not any(a["text"].startswith("أشارت") for a in f["attributed_to"])


def test_the_noun_after_qiyam_carries_out_the_act(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "وأشارت مصادر كردية إلى قيام القوات الروسية بإخلاء نقاطها العسكرية قرب بلدة عين عيسى بريف الرقة، "
        "في وقت يعزز فيه الجيش الوطني السوري انتشاره في المنطقة.",
    )
    assert f["plover_type"] == "RETREAT"
    assert actor_id(f["actor1"]) == "russian_forces"
    assert f["actor2"] is None


def test_the_subject_after_a_relative_verb_is_the_one_who_took_the_place(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقطع الجيش الإمدادات عن البلدات التي سيطرت عليها الفصائل المعارضة في ريف حماة.")
    assert (f["actor1"] or {}).get("side") == "opposition"


def test_allies_named_first_in_a_three_sided_battle_fight_the_third(pipeline: Pipeline) -> None:
    f = only(pipeline, "واستمرت الاشتباكات قرب بلدة الحاضر بين النظام والميليشيات الإيرانية والفصائل المعارضة.")
    assert (f["actor1"] or {}).get("side") == "government"
    assert (f["actor2"] or {}).get("side") == "opposition"
    assert [a.get("side") for a in f["assoc_actors"]] == ["pro_government"]


def test_a_speakers_own_forces_are_the_quoted_source(pipeline: Pipeline) -> None:
    text = (
        'وذكرت "إدارة العمليات العسكرية"، أن مقاتليها يواصلون التقدم على جبهات ريف إدلب الشرقي.\n'
        'وتابعت في بيانها "أحكمت قواتنا السيطرة على بلدة العيس بريف حلب الجنوبي".'
    )
    capture = [e for e in events(pipeline, text) if "العيس" in str((e.fields["location"] or {}).get("name"))]
    assert len(capture) == 1
    assert actor_id(capture[0].fields["actor1"]) == "military_operations_command"


def test_neutralising_fighters_is_no_death_toll(pipeline: Pipeline) -> None:
    # ("تحييد" — a claim of fighters put out of action — is not a count of dead; issue 14)
    evs = events(
        pipeline,
        "وأعلن المركز الروسي للمصالحة أن روسيا تمكنت خلال يومين من تحييد أكثر من 140 مسلحا في ريف إدلب.",
    )
    assert all(not (e.fields["killed"] or {}).get("total") for e in evs)


def test_civilians_named_beside_fighters_are_not_the_fighters_side(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "وذكر المصدر أن اشتباكا اندلع بين القوات الروسية ومجموعات إيرانية في الحي، وخلف قتلى وجرحى بين عناصر الميليشيات والمدنيين.",
    )
    assert all((c.get("actor") or {}).get("side") != "civilian" for c in f["killed"]["combatants"])


def test_shells_of_unknown_origin_have_an_unidentified_perpetrator(pipeline: Pipeline) -> None:
    text = (
        "وأصابت قذائف “مجهولة المصدر” حي الحمدانية غربي مدينة حلب عصر اليوم، وسط أنباء عن جرحى بين المدنيين.\n"
        "وأكد قيادي معارض أن الفصائل تتبنى كل قصف يطال مواقع الميليشيات الإيرانية، نافيا أي استهداف للمناطق السكنية."
    )
    shelling = [e for e in events(pipeline, text) if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert len(shelling) == 1
    assert actor_id(shelling[0].fields["actor1"]) == "unidentified_armed_group"
    assert (shelling[0].fields["actor2"] or {}).get("side") == "civilian"


def test_a_day_after_a_killing_dates_the_killing_the_day_before(pipeline: Pipeline) -> None:
    # published 2024-03-09: the talk of clashes comes a day after the killing
    text = (
        "وتأتي المواجهات في حي الميدان بعد يوم من مقتل 4 عناصر من قوات النظام في الحي، "
        'بحسب شبكة "أخبار الميدان" الموالية، التي زعمت أن صاروخ غراد أطلق نحو سيارتهم '
        'من قبل من تسميهم "العصابات الإرهابية"، في إشارة إلى فصائل المعارضة.'
    )
    f = only(pipeline, text)
    assert f["date"] == "2024-03-08"
    evs = events(pipeline, text)
    assert evs[0].sub_event_type == "Shelling/artillery/missile attack"
    assert actor_id(f["actor1"]) == "opposition_factions"
    assert f["hedged"] and f["killed"]["total"] == 4
    assert any("أخبار الميدان" in a["text"] for a in f["attributed_to"])


def test_a_named_commander_killed_counts_one_of_his_group_and_the_means_names_the_attacker(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقتل القيادي في هيئة تحرير الشام أبو محمد الحموي بغارة روسية على ريف إدلب الجنوبي.")
    assert f["killed"]["total"] == 1
    assert [actor_id(c["actor"]) for c in f["killed"]["combatants"]] == ["hts"]
    assert actor_id(f["actor1"]) == "russian_forces"


def test_battles_that_killed_an_adviser_count_him(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "وأدت المواجهات قرب بلدة الحاضر إلى مقتل المستشار الإيراني في الحرس الثوري محمد رضائي، بحسب وكالة تسنيم.",
    )
    assert f["killed"]["total"] == 1
    assert f["killed"]["civilians"] in (None, 0)


def test_an_incident_recalled_with_its_own_date_is_kept_as_background(pipeline: Pipeline) -> None:
    text = (
        "انسحبت القوات الروسية من مطار القامشلي اليوم السبت.\n"
        "وكانت مجموعات موالية لروسيا قد اقتحمت نهاية شهر كانون الثاني/ يناير الفائت، مطار حلب الدولي."
    )
    evs = events(pipeline, text)
    old = [e for e in evs if e.fields["background"]]
    assert len(old) == 1
    assert str(old[0].fields["date"]).startswith("2024-01")
    assert (old[0].fields["location"] or {}).get("name_en") == "Aleppo International Airport"
    # the time is no actor of it
    assert "كانون" not in str((old[0].fields["actor2"] or {}).get("text"))
    news = [e for e in evs if not e.fields["background"]]
    assert len(news) == 1 and news[0].fields["date"] == "2024-03-09"


def test_early_in_a_month_dates_a_meeting_but_since_an_agreement_does_not(pipeline: Pipeline) -> None:
    f = only(pipeline, "وفي مطلع شهر شباط/فبراير الماضي عقد قادة الميليشيات الإيرانية اجتماعاً مع ضباط روس في حلب.")
    assert str(f["date"]).startswith("2024-02") and f["date_precision"] == "month"
    g = only(
        pipeline,
        "وأفضى الهجوم، وهو الأوسع منذ هدنة أيلول/سبتمبر عام 2018، إلى السيطرة على ثلاث قرى في ريف حماة الشمالي.",
    )
    assert not str(g["date"]).startswith("2020") and not g["background"]


def test_a_capture_told_as_an_aim_or_a_hold_is_no_takeover(pipeline: Pipeline) -> None:
    aim = 'وأكدت المقاومة الشعبية استمرار عملية "السهم الذهبي" لتحرير بقية المحافظات من الحوثيين في عدن.'
    assert not [e for e in events(pipeline, aim) if e.fields["plover_type"] == "COERCE"]
    hold = "وتبنت العملية الجماعة التي تسيطر على أجزاء كبيرة من ريف دير الزور."
    assert not [e for e in events(pipeline, hold) if e.fields["plover_type"] == "COERCE"]
    done = "حررت المقاومة الشعبية مدينة الحوطة في محافظة لحج اليوم."
    assert [e for e in events(pipeline, done) if e.fields["plover_type"] == "COERCE"]
