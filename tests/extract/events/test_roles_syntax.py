"""Who acted on whom, read from the Arabic clause (issue 14, item 5): the subject of the violent
verb acts, whatever the word order; the agent after "على يد" / "أطلقها" / "التابعة لـ" acts; what
is hit, and its owner, is the target; a relative clause about a place names no party; the group
of the killed never did it; a capital after "في" is a place; words are an actor only as the role
actor they name, and fragments never are.

Fixtures are short sentences written for these tests in the style of Syrian war news.
"""

from __future__ import annotations

from typing import Any

import pytest

from rasid.extract.events import actor_text_ok, event_lexicon
from rasid.extract.events.actor_text import names_party, role_actor, settle_unlinked
from rasid.extract.events.fields import RoleActor
from rasid.extract.events.roles import outside_place_clauses, place_metonym, victims_groups
from rasid.extract.events.sentence import ActorRef, SentenceView
from rasid.pipeline import Pipeline
from tests.extract.events.helpers import actor_id, events, full_pipeline, violent_fields


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return full_pipeline()


def _violent(pipeline: Pipeline, text: str) -> dict[str, Any]:
    return violent_fields(pipeline, text)


def _view(text: str) -> SentenceView:
    return SentenceView(text, 0, len(text), event_lexicon())


def _ref(view: SentenceView, surface: str, actor: str, side: str = "government") -> ActorRef:
    folded = _fold(surface)
    start = view.folded.index(folded)
    return ActorRef(start, start + len(folded), actor, surface, side)


def _fold(text: str) -> str:
    return _view(text).folded


# --------------------------------------------------------------------------- the verb's subject acts


@pytest.mark.parametrize(
    ("text", "doer", "target"),
    [
        # VSO: "أسقط X طائرة لـY": X acts; the aircraft's owner is the target
        ("أسقط تنظيم داعش طائرة مروحية لقوات النظام قرب مطار دير الزور العسكري.", "isis", "saa"),
        ("أسقطت فصائل المعارضة طائرة حربية تابعة لقوات النظام في ريف حماة الشمالي.", "opposition_factions", "saa"),
        # SVO after "إن": the noun before the verb is its subject
        ("وقال ناشطون إن قوات النظام قصفت مواقع لتنظيم داعش في محيط مدينة تدمر.", "saa", "isis"),
    ],
)
def test_the_subject_of_the_violent_verb_acts_and_the_owner_of_what_it_hit_is_the_target(
    pipeline: Pipeline, text: str, doer: str, target: str
) -> None:
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) == doer
    assert actor_id(f["actor2"]) == target


def test_the_doer_of_qama_bi_acts_and_what_its_noun_hits_is_the_target(pipeline: Pipeline) -> None:
    # "قامت X بقصف Y": X (a Turkish air force named by its nationality) acts; the group that uses
    # the tunnels is the target, not the actor.
    f = _violent(pipeline, "قامت مقاتلات تابعة لسلاح الجو التركي بقصف أنفاق يستخدمها تنظيم داعش في ريف حلب الشمالي.")
    assert actor_id(f["actor1"]) == "turkish_forces"
    assert actor_id(f["actor2"]) == "isis"


def test_qama_bi_with_its_target_owned_by_a_group(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "قامت طائرات حربية روسية بقصف مواقع لتنظيم داعش في بادية حمص الشرقية.")
    assert f["actor1"] is not None and f["actor1"]["side"] == "foreign_state"
    assert actor_id(f["actor2"]) == "isis"


# --------------------------------------------------------------------------- agents after cues


@pytest.mark.parametrize(
    ("text", "doer"),
    [
        # a fronted object taken up by the verb's pronoun: the faction that fired them acts
        ("سقطت قذائف أطلقتها فصائل المعارضة على حي الحمدانية في مدينة حلب، ما أدى إلى مقتل ثلاثة مدنيين.", "opposition_factions"),
        # "جراء غارة شنتها طائرات تابعة لـX": the aircraft of X did it
        ("قتل خمسة مدنيين جراء غارة شنتها طائرات حربية تابعة لقوات النظام على مدينة أريحا.", "saa"),
    ],
)
def test_the_agent_after_a_cue_acts_and_civilians_are_the_target(pipeline: Pipeline, text: str, doer: str) -> None:
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) == doer or (f["actor1"] or {}).get("name", "").startswith("Military Forces of Syria")
    assert (f["actor2"] or {}).get("side") == "civilian"


