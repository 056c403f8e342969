"""Who did it to whom, second round (task J): a time word before a finite verb, a verb joined by
"و" opening the next clause, the claimant of an attack, what was hit naming whose it was, the
counted group of the dead as the target, dual verbs, victims named by their nationality, and
particles that are no actor.

Fixtures are short sentences written for these tests in the style of Syrian and Yemeni war news.
"""

from __future__ import annotations

from typing import Any

import pytest

from rasid.extract.events import actor_text_ok, event_lexicon
from rasid.extract.events.phrases import count_before
from rasid.extract.events.sentence import SentenceView
from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, events, full_pipeline, violent_fields


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def _violent(pipeline: Pipeline, text: str) -> dict[str, Any]:
    return violent_fields(pipeline, text)


def _text(actor: dict[str, Any] | None) -> str:
    return str((actor or {}).get("text") or "")


# --------------------------------------------------------------------------- clause reading


def test_a_time_word_before_a_finite_verb_makes_no_masdar_of_it(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وفي وقت مبكر امس، قصفت الطائرات الحربية التابعة للتحالف العربي مواقع للحوثيين في مأرب.")
    assert actor_id(f["actor1"]) == "saudi_forces"
    assert actor_id(f["actor2"]) == "houthis"


def test_a_verb_joined_by_wa_opens_the_next_clause_not_the_object(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وقتل رجل وأصيب خمسة آخرون بانفجار عبوة ناسفة في مدينة درعا.")
    assert f["actor1"] is None
    assert "رجل" in _text(f["actor2"]) or "رجل" in str((f.get("victims") or {}).get("text"))
    assert "أصيب" not in _text(f["actor2"]) and "وأصيب" not in _text(f["actor2"])


# --------------------------------------------------------------------------- claims


def test_who_announces_its_responsibility_for_the_attack_did_it(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "أعلن تنظيم داعش أمس مسؤوليته عن هجوم انتحاري بسيارة مفخخة قتل فيه خمسة أشخاص في حي بمدينة القامشلي.")
    assert actor_id(f["actor1"]) == "isis"


@pytest.mark.parametrize(
    "text",
    [
        "نفى تنظيم داعش مسؤوليته عن هجوم بسيارة مفخخة قتل فيه خمسة أشخاص في مدينة القامشلي.",
        "أعلن تنظيم داعش عدم مسؤوليته عن هجوم بسيارة مفخخة قتل فيه خمسة أشخاص في مدينة القامشلي.",
    ],
)
def test_a_denied_responsibility_claims_nothing(pipeline: Pipeline, text: str) -> None:
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) != "isis"


# --------------------------------------------------------------------------- what was hit


@pytest.mark.parametrize("hit", ["تجمعات", "تعزيزات", "آلية"])
def test_what_was_hit_names_whose_it_was_as_the_target(pipeline: Pipeline, hit: str) -> None:
    # (the verb's object is the strikes; the target is told in the clause after them)
    f = _violent(pipeline, f"وكانت الطائرات التركية شنت غارتين استهدفت {hit} لقوات سوريا الديمقراطية في ريف الحسكة.")
    assert actor_id(f["actor1"]) == "turkish_forces"
    assert actor_id(f["actor2"]) == "sdf"


# --------------------------------------------------------------------------- the group of the dead


def test_a_count_then_min_and_a_part_marks_the_group_of_the_dead(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "أعلنت القيادة مقتل عشرة من عناصر تنظيم داعش بضربة جوية استهدفت مقرهم في ريف الرقة.")
    assert actor_id(f["actor1"]) != "isis"
    assert actor_id(f["actor2"]) == "isis"
    # (the victims' words end where the means begins)
    assert "بضربة" not in str((f.get("victims") or {}).get("text"))


def test_a_dual_passive_verb_reports_its_victims(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وأوضح مصدر محلي أن اثنين من عناصر قوات سوريا الديمقراطية قتلا بتفجير عبوة ناسفة في ريف دير الزور.")
    assert actor_id(f["actor1"]) != "sdf"
    assert actor_id(f["actor2"]) == "sdf"


def test_a_count_before_min_counts_the_phrase_after_it() -> None:
    text = "إن اثنين من عناصر الشرطة قتلا"
    view = SentenceView(text, 0, len(text), event_lexicon())
    at = view.folded.index("عناصر")
    numbers: list[Any] = []  # (a digit-free count is found by the numbers the entity stage reads)
    assert not count_before(view, event_lexicon(), at, numbers)
    digits = "إن 2 من عناصر الشرطة قتلا"
    view2 = SentenceView(digits, 0, len(digits), event_lexicon())
    assert count_before(view2, event_lexicon(), view2.folded.index("عناصر"), numbers)
    assert not count_before(view2, event_lexicon(), view2.folded.index("الشرط"), numbers)


def test_victims_named_by_a_nationality_are_that_states_forces(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "أعلنت السلطات مقتل جنديين تركيين وجرح ثلاثة آخرين في انفجار لغم عند مرور دورية في ريف حلب.")
    assert f["actor1"] is None or actor_id(f["actor1"]) != "turkish_forces"
    assert actor_id(f["actor2"]) == "turkish_forces"


# --------------------------------------------------------------------------- fragments


@pytest.mark.parametrize("word", ["كما", "حيث", "وقد"])
def test_a_lone_particle_is_no_actor(word: str) -> None:
    assert not actor_text_ok(word, event_lexicon())


# --------------------------------------------------------------------------- round two


def test_a_protest_with_no_protesters_noun_still_names_what_it_is_against(pipeline: Pipeline) -> None:
    evs = [e for e in events(pipeline, "خرجت مظاهرات محدودة في مدينة إدلب ضد قرار رفع أسعار الخبز.") if e.event_type == "Protests"]
    assert evs
    assert "قرار" in str((evs[0].fields.get("protest_target") or {}).get("text"))


def test_the_party_the_victims_fought_with_did_it(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "قتل عشرون مسلحا في اشتباكات مع قوات سوريا الديمقراطية في ريف دير الزور.")
    assert actor_id(f["actor1"]) == "sdf"
    assert actor_id(f["actor2"]) != "sdf"


def test_a_state_across_the_border_is_a_place_not_a_party(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "قتل أربعة أشخاص بانفجار سيارة مفخخة في بلدة قريبة من الحدود مع تركيا.")
    assert actor_id(f["actor1"]) is None and actor_id(f["actor2"]) is None


def test_a_known_party_after_the_subject_takes_an_empty_target(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وكانت الطائرات التركية شنت غارتين استهدفت سيارة لقوات سوريا الديمقراطية في ريف الحسكة.")
    assert actor_id(f["actor1"]) == "turkish_forces"
    assert actor_id(f["actor2"]) == "sdf"


def test_others_hurt_are_no_party(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وقتل عنصران من قوات سوريا الديمقراطية وأصيب آخران بانفجار لغم في ريف الرقة.")
    assert actor_id(f["actor2"]) == "sdf"
    assert actor_id(f["actor1"]) is None


def test_an_unlinked_name_may_act_though_it_holds_no_party_noun() -> None:
    from rasid.extract.events.actor_text import checked_actor
    from rasid.extract.events.fields import RoleActor

    text = "وكانت طالبان خطفت ثلاثة مهندسين في ولاية قندهار."
    view = SentenceView(text, 0, len(text), event_lexicon())
    s = view.folded.index("طالبان")
    span = (s, s + len("طالبان"))
    words = RoleActor.words("طالبان", span)
    trigger_end = view.folded.index("خطفت") + len("خطفت")
    assert checked_actor(view, event_lexicon(), words, [], trigger_end) is None
    kept = checked_actor(view, event_lexicon(), words, [], trigger_end, named=[span])
    assert kept is not None and kept.text == "طالبان"


def test_a_second_bayna_opens_the_other_side_of_the_clash(pipeline: Pipeline) -> None:
    text = "ودارت اشتباكات عنيفة في ريف حماة بين قوات النظام وحزب الله، وبين مقاتلين من هيئة تحرير الشام."
    f = _violent(pipeline, text)
    assert {actor_id(f["actor1"]), actor_id(f["actor2"])} == {"saa", "hts"}


def test_fire_aimed_at_names_the_target_not_the_fire(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وقال مصدر إن مسلحين مجهولين أطلقوا النار على دورية للشرطة العسكرية في مدينة الباب.")
    assert "النار" not in _text(f["actor2"])
    assert "دورية" in _text(f["actor2"]) or (f["actor2"] or {}).get("id")


def test_a_plural_in_un_ends_the_subject_before_the_object(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وخطف مسلحون ملثمون مدير مدرسة في بلدة الصنمين بريف درعا.")
    assert "مسلحون" in _text(f["actor1"])
    assert "مدير" in _text(f["actor2"])


def test_the_subject_of_a_protest_verb_wins_over_protesters_named_far_from_it(pipeline: Pipeline) -> None:
    text = "وكان الآلاف من الطلاب قد خرجوا في مسيرات في مدينة حلب قبل إعلان نتائج الامتحانات، وكان المتظاهرون يهتفون في ساحة الجامعة."
    evs = [e for e in events(pipeline, text) if e.event_type == "Protests"]
    assert evs and "الطلاب" in _text(evs[0].fields.get("actor1"))


def test_a_protest_noun_keeps_the_protesters_named_after_it(pipeline: Pipeline) -> None:
    text = "وجابت التظاهرة شوارع مدينة السويداء، ورفع خلالها المتظاهرون لافتات تطالب برحيل المحافظ."
    evs = [e for e in events(pipeline, text) if e.event_type == "Protests"]
    assert evs and "المتظاهرون" in _text(evs[0].fields.get("actor1"))


def test_the_words_between_kana_and_qad_are_the_subject(pipeline: Pipeline) -> None:
    text = (
        "وكانت فرقة خاصة من قوات النظام قد قتلت أول من أمس أربعة من المتهمين بالهجوم الانتحاري الذي نفذته"
        " خلية من «القاعدة» على حاجز في ريف حمص."
    )
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) == "saa"
    assert "المتهمين" in _text(f["actor2"])


@pytest.mark.parametrize(
    "text",
    ["قتل مدنيان على يد عناصر من تنظيم داعش في ريف دير الزور.", "قتل مدنيان بنيران عناصر من تنظيم داعش في ريف دير الزور."],
)
def test_the_agent_after_its_cue_did_it_to_the_victims_before(pipeline: Pipeline, text: str) -> None:
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) == "isis"
    assert (f["actor2"] or {}).get("side") == "civilian"


def test_the_owner_of_what_was_hit_is_the_target(pipeline: Pipeline) -> None:
    text = "وقتل عشرة على الأقل في هجوم انتحاري بسيارة مفخخة استهدف دورية لقوات سوريا الديمقراطية في ريف الحسكة."
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) != "sdf"
    assert actor_id(f["actor2"]) == "sdf"


def test_a_name_after_a_singular_place_noun_is_part_of_the_place() -> None:
    from rasid.extract.events.roles import place_metonym
    from rasid.extract.events.sentence import ActorRef

    text = "انفجرت سيارة مفخخة في منطقة الشرطة الرابعة ببغداد وقصفت الشرطة المنطقة"
    view = SentenceView(text, 0, len(text), event_lexicon())
    first = view.folded.index("الشرط")
    second = view.folded.index("الشرط", first + 1)
    inside = ActorRef(first, first + 6, "iraq_police", "الشرطة", "government", 1, "Police Forces of Iraq (2014-)")
    acting = ActorRef(second, second + 6, "iraq_police", "الشرطة", "government", 1, "Police Forces of Iraq (2014-)")
    assert place_metonym(view, event_lexicon(), inside)
    assert not place_metonym(view, event_lexicon(), acting)


def test_fire_aimed_towards_names_the_target(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "وقال مصدر إن مسلحين مجهولين أطلقوا النار باتجاه دورية للشرطة العسكرية في مدينة الباب.")
    assert "النار" not in _text(f["actor2"])
    assert (f["actor2"] or {}).get("id") or "دورية" in _text(f["actor2"])
