"""Tolls are for incidents (issue 14): totals over a period, a war's or a campaign's toll, statistics,
crowds, arrests and neutralising claims are never an incident's fatalities; a rising toll updates its
incident; counts of listed people; every toll as a UCDP-style range (low/best/high) and ACLED's
conservative `fatalities`. The sentences are written for these tests.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from rasid.export.acled import ACLED_COLUMNS, acled_row
from rasid.export.geojson import to_geojson
from rasid.extract.events.lexicon import EventLexiconError
from rasid.extract.events.tolls import load_toll_rules
from rasid.pipeline import Pipeline
from tests.extract.events.helpers import events, full_pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def killed(pipeline: Pipeline, text: str) -> list[dict[str, Any]]:
    """The killed records of the events of `text` (events without a toll left out)."""
    return [e.fields["killed"] for e in events(pipeline, text) if e.fields["killed"]]


def totals(pipeline: Pipeline, text: str) -> list[int]:
    return [k["total"] for k in killed(pipeline, text) if k.get("total") is not None]


@pytest.mark.parametrize(
    "text",
    [
        "وقتل 230 شخصا في المحافظة منذ بداية العام.",
        "وقتل 415 مدنيا و364 مسلحا في غارات الطيران على ريف حلب منذ 15 نوفمبر.",
        "قتل 7 مدنيين في غارات على ريف إدلب منذ السابع من الشهر.",
        "قتل 12 شخصا في قصف على حلب خلال شهر حزيران.",
        "ارتفعت حصيلة القتلى منذ بدء الحملة العسكرية إلى 327 شخصا.",
        "وبذلك ترتفع حصيلة القتلى في المدينة إلى 45 شخصا.",
        "وقتل 3500 شخص في الغارات والقتال المستمر منذ أربعة أشهر.",
        "وأوضح التقرير أن الطائرات الحربية قتلت 97 شخصا بينهم 21 طفلا.",
        "نرى بلدا أصابه الدمار ومئات الآلاف من القتلى.",
        "وأسفرت الغارات عن مقتل 4844 مدنيا في درعا.",
        "وقتل 174 مدنيا جراء الحرب الدائرة بين القوات الحكومية والتنظيم في الأنبار.",
        "قتل 25 شخصا على الأقل جراء سلسلة تفجيرات ضربت عدة أحياء في العاصمة.",
        "ووصل عدد قتلاه إلى أكثر من 2000 عنصر في المعارك.",
        "وقتل ما لا يقل عن 260 مقاتلا وأصيب نحو 400 في هذه الغارات بحسب أنقرة.",
        "وذكر الناطق العسكري أن 64 مسلحا قتلوا في ريف حمص في الفترة بين 3 و17 أيار.",
        "وأفادت وكالة الأنباء بأن نحو 280 مسلحا قتلوا وجرح 350 آخرون خلال ثلاثة أسابيع من القصف الجوي.",
        "وأورد البيان مقتل 312 عنصرا من قوات الجيش وقوات الشرطة وقوات العشائر في المحافظات الغربية، "
        "ولا تضم هذه الحصيلة قتلى العمليات العسكرية الجارية في الفلوجة.",
    ],
)
def test_period_war_and_campaign_totals_are_no_incident_toll(pipeline: Pipeline, text: str) -> None:
    assert totals(pipeline, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a time of the same day is no period; a state's start date is not the toll's
        ("قتل 5 مدنيين في قصف على دوما منذ صباح اليوم.", 5),
        ("قتل 3 مدنيين في قصف على مضايا المحاصرة منذ عامين.", 3),
        # one incident as large as this is told with its own noun
        ("أسفر التفجير عن مقتل 600 شخص في سوق بغداد.", 600),
    ],
)
def test_incident_tolls_stay(pipeline: Pipeline, text: str, expected: int) -> None:
    assert totals(pipeline, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "وانطلقت صباح أمس مسيرة هادئة شارك فيها نحو 300 شخص نحو الساحة التي عثر فيها على جثة الفتى.",
        "وشارك نحو ألف شخص في إحياء ذكرى ضحايا التفجير الذي قتل فيه عدد من المدنيين.",
    ],
)
def test_crowds_are_not_the_dead(pipeline: Pipeline, text: str) -> None:
    assert all(t < 300 for t in totals(pipeline, text))


def test_a_count_set_against_a_period_total_is_a_total_too(pipeline: Pipeline) -> None:
    text = (
        "وقتل ما لا يقل عن 17 جنديا منذ أن بدأ الحزب هجماته في 22 يوليو، في حين قتل ما لا يقل عن "
        "260 مقاتلا في غارات جوية تركية."
    )
    assert totals(pipeline, text) == []


def test_arrests_and_prisoners_are_not_the_dead(pipeline: Pipeline) -> None:
    assert totals(pipeline, "اعتقلت الشرطة 40 شخصا وقتلت اثنين في مداهمة في العريش.") == [2]
    assert totals(pipeline, "قتلت المقاومة 44 من عناصر التمرد وأسرت 78 آخرين في لودر.") == [44]


def test_a_rising_toll_updates_its_incident(pipeline: Pipeline) -> None:
    text = (
        "قتل 12 شخصا في تفجير سيارة مفخخة في سوق بغداد الجديدة أمس.\n"
        "وارتفعت حصيلة ضحايا التفجير إلى 30 قتيلا."
    )
    records = killed(pipeline, text)
    assert [k["total"] for k in records] == [30]
    assert records[0]["best"] == 30 and records[0]["rising"] is True


def test_an_earlier_lower_toll_of_the_incident_does_not_split_it(pipeline: Pipeline) -> None:
    text = (
        "أدى تفجير سيارة مفخخة في سوق شعبية في مدينة الكوت أمس إلى مقتل 19 شخصا على الأقل.\n"
        "وكانت حصيلة أولية للتفجير تحدثت عن مقتل 12 شخصا."
    )
    assert totals(pipeline, text) == [19]


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت الوزارة أن حصيلة تفجير السيارة المفخخة في الكوت ارتفعت إلى 66 قتيلا وجريحا.",
        "أفادت خلية الإعلام الحربي بمقتل وجرح 110 من عناصر التنظيم في غارات على الرمادي.",
        "سقط عشرات المسلحين بين قتيل وجريح في المواجهات مع القوات الحكومية في تعز.",
    ],
)
def test_the_killed_and_hurt_counted_together_give_no_death_toll(pipeline: Pipeline, text: str) -> None:
    records = killed(pipeline, text)
    assert records and all(k["total"] is None and k["best"] is None and k["low"] is None for k in records)


def test_neutralising_is_not_killing(pipeline: Pipeline) -> None:
    assert totals(pipeline, "أعلنت وزارة الدفاع الروسية تحييد ما لا يقل عن 200 مسلح في ريف حماة.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل جندي في هجوم على حاجز في درعا.", 1),
        ("قتل نقيب في الشرطة ومجند في هجوم مسلح على دورية في العريش.", 2),
        ("قتل جنديين في انفجار عبوة ناسفة في ديار بكر.", 2),
        ("مقتل طفل وامرأتين في قصف على دوما.", 3),
        ("قتل جندي و3 مدنيين في هجوم على حاجز في درعا.", 4),
        # one count of soldiers, not two accounts of it
        ("قتل ضابط وثلاثة جنود في انفجار عبوة ناسفة عند مرور دوريتهم في العريش.", 4),
    ],
)
def test_listed_people_each_count(pipeline: Pipeline, text: str, expected: int) -> None:
    assert totals(pipeline, text) == [expected]


@pytest.mark.parametrize(
    ("text", "low", "best", "high", "fatalities"),
    [
        # (a vague amount with both ends is no figure in ACLED's column, as the coding guide records "dozens")
        ("قتل عشرات المدنيين في غارات على دوما.", 20, None, 99, 0),
        ("قتل أكثر من 20 شخصا في غارة على دوما.", 21, None, None, 21),
        ("قتل نحو 20 شخصا في غارة على دوما.", 20, 20, 20, 20),
        ("قتل ما لا يقل عن 20 شخصا في غارة على دوما.", 20, 20, None, 20),
        ("قتل 20 شخصا على الأقل في غارة على دوما.", 20, 20, None, 20),
        ("قتل المئات من عناصر التنظيم في المعارك على أطراف الرمادي.", 200, None, 999, 0),
        # two accounts of one toll: the lower is the best figure, both bound the range
        ("أسفر الانفجار عن مقتل جنديين بحسب الجيش التركي و8 جنود بحسب حزب العمال الكردستاني.", 2, 2, 8, 2),
    ],
)
def test_vague_amounts_become_ranges(
    pipeline: Pipeline, text: str, low: int | None, best: int | None, high: int | None, fatalities: int
) -> None:
    evs = [e for e in events(pipeline, text) if e.fields["killed"]]
    assert len(evs) == 1
    k = evs[0].fields["killed"]
    assert (k["low"], k["best"], k["high"]) == (low, best, high)
    row = acled_row(dict(evs[0].fields))
    assert row["fatalities"] == fatalities
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == tuple(
        "" if v is None else v for v in (low, best, high)
    )


def test_acled_and_geojson_carry_the_range_and_read_old_records() -> None:
    cols = list(ACLED_COLUMNS)
    assert cols[cols.index("fatalities") + 1 : cols.index("fatalities") + 4] == [
        "fatalities_low", "fatalities_best", "fatalities_high"
    ]
    # a record stored before ranges existed: its total is all three
    old = {"killed": {"total": 7, "bound": "exact"}, "location": {"lat": 35.0, "lon": 36.0}}
    row = acled_row(old)
    assert row["fatalities"] == 7 and row["fatalities_best"] == 7 and row["fatalities_high"] == 7
    dozens = {"killed": {"total": 20, "low": 20, "best": None, "high": 99}, "location": {"lat": 35.0, "lon": 36.0}}
    props = to_geojson([dozens])["features"][0]["properties"]
    assert (props["fatalities"], props["fatalities_low"], props["fatalities_best"], props["fatalities_high"]) == (
        0, 20, None, 99
    )
    assert acled_row({"killed": None})["fatalities"] == 0


def test_toll_rules_errors_name_the_file_and_line(tmp_path: Path) -> None:
    good = load_toll_rules()
    assert good.large_toll > 0
    bad = tmp_path / "tolls.yaml"
    text = resources.files("rasid.extract").joinpath("data/tolls.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("large_toll: 500", "large_toll: -1"), encoding="utf-8")
    with pytest.raises(EventLexiconError, match=r"tolls\.yaml:\d+: large_toll: must be a positive number"):
        load_toll_rules(str(bad))
    bad.write_text(text + "\nsurprise: [x]\n", encoding="utf-8")
    with pytest.raises(EventLexiconError, match=r"tolls\.yaml:\d+: surprise: unknown key"):
        load_toll_rules(str(bad))


def test_people_raided_are_not_the_dead(pipeline: Pipeline) -> None:
    text = "قتلت امرأة خلال حملة مداهمات نفذتها الشرطة في مدينة ديار بكر لمنازل مئات من الناشطين الأكراد اليوم."
    assert all((k.get("high") or 0) < 100 and (k.get("total") or 0) < 100 for k in killed(pipeline, text))


def test_a_count_of_a_groups_members_is_a_toll_a_count_of_groups_is_not(pipeline: Pipeline) -> None:
    assert totals(pipeline, "وقتل 9 من ميليشيات الحوثي في كمين نصبته المقاومة قرب مدينة البيضاء أمس.") == [9]
    assert totals(pipeline, "وشاركت 4 فصائل في الهجوم على مواقع قوات النظام قرب مدينة حلب أمس.") == []


def test_counts_of_two_sides_joined_by_and_add_up_with_their_sides(pipeline: Pipeline) -> None:
    text = "وأفادت مصادر طبية بمقتل 12 وإصابة 20 من الحوثيين ومقتل 4 وإصابة 9 من المقاومة الشعبية في مواجهات بمدينة تعز أمس."
    assert totals(pipeline, text) == [16]
    combatants = killed(pipeline, text)[0]["combatants"]
    assert sorted(c["count"] for c in combatants) == [4, 12]


def test_deaths_told_as_victims_of_the_attack_are_counted(pipeline: Pipeline) -> None:
    assert totals(pipeline, "وقصفت الطائرات بلدة كفرنبل في غارة راح ضحيتها أحد عشر مدنيا اليوم.") == [11]
    assert totals(pipeline, "وانفجرت سيارة مفخخة في سوق مدينة إعزاز أودت بحياة 6 مدنيين اليوم.") == [6]


def test_kin_named_with_the_victim_count_too(pipeline: Pipeline) -> None:
    assert totals(pipeline, "وقتل شاب وشقيقه برصاص مسلحين مجهولين في بلدة الحراك اليوم.") == [2]
