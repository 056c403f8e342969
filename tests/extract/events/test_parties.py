"""Who the parties of an event are when the clause does not put them as subject and object.

A meeting "between X and Y" or of "the Iranian and Russian militias", a storming whose object is a
place and whose opponent comes in the next verb, a group that only holds the place where it
happened, talks that "will not be" held. Reports written for these tests.
"""

from __future__ import annotations

import pytest

from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, events, full_pipeline, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def test_a_joined_subject_of_a_meeting_is_both_parties(pipeline: Pipeline) -> None:
    (event,) = events(pipeline, "وأجرت الميليشيات الإيرانية والروسية، أمس الجمعة، اجتماعاً في مدينة حمص لتسوية خلافاتها.")
    f = event.fields
    assert event.sub_event_type == "Other" and f["plover_type"] == "CONSULT"
    assert actor_id(f["actor1"]) == "iran_backed_militias"
    assert actor_id(f["actor2"]) == "russia_backed_militias"


def test_a_meeting_between_two_parties(pipeline: Pipeline) -> None:
    f = only(pipeline, "وجرى اجتماع بين ضباط روس وقادة من فصائل المعارضة في مدينة درعا، اليوم السبت.")
    assert actor_id(f["actor1"]) == "russian_forces"
    assert actor_id(f["actor2"]) == "opposition_factions"
    assert f["location"]["name"] == "درعا"  # the name the news uses, not an old gazetteer spelling


def test_the_group_holding_the_place_takes_no_part(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقصفت قوات النظام بلدة الهبيط الخاضعة لسيطرة هيئة تحرير الشام، اليوم السبت.")
    assert actor_id(f["actor1"]) == "saa"
    assert actor_id(f["actor2"]) != "hts"


def test_a_storming_whose_object_is_a_place_fights_the_group_driven_out(pipeline: Pipeline) -> None:
    (event,) = events(
        pipeline,
        "وكانت ميليشيات روسية قد اقتحمت منتصف شهر شباط الماضي مطار القامشلي وطردت الميليشيات الإيرانية منه.",
    )
    f = event.fields
    assert event.sub_event_type == "Armed clash"
    assert actor_id(f["actor1"]) == "russia_backed_militias"
    assert actor_id(f["actor2"]) == "iran_backed_militias"
    assert f["date"].startswith("2024-02") and f["background"]


def test_a_later_turn_in_the_same_sentence_does_not_recode_the_first(pipeline: Pipeline) -> None:
    evs = events(
        pipeline,
        "اقتحمت ميليشيات روسية مطار القامشلي اليوم السبت وطردت الميليشيات الإيرانية منه، "
        "لتعود الميليشيات الإيرانية بالسيطرة على أجزاء منه.",
    )
    assert evs and evs[0].sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    "text",
    [
        "وأضاف أن المفاوضات مع الجانب التركي لن تكون ثنائية هذه المرة.",
        "وقالت المصادر إن الاجتماع مع الوفد الروسي لن يتم قبل نهاية الشهر.",
    ],
)
def test_talks_that_will_not_be_held_are_no_event(pipeline: Pipeline, text: str) -> None:
    assert events(pipeline, text) == []


