"""Rules of Arabic war-news writing learned on the realnews key (issue 14): round-ups, stated days,
forecasts, launch and hospital sites, and the words that name an event. Every fixture is a short
report written for these tests, run through the real text, entity and event stages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rasid.document import Document
from rasid.extract.events import SentenceView, event_lexicon, event_record
from rasid.extract.events.incident import is_incident
from rasid.extract.events.incident_rules import incident_rules
from rasid.extract.events.roundup import _joined, named_list
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2024, 3, 9)  # a Saturday


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return build_pipeline(["text", "entities", "events"])


def records(pipeline: Pipeline, text: str, published: dt.date = PUBLISHED) -> list[dict[str, Any]]:
    return [event_record(e) for e in pipeline(Document(id="t", text=text, published=published)).events]


def place(record: dict[str, Any]) -> str | None:
    loc = record.get("location") or {}
    return loc.get("name_en") or loc.get("text")


def actor(record: dict[str, Any], role: str) -> str | None:
    return (record.get(role) or {}).get("id")


# -- round-ups ---------------------------------------------------------------------------------


def test_round_up_places_stay_apart_when_a_summary_sentence_joins_one(pipeline: Pipeline) -> None:
    text = (
        "نفذ الطيران الحربي غارات على مواقع التنظيم شرقي الرمادي اليوم.\n"
        "وقال مصدر عسكري إن الغارات استهدفت مناطق الحصيبة والملاحمة والبوعلوان وأوقعت قتلى في صفوف المسلحين.\n"
    )
    strikes = [r for r in records(pipeline, text) if r["event_type"] == "Explosions/Remote violence"]
    assert sorted(place(r) or "" for r in strikes) == ["Al Bu Alwan", "Al Mallahmah", "Husaybah al-Sharqiyah"]
    # the places of one list share the roles the report gives the list
    assert len({(actor(r, "actor1"), actor(r, "actor2")) for r in strikes}) == 1


def test_a_round_up_place_does_not_fold_into_another_town_told_before(pipeline: Pipeline) -> None:
    text = (
        "سيطرت المقاومة اليوم على مدينة الحوطة.\n"
        "وسيطرت المقاومة كذلك على منطقتي الرباط والفيوش بعد معارك مع الحوثيين.\n"
    )
    captures = [r for r in records(pipeline, text) if r["sub_event_type"] == "Non-state actor overtakes territory"]
    assert sorted(place(r) or "" for r in captures) == ["Al Fayush", "Al Hawtah", "Ar Ribat"]


def test_a_round_up_clause_after_a_comma_is_an_incident_of_its_own(pipeline: Pipeline) -> None:
    text = (
        "قتلت المقاومة الشعبية أربعة مسلحين حوثيين في كمين قرب مدينة مقبنة اليوم، "
        "وفي المخا شنت طائرات التحالف غارات جوية على مقر اللواء.\n"
    )
    found = {(r["event_type"], place(r)) for r in records(pipeline, text)}
    assert found == {("Battles", "Maqbanah"), ("Explosions/Remote violence", "Mocha")}


def _view(text: str) -> SentenceView:
    return SentenceView(text, 0, len(text), event_lexicon())


def test_two_names_side_by_side_are_one_place_not_a_list() -> None:
    words = incident_rules().place_list_words
    view = _view("في قيفة رداع وفي الحصيبة والملاحمة")
    folded = view.folded
    # "قيفة رداع": nothing between the names → the town a place belongs to, no list
    assert not _joined(view, folded.index("قيفه") + len("قيفه"), folded.index("رداع"), words)
    # "الحصيبة والملاحمة": joined by "و" → a list
    assert _joined(view, folded.index("الحصيبه") + len("الحصيبه"), folded.index("الملاحمه"), words)


def test_a_list_ends_after_its_name_joined_by_wa() -> None:
    view = _view("بعد مدينتي الضالع وعدن، بدعم من قوات التحالف")
    items = named_list(view, 0, len(view.folded), incident_rules())
    assert [view.folded[s:e] for s, e in items] == ["الضالع", "عدن"]


def test_two_names_side_by_side_give_one_incident(pipeline: Pipeline) -> None:
    text = "نصبت المقاومة كمينا لدورية حوثية في قيفة رداع وقتلت ثمانية مسلحين.\n"
    assert len([r for r in records(pipeline, text) if r["event_type"] == "Battles"]) == 1


# -- days ------------------------------------------------------------------------------------------


def test_a_stated_weekday_wins_over_a_wire_storys_today(pipeline: Pipeline) -> None:
    text = "سيطرت قوات المقاومة اليوم الأربعاء على مدينة الحوطة بعد اشتباكات مع المسلحين الحوثيين.\n"
    [capture] = records(pipeline, text)
    assert capture["date"] == "2024-03-06"  # Wednesday, not the Saturday the paper came out


def test_the_day_an_incident_is_told_on_outweighs_the_day_the_source_spoke(pipeline: Pipeline) -> None:
    text = (
        "قتل خمسة أشخاص في تفجير سيارة مفخخة في بلدة مندلي مساء أول أمس، بحسب ما أفادت مصادر أمنية أمس.\n"
        "كما قتل جنديان في انفجار عبوة ناسفة عند حاجز في الطارمية.\n"
    )
    by_place = {place(r): r["date"] for r in records(pipeline, text)}
    assert by_place["Mandali"] == "2024-03-07"
    assert by_place["Tarmiyah"] == "2024-03-07"  # the undated one goes on with the report's day


def test_a_lone_weekday_word_that_is_a_numeral_dates_nothing(pipeline: Pipeline) -> None:
    text = "انفجرت شاحنة محملة بطنين اثنين من المتفجرات قرب مخفر في قضاء دوغو بيازيد، ما أدى إلى مقتل جنديين.\n"
    blasts = [r for r in records(pipeline, text) if r["event_type"] == "Explosions/Remote violence"]
    assert blasts and all(r["date"] == "2024-03-09" for r in blasts)  # not Monday 4 March


# -- what is no incident ----------------------------------------------------------------------------


def test_a_window_still_to_come_dates_a_forecast_after_publication(pipeline: Pipeline) -> None:
    text = "أكد قائد عسكري تحرير مدينة الرمادي بالكامل خلال الأسبوعين المقبلين.\n"
    found = records(pipeline, text)
    assert found and all("after_publication" in r["special"] for r in found)


def test_what_an_expecting_verb_governs_is_a_forecast(pipeline: Pipeline) -> None:
    assert records(pipeline, "وتوقع مسؤول عسكري يمني، تحرير قاعدة العند من المسلحين خلال ساعات.\n") == []
    # (in a relative clause the verb frames a time: what was done is still told)
    text = "اختطف مسلحون سبعة جنود في قرية الحوطة، في الوقت الذي تتوقع فيه السلطات الإفراج عن آخرين.\n"
    assert [r["sub_event_type"] for r in records(pipeline, text)] == ["Abduction/forced disappearance"]


def test_what_is_done_every_day_is_no_incident(pipeline: Pipeline) -> None:
    assert records(pipeline, "ويشن الجيش التركي يوميا غارات جوية على مواقع المسلحين في جبال قنديل.\n") == []


def test_a_sum_up_of_the_report_is_no_incident(pipeline: Pipeline) -> None:
    assert records(pipeline, "وبذلك تكون قوات المقاومة قد سيطرت على ثالث مدينة في الجنوب.\n") == []


def test_suspended_operations_are_no_strike(pipeline: Pipeline) -> None:
    text = "علقت القوات العمليات العسكرية من قصف جوي على أحياء الفلوجة لإفساح المجال أمام الأهالي.\n"
    assert records(pipeline, text) == []


def test_a_news_agency_name_is_no_rumour(pipeline: Pipeline) -> None:
    text = "أفادت وكالة الأنباء اليمنية أن معارك عنيفة دارت اليوم بين المقاومة والحوثيين في جبل صبر.\n"
    [battle] = records(pipeline, text)
    assert battle["hedged"] is False and not battle["special"]


# -- places ------------------------------------------------------------------------------------------


def test_where_the_dead_were_taken_is_not_where_they_died(pipeline: Pipeline) -> None:
    text = "قتل ثلاثة مدنيين في انفجار عبوة ناسفة في محافظة ديالى أمس، ونقلت جثثهم إلى مستشفى بلدة مندلي.\n"
    [blast] = records(pipeline, text)
    assert place(blast) == "Diyala"


def test_near_a_place_is_not_from_it(pipeline: Pipeline) -> None:
    text = "أحبطت القوات أمس هجوما للمسلحين على الحدود السعودية القريبة من محافظة الحرث.\n"
    [battle] = records(pipeline, text)
    assert place(battle) == "Al Harth"


def test_a_launch_country_is_never_the_place_a_shell_hit(pipeline: Pipeline) -> None:
    text = "أصيب مقيم بجروح إثر سقوط مقذوف عسكري من داخل الأراضي اليمنية أمس.\n"
    assert all(place(r) != "Yemen" for r in records(pipeline, text) if r["event_type"] == "Explosions/Remote violence")


# -- words that name the event and its parties -------------------------------------------------------


def test_a_projectile_falling_is_shelling_and_rescuers_do_not_fire_it(pipeline: Pipeline) -> None:
    text = (
        "وأوضح المتحدث الرسمي للدفاع المدني أنه في تمام الساعة العاشرة من صباح أمس باشرت فرق الدفاع المدني "
        "بلاغا عن سقوط مقذوف على منزل بقرية المغيرة، نتج منه إصابة مقيم.\n"
    )
    [shell] = records(pipeline, text)
    assert shell["sub_event_type"] == "Shelling/artillery/missile attack"
    assert actor(shell, "actor1") != "white_helmets"


def test_two_rockets_are_a_rocket_attack(pipeline: Pipeline) -> None:
    text = "أطلق مسلحو التنظيم صاروخين على ثكنة عسكرية في قرية حسن شامي فقتل جنديان.\n"
    assert {r["event_type"] for r in records(pipeline, text)} == {"Explosions/Remote violence"}


def test_the_passive_of_assassinate_tells_an_assassination(pipeline: Pipeline) -> None:
    text = "اغتيل قيادي في حركة فتح يوم السبت في مخيم عين الحلوة برصاص مسلحين.\n"
    killings = [r for r in records(pipeline, text) if place(r) == "Ain al-Hilweh"]
    assert killings and all(is_incident(r) for r in killings)


def test_a_link_trailer_repeating_the_title_is_cut_and_tells_nothing(pipeline: Pipeline) -> None:
    from rasid.ingest.clean import clean_text

    body = (
        "قتل أربعة مدنيين في غارة جوية على سوق بلدة مندلي أمس، بحسب مصادر طبية. "
        "وقال شهود إن الغارة دمرت عددا من المحال. رابط الخبر بصحيفة الأخبار: غارة جديدة على بلدة مندلي"
    )
    cleaned = clean_text(body).text
    assert "رابط الخبر" not in cleaned and "غارة جديدة" not in cleaned
    assert "دمرت عددا من المحال" in cleaned


def test_a_day_ahead_keeps_its_weekday_ahead() -> None:
    from rasid.document import Mention
    from rasid.extract.events.dates import stated_weekday

    ahead = Mention(0, 14, "بعد غد الاثنين", "time", None, attrs={"kind": "relative", "precision": "day"})
    assert stated_weekday(ahead, "2015-07-23") == "2015-07-23"
    back = Mention(0, 9, "أمس الأحد", "time", None, attrs={"kind": "relative", "precision": "day"})
    assert stated_weekday(back, "2015-07-22") == "2015-07-19"  # Wednesday's "yesterday, Sunday"
