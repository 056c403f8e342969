"""More rules of Arabic war-news writing (issue 14, session 13): flares are no bombs, a new statement
after a comma is a clause of its own, a capital that speaks and a command's name are not where an
incident happened, unidentified gunmen killing unarmed people is an attack on civilians, a warning
reports nothing, and a place told with an earlier cause still places what followed there. Every
fixture is a short report written for these tests, run through the real text, entity and event stages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rasid.document import Document
from rasid.extract.events import event_record
from rasid.extract.events.incident import is_incident
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2015, 8, 9)
# Two sources in a sentence of their own: the article reads as a news report.
SOURCED = " وقال مصدر أمني إن الحادث وقع صباحا. وأفاد شهود عيان بذلك."


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return build_pipeline(["text", "entities", "events"])


def incidents(pipeline: Pipeline, text: str) -> list[dict[str, Any]]:
    doc = pipeline(Document(id="t", text=text + SOURCED, published=PUBLISHED))
    return [r for r in map(event_record, doc.events) if is_incident(r)]


def place(record: dict[str, Any]) -> str | None:
    loc = record.get("location") or {}
    return loc.get("name_en") or loc.get("text")


def test_illumination_flares_are_no_explosion(pipeline: Pipeline) -> None:
    assert incidents(pipeline, "أطلق الجيش الإسرائيلي قنابل مضيئة فوق تلال كفر شوبا فجر اليوم.") == []
    # the same sentence with bombs that hit is one
    hit = incidents(pipeline, "أطلق الجيش الإسرائيلي قنابل على تلال كفر شوبا فجر اليوم وأصيب راع.")
    assert [r["event_type"] for r in hit] == ["Explosions/Remote violence"]


def test_a_new_statement_after_a_comma_tells_its_own_event(pipeline: Pipeline) -> None:
    text = "قتل 3 جنود عراقيين بانفجار عبوة ناسفة في مدينة الفلوجة، وذكرت واشنطن أن التحالف نفذ غارات قرب الموصل."
    got = sorted((r["sub_event_type"], place(r)) for r in incidents(pipeline, text))
    assert got == [("Air/drone strike", "Mosul"), ("Remote explosive/landmine/IED", "Al Fallujah")]
    bomb = next(r for r in incidents(pipeline, text) if place(r) == "Al Fallujah")
    assert (bomb["killed"] or {}).get("best") == 3


def test_a_capital_that_speaks_is_not_where_the_attack_was(pipeline: Pipeline) -> None:
    said = "أعلنت أنقرة أن مسلحين أكرادا هاجموا مركزا للشرطة في مدينة ديار بكر أمس."
    assert [place(r) for r in incidents(pipeline, said)] == ["Diyarbakır"]
    # an accusation is a disputed report (not exported), but it is still placed where the attack was
    accused = "أنقرة تتهم مسلحين أكرادا بالهجوم على مركز للشرطة في مدينة ديار بكر أمس."
    doc = pipeline(Document(id="t", text=accused + SOURCED, published=PUBLISHED))
    assert [place(event_record(e)) for e in doc.events] == ["Diyarbakır"]
    # a capital that is not the subject of a reporting verb is a place like any other
    assert [place(r) for r in incidents(pipeline, "هاجم مسلحون مركزا للشرطة في أنقرة أمس وقتلوا شرطيا.")] == [
        "Ankara"
    ]


def test_a_place_in_a_command_name_gives_way_to_the_place_of_the_fight(pipeline: Pipeline) -> None:
    text = "أعلنت قيادة عمليات بغداد أن قواتها قتلت 12 من عناصر داعش في منطقة الكرمة اليوم."
    assert [place(r) for r in incidents(pipeline, text)] == ["Garmah"]
    told = "قتلت القوات الأمنية 5 من عناصر داعش في قضاء هيت بحسب قائد شرطة الأنبار."
    assert [place(r) for r in incidents(pipeline, told)] == ["Hit"]


@pytest.mark.parametrize(
    "text",
    [
        "قتل شخص برصاص مسلحين مجهولين في مدينة كركوك.",
        "لقي سائق أجرة مصرعه بنيران مسلحين مجهولين قرب مدينة بعقوبة.",
        "قتل مسلحون مجهولون مواطنا قرب حي الواسطي جنوبي مدينة كركوك.",
    ],
)
def test_unidentified_gunmen_killing_unarmed_people_attack_civilians(pipeline: Pipeline, text: str) -> None:
    (event,) = incidents(pipeline, text)
    assert (event["event_type"], event["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert event["actor1"]["id"] == "unidentified_armed_group"
    assert event["actor2"]["name"].startswith("Civilians")


def test_gunmen_who_kill_soldiers_still_fight_a_battle(pipeline: Pipeline) -> None:
    (event,) = incidents(pipeline, "قتل مسلحون مجهولون جنديين في هجوم على نقطة للجيش في مدينة كركوك.")
    assert event["event_type"] == "Battles"


def test_a_warning_against_attacks_reports_none(pipeline: Pipeline) -> None:
    text = "وحذرت المنظمة الفصائل المتقاتلة في مدينة درعا من مغبة قصف الأحياء السكنية."
    assert incidents(pipeline, text) == []


def test_a_place_told_with_the_earlier_capture_places_the_abduction(pipeline: Pipeline) -> None:
    text = "خطف عناصر تنظيم داعش أمس 35 من رعاة الأغنام عقب استيلائهم على بلدة مهين شرقي حمص."
    abductions = [
        r for r in incidents(pipeline, text) if r["sub_event_type"] == "Abduction/forced disappearance"
    ]
    assert [place(r) for r in abductions] == ["Mahin"]


@pytest.mark.parametrize(
    "text",
    [
        "دمرت قوات البيشمركة سيارتين مفخختين قبل وصولهما إلى خطوطها قرب قضاء مخمور أمس.",
        "وأبطلت قوات الأمن مفعول لغم أرضي زرع على طريق مدينة الشيخ زويد أمس.",
        "فككت فرق الهندسة في الجيش العراقي 15 عبوة ناسفة في قضاء هيت أمس.",
    ],
)
def test_a_bomb_made_safe_is_a_disrupted_weapons_use(pipeline: Pipeline, text: str) -> None:
    (event,) = incidents(pipeline, text)
    assert (event["event_type"], event["sub_event_type"]) == ("Strategic developments", "Disrupted weapons use")


def test_a_bomb_that_kills_while_being_defused_stays_an_explosion(pipeline: Pipeline) -> None:
    text = "قتل جنديان عراقيان أثناء تفكيك عبوتين ناسفتين في قضاء هيت أمس."
    (event,) = incidents(pipeline, text)
    assert (event["event_type"], event["sub_event_type"]) == ("Explosions/Remote violence", "Remote explosive/landmine/IED")


def test_a_border_sector_is_the_place_not_the_country_before_it(pipeline: Pipeline) -> None:
    text = "تصدت قوات حرس الحدود فجر اليوم لهجوم شنه مسلحون حوثيون على الحدود السعودية في قطاع الطوال."
    (event,) = incidents(pipeline, text)
    assert (event["event_type"], place(event)) == ("Battles", "Al Tuwal")


@pytest.mark.parametrize(
    "text",
    [
        "صدت قوات الجيش هجوما لعناصر داعش على قضاء حديثة أمس.",
        "أفشلت المقاومة الشعبية محاولة تقدم للحوثيين نحو مدينة مأرب أمس.",
    ],
)
def test_a_repelled_attack_was_fought(pipeline: Pipeline, text: str) -> None:
    assert [r["event_type"] for r in incidents(pipeline, text)] == ["Battles"]


def test_what_a_relative_clause_says_a_force_does_is_no_incident(pipeline: Pipeline) -> None:
    text = "وأضاف القائد أن المطار منطلق للمروحيات التي تقصف بلدتي داريا والمعضمية."
    assert incidents(pipeline, text) == []
    # the past tense in a relative clause tells what happened
    told = "قتل ثلاثة مدنيين في الغارة التي استهدفت مدينة داريا أمس."
    assert [place(r) for r in incidents(pipeline, told)] == ["Darayya"]


def test_the_day_of_a_claim_does_not_date_the_attack_it_claims(pipeline: Pipeline) -> None:
    text = "تبنت الفصائل الكردية أمس تفجيرا بعبوة ناسفة وقع أول من أمس وأودى بحياة ثلاثة شرطيين في ولاية ماردين."
    (event,) = incidents(pipeline, text)
    assert event["date"] == "2015-08-07"
    # with no other day in the sentence, the day of the statement is the report's
    said = "أعلن الجيش العراقي أمس أن قواته قتلت 5 من عناصر داعش في قضاء هيت."
    assert [r["date"] for r in incidents(pipeline, said)] == ["2015-08-08"]


def test_an_indictment_tells_a_court_case(pipeline: Pipeline) -> None:
    text = "ووجهت النيابة العامة لائحة اتهام إلى شابين بقتل حارس مزرعة قرب مدينة الخليل."
    assert incidents(pipeline, text) == []


def test_arrests_with_no_day_of_their_own_are_a_tally_not_an_incident(pipeline: Pipeline) -> None:
    tally = "ونفذت الشرطة حملة اعتقالات طالت العشرات في أحياء مدينة الموصل."
    assert incidents(pipeline, tally) == []
    arrest = "اعتقلت قوات الأمن أمس الناشط أحمد الخطيب في مدينة حلب."
    assert [r["sub_event_type"] for r in incidents(pipeline, arrest)] == ["Arrests"]


def test_a_death_sentence_carried_out_is_no_shooting(pipeline: Pipeline) -> None:
    text = "ونفذت السلطات حكم القتل قصاصا صباح اليوم في مدينة أبها بحق جان أطلق النار على خصمه في شجار."
    assert incidents(pipeline, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ومن حين لآخر يتعرض صحفيون أجانب للخطف على أيدي مسلحين قبليين في محافظة مأرب.",
        "وأوضح المتحدث أن مقاتلات التحالف نفذت مئات الغارات على مواقع التنظيم في الرقة ودير الزور.",
        "وناشد السكان التحالف انتشال الألغام التي زرعها الحوثيون في مدينة زنجبار.",
    ],
)
def test_habits_campaign_counts_and_appeals_are_no_incidents(pipeline: Pipeline, text: str) -> None:
    assert incidents(pipeline, text) == []


def test_an_unknown_attacker_across_a_border_is_of_the_country_the_shell_came_from(pipeline: Pipeline) -> None:
    from rasid.export.acled import acled_row

    text = "أعلن الدفاع المدني سقوط قذيفة على مزرعة في قرية المغيرة بمحافظة الحرث أطلقت من داخل الأراضي اليمنية أمس."
    doc = pipeline(Document(id="t", text=text + SOURCED, published=PUBLISHED))
    (record,) = [r for r in map(event_record, doc.events) if r["event_type"] == "Explosions/Remote violence"]
    assert place(record) == "Al Mughayrah" and record["launched_from"] == "Yemen"
    row = acled_row(record)
    assert (row["country"], row["actor1"], row["actor2"]) == ("Saudi Arabia", "Unidentified Armed Group (Yemen)", "")


@pytest.mark.parametrize(
    "text",
    [
        "استعادت القوات الموالية لحكومة الرئيس اليمني عبدربه منصور هادي مدينة الحوطة أمس.",
        "سيطرت القوات الموالية للحكومة اليمنية على مدينة زنجبار أمس.",
    ],
)
def test_forces_loyal_to_yemens_government_are_its_army(pipeline: Pipeline, text: str) -> None:
    (event,) = incidents(pipeline, text)
    assert event["actor1"]["id"] == "yemen_army"
    assert event["sub_event_type"] == "Government regains territory"


def test_coordinated_place_phrases_of_a_strike_are_each_a_place_hit(pipeline: Pipeline) -> None:
    text = (
        "ونفذت مقاتلات التحالف أمس غارات على مخازن سلاح في محافظة ذمار، ومواقع أخرى في جبل بمحافظة البيضاء "
        "ومديرية حرض بمحافظة حجة ومديرية الزهرة التابعة لمحافظة الحديدة وعلى مناطق متفرقة من محافظة الجوف."
    )
    strikes = [r for r in incidents(pipeline, text) if r["sub_event_type"] == "Air/drone strike"]
    assert sorted(place(r) or "" for r in strikes) == ["Al Bayda", "Al Jawf", "Az Zuhrah", "Dhamar", "Haradh"]
    # a place right after another with no "و" between is its container, not a place hit
    one = "ونفذت مقاتلات التحالف أمس غارات على مديرية حرض بمحافظة حجة."
    assert [place(r) for r in incidents(pipeline, one)] == ["Haradh"]


def test_who_holds_a_place_now_is_no_capture(pipeline: Pipeline) -> None:
    text = "وأكد المصدر أن المسلحين لا يزالون يسيطرون على بلدة مكيراس."
    assert incidents(pipeline, text) == []


def test_the_next_sentence_of_a_round_up_does_not_swallow_its_last_place(pipeline: Pipeline) -> None:
    text = (
        "وقصفت مقاتلات التحالف أمس مخازن سلاح في محافظة ذمار، وعلى مواقع في محافظة الجوف.\n"
        "وفي محافظة صعدة استهدفت الغارات الجوية أمس مواقع في مديرية سحار."
    )
    strikes = {place(r) for r in incidents(pipeline, text) if r["sub_event_type"] == "Air/drone strike"}
    assert {"Dhamar", "Al Jawf"} <= strikes and strikes & {"Sahar", "Sa'dah"}


def test_a_past_verb_in_a_relative_clause_is_no_habit(pipeline: Pipeline) -> None:
    # "تعرض" starts like a present verb but tells what happened
    text = "أصيب سبعة مدنيين بالقصف الذي تعرضت له بلدة سراقب أمس."
    assert [r["event_type"] for r in incidents(pipeline, text)] == ["Explosions/Remote violence"]