def test_talks_that_failed_were_still_held(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقالت مصادر محلية إن المفاوضات بين وجهاء درعا والضباط الروس لم تكن مجدية، أمس الجمعة.")
    assert f["plover_type"] in ("CONSULT", "AGREE")


def test_an_agreement_told_paragraphs_later_is_not_the_meeting(pipeline: Pipeline) -> None:
    text = (
        "وعقد ضباط روس اجتماعاً مع وجهاء مدينة درعا، اليوم السبت، لبحث تسوية أوضاع المطلوبين.\n\n"
        "وتحدث الوجهاء عن مطالب الأهالي بالإفراج عن المعتقلين.\n\n"
        "وطالب الأهالي بعودة الخدمات إلى الأحياء الشرقية.\n\n"
        "وأبلغ الروس الوجهاء بأن هناك اتفاقاً جديداً مع دمشق بخصوص درعا.\n"
    )
    kinds = sorted(e.fields["plover_type"] for e in events(pipeline, text))
    assert kinds == ["AGREE", "CONSULT"]


def test_people_killed_before_the_verb_are_victims_not_doers(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقال مصدر في الشرطة إن جنديا تركيا قتل وأصيب آخر في هجوم استهدف دورية قرب مدينة الباب.")
    assert f["actor1"] is None or "جنديا" not in str(f["actor1"].get("text"))
    assert f["victims"]["text"].startswith("جنديا") and f["victims"]["category"] == "combatants"


def test_counted_fighters_name_the_target_in_their_own_words(pipeline: Pipeline) -> None:
    f = only(pipeline, "قتل أربعة جنود أتراك وأصيب ثلاثة آخرون بانفجار عبوة ناسفة قرب مدينة الباب.")
    assert f["victims"]["text"] == "جنود أتراك"  # not "آخرون", the others hurt
    assert f["actor2"] is not None and f["actor2"]["text"] == "جنود أتراك"


def test_people_of_no_stated_kind_are_victims_but_no_actor(pipeline: Pipeline) -> None:
    from rasid.export.plover import plover_record

    f = only(pipeline, "لقي رجل حتفه وأصيب ثلاثة آخرون بقصف مدفعي على بلدة كفرنبل.")
    assert f["actor2"] is None  # ACLED codes no actor for "a man"
    assert f["victims"] == {"text": "رجل", "category": "persons"}
    assert plover_record(f)["target"]["text"] == "رجل"


def test_protesters_stay_the_side_that_acts(pipeline: Pipeline) -> None:
    f = only(pipeline, "خرج مئات المتظاهرين في مدينة السويداء، اليوم السبت، في مظاهرة تطالب بالإفراج عن المعتقلين.")
    assert f["plover_type"] == "PROTEST"
    assert f["actor1"] is not None and f["actor1"]["side"] == "civilian"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("خرج مئات المتظاهرين في مدينة السويداء، اليوم السبت، تنديداً بالحصار المفروض على المدينة.", "الحصار المفروض"),
        ("وخرج متظاهرون في مدينة الباب، اليوم السبت، يطالبون المجلس المحلي بتحسين الخدمات.", "المجلس المحلي"),
        ("واعتصم عشرات المحتجين، اليوم السبت، أمام مقر المحافظة في مدينة درعا.", "المحافظة"),
    ],
)
def test_what_a_protest_is_against_is_its_target_not_an_actor(pipeline: Pipeline, text: str, target: str) -> None:
    from rasid.export.plover import plover_record

    f = only(pipeline, text)
    assert f["plover_type"] == "PROTEST"
    assert f["actor2"] is None
    assert f["protest_target"] == {"text": target}
    assert plover_record(f)["target"]["text"] == target


def test_a_named_group_a_protest_is_against_is_actor2(pipeline: Pipeline) -> None:
    f = only(pipeline, "وتظاهر المحتجون في مدينة إدلب، اليوم السبت، ضد هيئة تحرير الشام.")
    assert actor_id(f["actor2"]) == "hts"


def test_a_source_speaking_of_its_forces_is_the_doer_and_the_victims_group_the_target(pipeline: Pipeline) -> None:
    f = only(pipeline, "وأعلن الجيش التركي أن قواته قتلت 12 مسلحا من حزب العمال الكردستاني شمالي العراق.")
    assert actor_id(f["actor1"]) == "turkish_forces"
    assert actor_id(f["actor2"]) == "pkk"


@pytest.mark.parametrize(
    ("text", "doer"),
    [
        ("وكان انتحاريان قد فجرا نفسيهما أمام حاجز للشرطة في مدينة الباب، ما أدى إلى مقتل 4 أشخاص.", "انتحاريان"),
        ("وقامت دبابة إسرائيلية بقصف منزل في بلدة بيت جن، ما أدى إلى مقتل مدنيين اثنين.", "دبابة إسرائيلية"),
    ],
)
def test_the_doers_words_leave_out_what_opens_the_clause(pipeline: Pipeline, text: str, doer: str) -> None:
    f = only(pipeline, text)
    assert f["actor1"] is not None and f["actor1"]["text"] == doer