# --------------------------------------------------------------------------- the victims' group


def test_the_group_of_the_killed_is_the_target_never_the_perpetrator(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "لقي ثلاثة مقاتلين من قوات سوريا الديمقراطية حتفهم بانفجار لغم في ريف دير الزور الشرقي.")
    assert actor_id(f["actor1"]) != "sdf"
    assert actor_id(f["actor2"]) == "sdf"


def test_the_victims_group_found_by_its_casualty_words() -> None:
    text = "لقي ثلاثة مقاتلين من قوات سوريا الديمقراطية حتفهم بانفجار لغم."
    view = _view(text)
    sdf = _ref(view, "قوات سوريا الديمقراطية", "sdf", "kurdish_led")
    assert victims_groups(view, event_lexicon(), [sdf]) == [sdf]
    other = "هاجمت قوات سوريا الديمقراطية مواقع في ريف دير الزور."
    v2 = _view(other)
    assert victims_groups(v2, event_lexicon(), [_ref(v2, "قوات سوريا الديمقراطية", "sdf", "kurdish_led")]) == []


# --------------------------------------------------------------------------- two sides, allies


def test_sides_named_min_jiha_are_the_two_sides_of_the_clash(pipeline: Pipeline) -> None:
    text = "اندلعت اشتباكات عنيفة بين قوات النظام من جهة وتنظيم داعش من جهة أخرى في محيط مدينة تدمر."
    f = _violent(pipeline, text)
    assert {actor_id(f["actor1"]), actor_id(f["actor2"])} == {"saa", "isis"}


def test_the_regime_and_russia_as_attackers_name_both(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "شنت طائرات النظام وروسيا غارات جوية على مدينة سراقب أسفرت عن مقتل خمسة مدنيين.")
    ids = {actor_id(f["actor1"]), *(a.get("id") for a in f.get("assoc_actors") or [] if a.get("with") == 1)}
    assert "russia_government" in ids or "russian_forces" in ids
    assert (f["actor2"] or {}).get("side") == "civilian"


# --------------------------------------------------------------------------- places are no actors


def test_a_russia_iran_agreement_in_tehran_is_between_russia_and_iran(pipeline: Pipeline) -> None:
    evs = [e for e in events(pipeline, "وقعت روسيا وإيران اتفاقا عسكريا جديدا في طهران أمس.") if e.sub_event_type == "Agreement"]
    assert evs, "no agreement"
    f = evs[0].fields
    assert {actor_id(f["actor1"]), actor_id(f["actor2"])} == {"russia_government", "iran_government"}
    assert all(a.get("text") != "طهران" for a in f.get("assoc_actors") or [])


def test_a_capital_after_a_place_preposition_is_a_place(monkeypatch: pytest.MonkeyPatch) -> None:
    # (a capital the knowledge base lists as its government's metonym, if it links at all)
    from rasid.extract.events import roles

    monkeypatch.setattr(roles, "_metonym", lambda text: text in ("طهران", "روسيا"))
    text = "وقعت روسيا وإيران اتفاقا في طهران."
    view = _view(text)
    lex = event_lexicon()
    assert place_metonym(view, lex, _ref(view, "طهران", "iran_government", "foreign_state"))
    assert not place_metonym(view, lex, _ref(view, "روسيا", "russia_government", "foreign_state"))


