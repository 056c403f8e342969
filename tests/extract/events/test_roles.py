"""Actor and casualty coding a conflict monitor checks first: victims broken down by bare singular
nouns, places that are no target actor, unlinked actor texts that are no actor, and the two sides
of a clash named by its casualty breakdown.

Fixtures are short reports written for these tests in the style of Syrian conflict news (not the seeds).
"""

from __future__ import annotations

from typing import Any

import pytest

from rasid.document import Event
from rasid.extract.events import actor_text_ok, event_lexicon
from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, events, full_pipeline, mention, named, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def with_mentions(text: str, *names: tuple[str, str, str, dict[str, Any]]) -> list[Event]:
    """The event stage on `text` with the given (surface, type, id, attrs) names only."""
    return named(text + "\n", [mention(text, surface, kind, kb_id, attrs) for surface, kind, kb_id, attrs in names])


# --------------------------------------------------------------------------- bare nouns in a breakdown


@pytest.mark.parametrize(
    ("text", "children", "women"),
    [
        ("قالت مصادر محلية إن قصفا مدفعيا استهدف بلدة كفرنبل، ما أسفر عن مقتل خمسة مدنيين بينهم طفلان وامرأة، وإصابة تسعة آخرين.", 2, 1),
        ("لقي ثمانية مدنيين حتفهم بينهم امرأتان وطفل جراء غارة جوية على سوق بلدة سرمين.", 1, 2),
        ("قتل عشرة مدنيين بينهم أربعة أطفال ورجل مسن وامرأة بقصف صاروخي على قرية البارة في جبل الزاوية.", 4, 1),
        ("أسفر القصف على حي الصاخور عن مقتل ستة مدنيين بينهم طفلة وسيدتان.", 1, 2),
    ],
)
def test_a_bare_singular_or_dual_in_the_breakdown_counts_one_or_two(
    pipeline: Pipeline, text: str, children: int, women: int
) -> None:
    killed = [e.fields["killed"] for e in events(pipeline, text) if e.fields.get("killed")]
    assert killed, "no killed record"
    assert killed[0]["children"] == children
    assert killed[0]["women"] == women


def test_a_singular_noun_outside_a_breakdown_is_no_extra_count(pipeline: Pipeline) -> None:
    # "رجل" here is who was quoted, not a victim in the list.
    text = "قتل ثلاثة مدنيين بينهم طفل في قصف على بلدة الهبيط، وقال رجل من أهالي البلدة إن القصف استمر ساعتين."
    killed = [e.fields["killed"] for e in events(pipeline, text) if e.fields.get("killed")]
    assert killed[0]["total"] == 3 and killed[0]["children"] == 1
    assert killed[0]["women"] is None


# --------------------------------------------------------------------------- a place is no actor


def test_a_town_hit_by_an_airstrike_is_not_the_target_actor(pipeline: Pipeline) -> None:
    f = only(pipeline, "شنت طائرات حربية غارات على قرية كفرسجنة بريف إدلب، ما أسفر عن مقتل رجل وإصابة آخرين.")
    assert f["actor2"] is None


@pytest.mark.parametrize(
    ("victims", "expected_side"),
    [("أربعة مدنيين", "civilian"), ("أربعة أشخاص", None)],
)
def test_a_place_target_gives_way_to_the_victims(victims: str, expected_side: str | None) -> None:
    # The town is no place mention here (unknown to the gazetteer): the word "مدينة" before it says it is a place.
    text = f"قصفت طائرات حربية روسية مدينة أريحا في ريف إدلب، ما أسفر عن مقتل {victims}."
    [f] = [e.fields for e in with_mentions(text, ("طائرات حربية روسية", "actor", "russian_air_force", {"side": "foreign_state", "inter": 8}))]
    assert actor_id(f["actor1"]) == "russian_air_force"
    if expected_side is None:
        assert f["actor2"] is None
    else:
        assert f["actor2"] is not None and f["actor2"]["side"] == expected_side


def test_a_market_in_a_town_is_not_the_target_actor(pipeline: Pipeline) -> None:
    f = only(pipeline, "لقي ثمانية أشخاص حتفهم في غارة على سوق بلدة سرمين بريف إدلب.")
    assert f["actor2"] is None or actor_id(f["actor2"]) is not None


# --------------------------------------------------------------------------- unlinked texts that are no actor


@pytest.mark.parametrize(
    "text",
    ["إيرانية", "تركمانية", "صاروخي", "مدفعية", "سماهم", "أحكمت قواتنا", "أطلقت", "صواريخ غراد"],
)
def test_words_that_cannot_be_an_actor(text: str) -> None:
    assert not actor_text_ok(text, event_lexicon())


@pytest.mark.parametrize(
    "text",
    ["مسلحون مجهولون", "عناصر الفصائل", "قواتنا", "الإيرانيين", "ميليشيات محلية", "مقاتلو العشائر", "مدنيين"],
)
def test_noun_phrases_that_can_be_an_actor(text: str) -> None:
    assert actor_text_ok(text, event_lexicon())


def unlinked_texts(evs: list[Event]) -> list[str]:
    out = []
    for e in evs:
        for role in ("actor1", "actor2"):
            a = e.fields.get(role)
            if a and not a.get("id"):
                out.append(str(a.get("text")))
    return out