def test_a_counted_singular_protester_word_is_a_protest(pipeline: Pipeline) -> None:
    f = only(pipeline, "وتجمع نحو 400 متظاهر، اليوم السبت، في ساحة مدينة السويداء.")
    assert f["plover_type"] == "PROTEST"


def test_drones_are_no_march_and_their_owner_did_the_strike(pipeline: Pipeline) -> None:
    (event,) = events(pipeline, "واستهدفت مسيرات تركية مواقع لقسد في ريف الحسكة، اليوم السبت.")
    assert event.sub_event_type == "Air/drone strike"
    assert actor_id(event.fields["actor1"]) == "turkish_forces"
    assert actor_id(event.fields["actor2"]) == "sdf"


def test_a_partner_of_the_aircraft_acts_with_them_not_against(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "وقتل 6 مدنيين، اليوم السبت، جراء شن الطائرات الحربية التابعة للنظام وروسيا غارة على أحياء سكنية في مدينة سراقب.",
    )
    assert actor_id(f["actor1"]) == "syrian_air_force"
    assert f["actor2"]["side"] == "civilian"
    assert "russia_government" in [a.get("id") for a in f["assoc_actors"]]


def test_a_withdrawal_beside_the_capture_is_one_takeover(pipeline: Pipeline) -> None:
    text = (
        "سيطرت فصائل المعارضة، اليوم السبت، على حي الحمدانية في مدينة حلب بعد معارك مع قوات النظام.\n"
        "وقال مراسلون إن ميليشيات أسد انسحبت من مواقعها في منطقة البحوث العلمية دون مقاومة.\n"
    )
    evs = events(pipeline, text)
    assert [e.sub_event_type for e in evs] == ["Non-state actor overtakes territory"]
    assert actor_id(evs[0].fields["actor1"]) == "opposition_factions"


def test_a_withdrawal_elsewhere_stays_its_own(pipeline: Pipeline) -> None:
    text = (
        "سيطرت فصائل المعارضة، اليوم السبت، على حي الحمدانية في مدينة حلب بعد معارك مع قوات النظام.\n"
        "وفي سياق آخر، انسحبت القوات الروسية من مواقعها في مدينة القامشلي.\n"
    )
    kinds = sorted(e.fields["plover_type"] for e in events(pipeline, text))
    assert kinds == ["COERCE", "RETREAT"]


@pytest.mark.parametrize(
    "text",
    [
        "ويشن الطيران الروسي بشكل دوري غارات على مواقع التنظيم في البادية السورية.",
        "وكان القيادي عائداً من اجتماع في مدينة القامشلي، بحسب ناشطين.",
    ],
)
def test_what_happens_regularly_or_where_someone_came_from_is_no_incident(pipeline: Pipeline, text: str) -> None:
    assert events(pipeline, text) == []


def test_a_withdrawal_has_no_target(pipeline: Pipeline) -> None:
    f = only(pipeline, "وانسحبت القوات الروسية من مطار القامشلي، اليوم السبت، وسط خلافات مع الميليشيات الإيرانية.")
    assert f["plover_type"] == "RETREAT"
    assert actor_id(f["actor1"]) == "russian_forces"
    assert f["actor2"] is None


def test_a_withdrawal_answering_a_capture_in_its_clause_is_that_takeover(pipeline: Pipeline) -> None:
    (event,) = events(
        pipeline,
        'أعلن الجيش السوري، اليوم السبت، سحب قواته من مواقع في مدينة حماة، بعد أن دخلت فصائل مسلحة تقودها "هيئة تحرير الشام" إلى أحياء المدينة الشمالية.',
    )
    f = event.fields
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert actor_id(f["actor1"]) == "opposition_factions"
    assert actor_id(f["actor2"]) == "saa"  # who withdrew
    assert "hts" in [a.get("id") for a in f["assoc_actors"]]  # the group leading the factions acts with them


def test_a_withdrawal_after_a_task_stays_a_withdrawal(pipeline: Pipeline) -> None:
    f = only(pipeline, "وانسحبت القوات الروسية من مطار القامشلي، اليوم السبت، بعد أن أنهت مهمتها هناك.")
    assert f["plover_type"] == "RETREAT"
