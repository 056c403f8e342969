"""Targets named before the event verb, and denied or disputed reports.

Fixtures are short reports written for these tests in the style of Syrian conflict news (not the seeds).
"""

from __future__ import annotations

import pytest

from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, full_pipeline, only


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


# --------------------------------------------------------------------------- targets before the verb


def test_an_object_put_first_and_taken_up_by_the_verb_is_the_target(pipeline: Pipeline) -> None:
    f = only(pipeline, "الميليشيات الإيرانية استهدفتها قوات النظام بصواريخ أرض أرض قرب البوكمال مساء الجمعة.")
    assert actor_id(f["actor1"]) == "saa"
    assert actor_id(f["actor2"]) == "iran_backed_militias"


def test_a_noun_with_its_possessor_is_not_a_fronted_object(pipeline: Pipeline) -> None:
    # "خلال قصفها": the forces' own shelling; they act, the town is hit.
    f = only(pipeline, "قتل مدنيان خلال قصفها بلدة معرة النعمان، بحسب ناشطين، وذلك بعد تقدم قوات النظام.")
    assert actor_id(f["actor1"]) != "civilians"


def test_victims_before_a_plural_verb_with_an_agent_after_the_means(pipeline: Pipeline) -> None:
    f = only(pipeline, "عناصر من قوات النظام لقوا مصرعهم وجرحوا بكمين نفذه مقاتلون من هيئة تحرير الشام قرب كبانة.")
    assert actor_id(f["actor1"]) == "hts"
    assert actor_id(f["actor2"]) == "saa"


def test_victims_after_an_unvocalised_passive_with_an_agent_after_the_means(pipeline: Pipeline) -> None:
    f = only(pipeline, "قتل جنود من قوات النظام بهجوم شنه تنظيم داعش على نقطة عسكرية في بادية حمص.")
    assert actor_id(f["actor1"]) == "isis"
    assert actor_id(f["actor2"]) == "saa"


def test_an_active_verb_with_its_object_keeps_subject_and_object(pipeline: Pipeline) -> None:
    # The agent cue belongs to the raid; the verb's own subject and object come first.
    f = only(pipeline, "قتلت قوات النظام أربعة من عناصر الفصائل في قصف شنته على مواقعهم بريف حماة.")
    assert actor_id(f["actor1"]) == "saa"


# --------------------------------------------------------------------------- denied and disputed


def test_a_denier_is_neither_actor_nor_source_but_the_incident_stays(pipeline: Pipeline) -> None:
    f = only(
        pipeline,
        "نفت وزارة الدفاع التركية أي صلة لها بالقذائف التي سقطت على بلدة تل رفعت، وأسفرت عن مقتل طفلين.",
    )
    assert f["killed"]["total"] == 2  # the shells did fall
    assert f["hedged"] and f["hedge_kind"] == "denial"
    assert f["actor1"] is None or "turk" not in str(actor_id(f["actor1"]))
    assert [d["text"] for d in f["denied_by"]] == ["وزارة الدفاع التركية"]
    assert f["attributed_to"] == []  # the denial is not a source of the report


def test_a_denial_after_the_report_hedges_it_and_drops_the_denied_perpetrator(pipeline: Pipeline) -> None:
    f = only(pipeline, "قصفت قوات النظام أحياء مدينة جسر الشغور بالمدفعية الثقيلة، فيما نفت قوات النظام ذلك.")
    assert f["hedged"] and f["hedge_kind"] == "denial"
    assert actor_id(f["actor1"]) is None and actor_id(f["actor2"]) is None
    assert [actor_id(d) for d in f["denied_by"]] == ["saa"]


def test_a_later_denial_of_something_else_leaves_the_report_as_told(pipeline: Pipeline) -> None:
    # The speaker tells the strike and denies the other side's claim: the strike is not denied.
    f = only(pipeline, "قصفت الطائرات الروسية مدينة أريحا بأربع غارات، نافيةً وجود أي مقاتلين في المنطقة.")
    assert not f["hedged"]
    assert actor_id(f["actor1"]) == "russian_air_force"


def test_a_claim_after_the_report_hedges_it_and_keeps_the_claimed_perpetrator(pipeline: Pipeline) -> None:
    f = only(pipeline, "قصفت الفصائل أحياء في مدينة حلب بالقذائف الصاروخية، بحسب ما ادعت وسائل إعلام النظام.")
    assert f["hedged"] and f["hedge_kind"] == "disputed"
    assert actor_id(f["actor1"]) == "opposition_factions"
    assert f["denied_by"] == []


def test_an_asserted_report_is_not_hedged(pipeline: Pipeline) -> None:
    f = only(pipeline, "قصفت قوات النظام أحياء مدينة جسر الشغور بالمدفعية الثقيلة، وفق ما أفاد ناشطون.")
    assert not f["hedged"] and f["denied_by"] == []
    assert actor_id(f["actor1"]) == "saa"


def test_a_weapon_taken_up_by_the_verb_is_not_a_target(pipeline: Pipeline) -> None:
    # "قذائف هاون أطلقها ...": the pronoun refers to the shells; whoever fired them acts.
    f = only(pipeline, "سقطت قذائف هاون أطلقها مسلحو تنظيم داعش على أحياء مدينة دير الزور صباح اليوم.")
    assert actor_id(f["actor1"]) == "isis"
    assert f["actor2"] is None or actor_id(f["actor2"]) is not None or "هاون" not in f["actor2"]["text"]


def test_a_source_retracting_its_story_does_not_hedge_the_corrected_account() -> None:
    from tests.extract.events.helpers import events

    text = (
        "قتل 4 من عناصر الأمن العسكري في اشتباكات مع مسلحين في حي الوعر بمدينة حمص، اليوم السبت.\n"
        "وكانت صفحة موالية ادعت أن قصفاً مدفعياً على الحي أسفر عن مقتل مدنيين، لتعود وتفند روايتها، "
        "بالتأكيد أن القتلى هم من عناصر الأمن العسكري.\n"
    )
    evs = events(full_pipeline(), text)
    clash = next(e for e in evs if e.sub_event_type == "Armed clash")
    assert clash.fields["killed"]["total"] == 4
    assert not clash.fields["hedged"]
    shelling = [e for e in evs if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert all(e.fields["hedged"] for e in shelling)  # the claim retracted stays hedged