def test_a_relative_clause_about_who_holds_a_place_tells_no_takeover() -> None:
    text = "قصفت قوات النظام بلدة كفرنبل التي تسيطر عليها المعارضة، ما أسفر عن مقتل طفلين."
    view = _view(text)
    lex = event_lexicon()
    hits = [h for h in view.find(lex.triggers) if h.payload is not None]
    kept = [view.folded[h.start : h.end] for h in outside_place_clauses(view, lex, hits)]
    assert "تسيطر" not in kept and "قصفت" in kept


def test_the_holder_of_the_place_takes_no_role(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "قصفت قوات النظام بلدة كفرنبل التي تسيطر عليها فصائل المعارضة، ما أسفر عن مقتل طفلين.")
    assert actor_id(f["actor1"]) == "saa"
    assert actor_id(f["actor2"]) != "opposition_factions"


# --------------------------------------------------------------------------- words are no actor of their own


@pytest.mark.parametrize(
    "fragment", ["الأقل", "يكون", "تستمر", "كلا", "الطريق الرئيسي", "وأدت", "داخل", "عاما", "حرقا", "البالغ", "ممثلين", "وأسرت"]
)
def test_fragments_never_stand_as_an_actor(fragment: str) -> None:
    assert not actor_text_ok(fragment, event_lexicon())
    assert not actor_text_ok(fragment, event_lexicon(), acting=True)


@pytest.mark.parametrize(
    ("words", "party"),
    [("المملكة تدين", False), ("حزامه الناسف", False), ("النار", False), ("مسلحون ملثمون", True),
     ("دبابة إسرائيلية", True), ("المقاومة الشعبية", True), ("جنودا متمردين", True)],
)
def test_the_acting_side_must_name_a_party(words: str, party: bool) -> None:
    lex = event_lexicon()
    assert names_party(_fold(words).split(), lex) is party
    assert actor_text_ok(words, lex, acting=True) is party


@pytest.mark.parametrize(
    ("words", "role", "plover", "expected"),
    [
        ("مسلحون ملثمون", 1, "ASSAULT", "Unidentified Armed Group"),
        ("انتحاريان", 1, "ASSAULT", "Unidentified Armed Group"),
        ("جنديين تركيين", 2, "ASSAULT", "Military Forces of Turkey"),
        ("الطلاب", 1, "PROTEST", "Protesters"),
        ("عشرات المدنيين", 2, "ASSAULT", "Civilians"),
    ],
)
def test_words_become_the_role_actor_they_name(words: str, role: int, plover: str, expected: str) -> None:
    view = _view(words)
    got = role_actor(view, event_lexicon(), RoleActor.words(words, (0, len(view.folded))), role, plover)
    assert got is not None and str(got.name).startswith(expected)
    assert got.text == words  # (the words stay for the notes and PLOVER)


def test_words_naming_no_role_actor_stay_words_only() -> None:
    view = _view("المتهمين")
    lex = event_lexicon()
    a1, a2 = settle_unlinked(view, lex, None, RoleActor.words("المتهمين", (0, 8)), "ASSAULT")
    assert a1 is None and a2 is not None and a2.id is None and a2.name is None


def test_gunmen_in_the_subject_win_over_a_known_actor_elsewhere(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "هاجم مسلحون مجهولون حاجزا لقوات النظام في مدينة درعا، ما أدى إلى مقتل عنصرين.")
    assert (f["actor1"] or {}).get("name", "").startswith("Unidentified Armed Group")
    assert actor_id(f["actor2"]) == "saa"


def test_representatives_alone_are_no_actor(pipeline: Pipeline) -> None:
    for e in events(pipeline, "اجتمع ممثلين عن الطرفين في أستانا أمس."):
        assert (e.fields.get("actor1") or {}).get("text") != "ممثلين"


# --------------------------------------------------------------------------- one party, not two


def test_a_force_named_with_the_party_it_belongs_to_is_one_party(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "جدد الطيران المروحي التابع للنظام قصفه بالبراميل المتفجرة على مدينة داريا.")
    assert (f["actor1"] or {}).get("name", "").startswith("Military Forces of Syria")
    assert f["actor2"] is None or not str(f["actor2"].get("name") or "").startswith(("Government of Syria", "Military Forces of Syria"))