@pytest.mark.parametrize(
    ("text", "junk"),
    [
        ("اندلعت اشتباكات عنيفة بين ميليشيات تركمانية وكردية في ريف الرقة أسفرت عن مقتل أربعة عناصر.", "كردية"),
        ("قتل مدنيان في قصف صاروخي على حي السكري، وتتهم مصادر محلية الفصائل المتمركزة في الريف الغربي.", "صاروخي"),
        ("وقال البيان: أحكمت قواتنا السيطرة على قرى المشيرفة وتل الصحن بعد معارك مع التنظيم.", "قرى"),
        ("قتل ثلاثة عناصر من الشرطة بانفجار عبوة زرعها من سماهم البيان الخارجين عن القانون قرب دوار الساعة.", "بانفجار"),
    ],
)
def test_no_verb_adjective_or_weapon_is_coded_as_an_unlinked_actor(pipeline: Pipeline, text: str, junk: str) -> None:
    lex = event_lexicon()
    texts = unlinked_texts(events(pipeline, text))
    assert all(actor_text_ok(t, lex) for t in texts), texts
    assert not any(junk in t.split() for t in texts), texts


# --------------------------------------------------------------------------- the sides of a clash


def test_the_clash_sides_are_the_two_sides_of_the_casualty_breakdown(pipeline: Pipeline) -> None:
    text = (
        "ووثق المرصد السوري مقتل 62 عنصرا من قوات النظام و37 عنصرا من هيئة تحرير الشام "
        "في المعارك الدائرة على محاور ريف حماة الشمالي، وسط مشاركة فصائل المعارضة في القتال."
    )
    clashes = [e.fields for e in events(pipeline, text) if e.sub_event_type == "Armed clash"]
    assert clashes, "no clash"
    f = clashes[0]
    assert {actor_id(f["actor1"]), actor_id(f["actor2"])} == {"saa", "hts"}
    assert sorted(c["count"] for c in f["killed"]["combatants"]) == [37, 62]


def test_the_clash_sides_come_from_the_breakdown_across_sentences(pipeline: Pipeline) -> None:
    text = (
        "قال الجيش إن وحداته تخوض منذ الصباح معارك ضد فصائل مسلحة على أطراف مدينة حماة.\n"
        "ووثق المرصد السوري مقتل 48 عنصرا من هيئة تحرير الشام و30 عنصرا من قوات النظام في معارك حماة."
    )
    clashes = [e.fields for e in events(pipeline, text) if e.sub_event_type == "Armed clash" and e.fields.get("killed")]
    assert clashes, "no clash with casualties"
    f = clashes[0]
    assert {actor_id(f["actor1"]), actor_id(f["actor2"])} == {"saa", "hts"}


def test_an_event_noun_or_its_means_is_no_actor(pipeline: Pipeline) -> None:
    # "بانفجار" after the verb is how they died, and the fighters before it are the victims.
    f = only(pipeline, "وأفادت مصادر محلية أن ثلاثة عناصر من قوات النظام قتلوا بانفجار لغم أرضي في ريف درعا الشرقي.")
    assert actor_id(f["actor1"]) != "saa"
    assert actor_id(f["actor2"]) == "saa"


def test_victims_counted_before_a_plural_verb_are_no_acting_side(pipeline: Pipeline) -> None:
    f = only(pipeline, "وقال مصدر طبي إن خمسة أشخاص قتلوا جراء ضربة جوية على أطراف بلدة الدانا.")
    assert f["actor1"] is None or "أشخاص" not in str(f["actor1"].get("text"))
    assert f["actor2"] is not None and "أشخاص" in str(f["actor2"]["text"])


def test_allied_sides_in_the_toll_leave_the_opponent_in_place(pipeline: Pipeline) -> None:
    # Both counted groups fight on the government side: the clash was with the third actor.
    text = "وأحصى المرصد السوري مقتل 14 عنصرا من قوات النظام و6 عناصر من الميليشيات الإيرانية في اشتباكات مع هيئة تحرير الشام قرب سراقب."
    clashes = [e.fields for e in events(pipeline, text) if e.sub_event_type == "Armed clash"]
    assert clashes and "hts" in {actor_id(clashes[0]["actor1"]), actor_id(clashes[0]["actor2"])}


@pytest.mark.parametrize(
    "text",
    [
        "وقضى 9 مدنيين بينهم 3 أطفال يوم الأحد، جراء شن الطائرات الحربية الروسية غارة على سوق مدينة سرمين، وفق الدفاع المدني.",
        "قتل ستة مدنيين بشن الطائرات الحربية الروسية غارات على سوق مدينة معرة النعمان.",
    ],
)
def test_the_complement_of_shann_launched_the_strike(pipeline: Pipeline, text: str) -> None:
    # "جراء شن X غارة على Y": X launched the strike (actor1); the killed civilians are its target.
    fields = only(pipeline, text)
    assert fields["actor1"] is not None and "الطائرات الحربية الروسية" in fields["actor1"]["text"]
    assert fields["actor2"] is not None and fields["actor2"].get("side") == "civilian"


def test_a_masdar_of_killing_still_names_the_victims(pipeline: Pipeline) -> None:
    fields = only(pipeline, "أعلن الدفاع المدني عن مقتل أربعة مدنيين جراء قصف مدفعي على بلدة كفرنبل.")
    assert fields["actor2"] is not None and fields["actor2"].get("side") == "civilian"
    assert fields["actor1"] is None or fields["actor1"].get("side") != "civilian"