def test_the_means_after_a_passive_names_its_owner_as_the_doer(pipeline: Pipeline) -> None:
    # "قتل مراسل بقصف لـX": the reporter was killed (passive), by shelling of X
    f = _violent(pipeline, "قتل مراسل لقناة محلية بقصف لفصائل المعارضة على ريف اللاذقية الشمالي.")
    assert actor_id(f["actor1"]) == "opposition_factions"
    assert actor_id(f["actor2"]) != "opposition_factions"


def test_a_group_counted_among_the_killed_anywhere_in_the_sentence_is_the_target(pipeline: Pipeline) -> None:
    text = (
        "وقال مصدر إن عناصر تنظيم داعش أطلقوا قذائف على ثكنات لقوات النظام في ريف حماة، "
        "ما أسفر عن مقتل 13 من قوات النظام."
    )
    f = _violent(pipeline, text)
    assert actor_id(f["actor1"]) == "isis"
    assert actor_id(f["actor2"]) == "saa"


def test_an_outlet_is_never_an_actor(pipeline: Pipeline) -> None:
    for e in events(pipeline, "استهدفت غارة روسية مكتب قناة الجزيرة في مدينة إدلب، ما أدى إلى إصابة صحفيين."):
        for role in ("actor1", "actor2"):
            assert actor_id(e.fields.get(role)) != "aljazeera"


# --------------------------------------------------------------------------- relative clauses, claims


def test_whoever_claims_the_event_did_it_and_the_relative_clause_object_is_the_target(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "تبنى تنظيم داعش التفجير الذي استهدف حاجزا لقوات سوريا الديمقراطية في ريف دير الزور.")
    assert actor_id(f["actor1"]) == "isis"
    assert actor_id(f["actor2"]) == "sdf"


def test_the_noun_before_a_relative_pronoun_is_the_subject_of_its_verb(pipeline: Pipeline) -> None:
    f = _violent(pipeline, "أفاد ناشطون بأن الطائرات الروسية التي قصفت مدينة إدلب أقلعت من قاعدة حميميم.")
    assert f["actor1"] is not None and str(f["actor1"].get("name")).startswith("Military Forces of Russia")


def test_an_accusative_person_noun_ends_the_subject_of_a_verb_first_clause(pipeline: Pipeline) -> None:
    # "اغتال مجهولون قياديا في الهيئة": gunmen (unidentified) did it, the commander's group is the target
    f = _violent(pipeline, "اغتال مجهولون قياديا في هيئة تحرير الشام بريف إدلب.")
    assert (f["actor1"] or {}).get("name", "").startswith("Unidentified Armed Group")
    assert actor_id(f["actor2"]) == "hts"


def test_the_group_of_the_dead_is_the_target_of_an_unclaimed_bombing(pipeline: Pipeline) -> None:
    counted = events(pipeline, "ولقي خمسة حوثيين مصرعهم في هجوم بسيارة مفخخة استهدف نقطة تفتيش في مدينة ذمار مساء أمس.")
    bomb = [e for e in counted if e.event_type == "Explosions/Remote violence"]
    assert bomb and bomb[0].fields["actor1"] is None and actor_id(bomb[0].fields["actor2"]) == "houthis"
    told = events(pipeline, "وأفاد مصدر أمني بأن ثلاثة من عناصر قوات الصحوة قتلوا بانفجار عبوة ناسفة قرب سيارتهم في مدينة الطارمية.")
    ied = [e for e in told if e.event_type == "Explosions/Remote violence"]
    assert ied and ied[0].fields["actor1"] is None and actor_id(ied[0].fields["actor2"]) == "sahwa"
    # the attacker named stays the attacker
    named = events(pipeline, "قتل خمسة من عناصر البيشمركة بقذائف أطلقها تنظيم داعش على بلدة مخمور اليوم.")
    shelled = [e for e in named if e.event_type == "Explosions/Remote violence"]
    assert shelled and actor_id(shelled[0].fields["actor1"]) == "isis"
