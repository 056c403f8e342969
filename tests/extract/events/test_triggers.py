"""Rules added to the event stage: negation/plans/background, withdrawal coding, merging, sources,
phrase matching, and the sample-corpus gold evaluation. Fixtures are written for these tests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from rasid.document import Document
from rasid.eval.events import match_events
from rasid.extract.events import EventStage, PhraseSet, SentenceView, event_lexicon
from rasid.text.normalize import normalize
from tests.extract.events.helpers import analysed, named, with_names

PUBLISHED = dt.date(2024, 5, 18)  # a Saturday


def run(text: str, published: dt.date | None = PUBLISHED) -> Document:
    """The event stage on `text` without name mentions (actors read from the words only)."""
    return EventStage()(with_names(analysed(text, published), ()))


def subtypes(doc: Document) -> list[str]:
    return [e.sub_event_type for e in doc.events]


def test_negation_several_words_before_trigger_cancels_it() -> None:
    doc = run("وأوضح الجيش أن المسلحين لم يثبتوا مواقع انتشارهم داخل البلدة بسبب الغارات الجوية.\n")
    assert "Air/drone strike" not in subtypes(doc)
    # the same clause without the negation is an airstrike
    doc = run("وأوضح الجيش أن المسلحين فقدوا مواقع انتشارهم داخل البلدة بسبب الغارات الجوية.\n")
    assert "Air/drone strike" in subtypes(doc)


def test_planned_counter_attack_is_not_an_event() -> None:
    doc = run("أعلنت القيادة العسكرية التجهيز لهجوم مضاد على البلدة خلال الأيام المقبلة.\n")
    assert not [e for e in doc.events if e.event_type == "Battles"]


def test_phone_call_is_not_a_meeting() -> None:
    doc = run("وبحث وزير الخارجية في اتصال هاتفي مع نظيره التطورات الأخيرة في المنطقة.\n")
    assert not [e for e in doc.events if e.fields.get("plover_type") == "CONSULT"]


def test_withdrawal_is_retreat_and_handover_is_transfer() -> None:
    alone = run("انسحبت القوات الروسية اليوم من مواقعها في المنطقة الصناعية.\n")
    ev = [e for e in alone.events if e.fields["plover_type"] == "RETREAT"]
    assert ev and ev[0].event_type == "Strategic developments" and ev[0].sub_event_type == "Other"
    handed = run("انسحبت القوات الروسية اليوم من مواقعها في المنطقة الصناعية وسلمتها لمجموعة محلية.\n")
    ev = [e for e in handed.events if e.fields["plover_type"] == "RETREAT"]
    assert ev and ev[0].sub_event_type == "Non-violent transfer of territory"


def test_since_year_is_not_the_event_date() -> None:
    doc = run("ورصد ناشطون اشتباكات عنيفة على أطراف البلدة هي الأولى منذ عام 2016.\n")
    clashes = [e for e in doc.events if e.sub_event_type == "Armed clash"]
    assert clashes
    assert not str(clashes[0].fields["date"]).startswith("2016")


def test_background_sentence_starts_no_event() -> None:
    doc = run("ويأتي ذلك بعد أيام من اشتباكات دامية شهدها الحي بين مجموعتين مسلحتين.\n")
    assert not doc.events


def test_stray_fragment_is_not_a_source() -> None:
    doc = run('وأضاف أن "الهجوم على القرية أسفر عن مقتل 3 مدنيين"، حسب تعبيره.\n')
    texts = [a["text"] for e in doc.events for a in e.fields["attributed_to"]]
    assert doc.events and "تعبيره" not in texts
    doc = run("وقتل 3 مدنيين بقصف مدفعي على القرية، بحسب ناشطين محليين.\n")
    texts = [a["text"] for e in doc.events for a in e.fields["attributed_to"]]
    assert any("ناشطين" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # the act reported after the source ("بقيام …") is not part of its name
        ("وأفادت مصادر كردية بقيام القوات الروسية بسحب عناصرها من مطار القامشلي، اليوم السبت.\n", "مصادر كردية"),
        # a coordination committee in quotes, with the time between it and "إن"
        ("وقالت «تنسيقية مدينة الرستن» أمس، إن 3 مدنيين قتلوا بقصف مدفعي على المدينة.\n", "تنسيقية مدينة الرستن"),
        # the observing verb's object and "بحسب ما أفادت" are not the source's name
        ("رصد المرصد السوري لحقوق الإنسان سقوط عدة قذائف صاروخية على حي الوعر في مدينة حمص.\n", "المرصد السوري لحقوق الإنسان"),
        ("وقتل 5 مدنيين في اشتباكات بحي الوعر، بحسب ما أفادت مصادر محلية لعنب بلدي.\n", "مصادر محلية لعنب بلدي"),
    ],
)
def test_source_phrases_end_where_the_report_starts(text: str, source: str) -> None:
    from rasid.stages import build_pipeline

    doc = build_pipeline(["text", "entities", "events"])(Document(id="s", text=text, published=PUBLISHED))
    assert [a["text"] for e in doc.events for a in e.fields["attributed_to"]] == [source]


def test_reports_on_different_stated_days_stay_apart() -> None:
    text = (
        "قصف مدفعي على بلدة كفرنبل\n"
        "وقتل مدنيان يوم الخميس بقصف مدفعي على بلدة كفرنبل.\n"
        "وأفاد ناشطون أن الطقس كان باردا.\n"
        "وأفاد ناشطون أن الطقس كان ماطرا.\n"
        "وقتل 4 مدنيين يوم الجمعة بقصف مدفعي على بلدة كفرنبل.\n"
    )
    doc = run(text)
    shelling = [e for e in doc.events if e.sub_event_type == "Shelling/artillery/missile attack"]
    dates = sorted(str(e.fields["date"]) for e in shelling)
    assert len(shelling) == 2 and dates[0] != dates[1]


def test_headline_joins_first_body_report_only() -> None:
    text = (
        "اشتباكات عنيفة في بلدة كفرنبل\n"
        "اندلعت اشتباكات عنيفة اليوم السبت بين مجموعتين مسلحتين في بلدة كفرنبل.\n"
    )
    doc = run(text)
    clashes = [e for e in doc.events if e.sub_event_type == "Armed clash"]
    assert len(clashes) == 1 and clashes[0].fields.get("more_evidence")


def test_conjoined_agents_are_associated_not_targets() -> None:
    from rasid.document import Mention

    text = "شنت طائرات النظام وروسيا غارات على بلدة كفرنبل.\n"
    s1 = text.index("النظام")
    s2 = text.index("روسيا")
    mentions = (
        Mention(s1, s1 + len("النظام"), "النظام", "actor", "syrian_government", attrs={"side": "government", "inter": 1}),
        Mention(s2, s2 + len("روسيا"), "روسيا", "actor", "russia", attrs={"side": "foreign_state", "inter": 8}),
    )
    strikes = [e for e in named(text, mentions, PUBLISHED) if e.sub_event_type == "Air/drone strike"]
    assert strikes
    f = strikes[0].fields
    assert f["actor1"]["id"] == "syrian_government"
    assert (f["actor2"] or {}).get("id") != "russia"
    assert any(a["id"] == "russia" and a["with"] == 1 for a in f["assoc_actors"])


def _flat_regex_hits(ps: PhraseSet, folded: str) -> list[tuple[int, int, str]]:
    """Reference: one flat longest-first alternation (what the prefix tree must reproduce)."""
    alt = [re.escape(f).replace(r"\ ", r"\s+") for f in sorted(ps.exact_forms, key=len, reverse=True)]
    rx = re.compile(r"(?<!\w)(?:[وف])?(?:بال|كال|لل|ال|[بلك])?(?P<x>" + "|".join(alt) + r")(?!\w)")
    return [(m.start("x"), m.end(), " ".join(m.group("x").split())) for m in rx.finditer(folded)]


def test_prefix_tree_matching_equals_flat_alternation() -> None:
    ps = PhraseSet(["قصف", "قصف جوي", "قصف جوي روسي", "قذيفة", "قذائف", "غارة", "غارات جوية"])
    text = normalize("وقصف جوي روسي والقصف الجوي وقصف جوي وبقذائف الهاون وغارات جوية وغارة والقصفية قصفجوي").text
    got = [(h.start, h.end, h.form) for h in ps.find(text)]
    assert got == _flat_regex_hits(ps, text)
    assert got[0][2] == "قصف جوي روسي"  # the longest form wins
    stems = PhraseSet(["قصف*"])
    assert [h.form for h in stems.find(normalize("قصفت الطائرات وقصفها").text)] == ["قصف", "قصف"]


def test_sentence_view_maps_offsets_with_diacritics() -> None:
    text = "مقدمة.\nقَصَفَتْ الطائراتُ غاراتٍ على البلدة.\n"
    lex = event_lexicon()
    start = text.index("قَصَفَتْ")
    view = SentenceView(text, start, len(text) - 1, lex)
    hits = view.find(lex.triggers)
    assert hits
    originals = [text[view.to_doc(h.start) : view.to_doc(h.end)] for h in hits]
    assert "غاراتٍ" in originals or "غارات" in " ".join(originals)
    assert view.from_doc(view.to_doc(hits[0].start)) == hits[0].start


def test_match_events_pairs_by_type_place_and_date() -> None:
    gold: list[dict[str, Any]] = [
        {"event_type": "Battles", "sub_event_type": "Armed clash", "date": "2024-05-18", "location": "كفرنبل، إدلب"},
        {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike", "date": "2024-05-17",
         "location": "بنش"},
    ]  # fmt: skip
    pred: list[dict[str, Any]] = [
        {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike", "date": "2024-05-18",
         "location": {"name": "مدينة بنش"}},
        {"event_type": "Battles", "sub_event_type": "Armed clash", "date": "2024-05-18", "location": None},
        {"event_type": "Battles", "sub_event_type": "Armed clash", "date": "2023-01-01", "location": {"name": "حلب"}},
    ]  # fmt: skip
    assert match_events(gold, pred) == [(0, 1), (1, 0)]


SAMPLE_GOLD = __import__("pathlib").Path(__file__).parents[3] / "rasid" / "data" / "sample" / "gold.json"


@pytest.mark.skipif(not SAMPLE_GOLD.is_file(), reason="sample corpus not bundled")
def test_sample_gold_evaluation_reports_scores_and_fields() -> None:
    from rasid.eval.events import evaluate_sample

    result = evaluate_sample(SAMPLE_GOLD)
    for level in ("type", "sub"):
        overall = result[level]["overall"]
        assert overall["tp"] + overall["fn"] == sum(len(v) for v in __import__("json").loads(
            SAMPLE_GOLD.read_text(encoding="utf-8"))["events"].values())
        assert 0.0 <= overall["f1"] <= 1.0
        assert set(result[level]["fields"]) >= {"killed", "civilians", "children", "women", "injured", "date",
                                                 "location", "attributed_to", "hedged"}
    assert result["type"]["overall"]["recall"] >= 0.5
    assert result["events_ms_per_2kb"] is not None


def test_running_toll_is_not_the_incident_count() -> None:
    text = (
        "وقتل 4 مدنيين بينهم طفل بغارة جوية على بلدة كفرنبل اليوم السبت.\n"
        "وارتفعت حصيلة القتلى منذ بدء الحملة إلى 120 شخصا بينهم 30 طفلا.\n"
    )
    doc = run(text)
    strikes = [e for e in doc.events if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1
    killed = strikes[0].fields["killed"]
    assert killed["total"] == 4 and killed["children"] == 1
    assert not [e for e in doc.events if (e.fields.get("killed") or {}).get("total") == 120]


@pytest.mark.parametrize(
    "toll",
    [
        # the period named after the count
        "ووثقت الشبكة حتى مساء اليوم مقتل 140 شخصاً منذ بدء الهجوم، بينهم 19 مدنياً.\n",
        # a toll in a sentence of context, over weeks of escalation
        "ويأتي القصف وسط تصعيد تشهده المنطقة منذ أسابيع، أدى إلى مقتل مئات المدنيين.\n",
    ],
)
def test_a_toll_over_a_period_is_not_the_incidents(toll: str) -> None:
    doc = run("قصفت قوات النظام بالمدفعية بلدة كنصفرة اليوم السبت، ما أدى إلى إصابة مدنيين اثنين.\n" + toll)
    counts = [(e.fields.get("killed") or {}).get("total") for e in doc.events]
    assert not any(c for c in counts), counts
    shelling = [e for e in doc.events if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert shelling and shelling[0].fields["injured"]["total"] == 2


@pytest.mark.parametrize(
    ("text", "kind", "count"),
    [
        ("قصفت قوات النظام بالمدفعية بلدة كنصفرة اليوم السبت، ما أدى إلى إصابة مدنيين اثنين.\n", "injured", 2),
        # the number repeats the dual's count: two, not four
        ("وأصيب عنصران اثنان من الشرطة في انفجار عبوة ناسفة بمدينة الباب اليوم السبت.\n", "injured", 2),
        ("وقتل ثلاثة أطفال ثلاثتهم من عائلة واحدة في غارة على سرمين اليوم السبت.\n", "killed", 3),
    ],
)
def test_a_count_after_the_people_it_counts(text: str, kind: str, count: int) -> None:
    from rasid.stages import build_pipeline

    doc = build_pipeline(["text", "entities", "events"])(Document(id="c", text=text, published=PUBLISHED))
    assert [(e.fields.get(kind) or {}).get("total") for e in doc.events] == [count]


def test_an_execution_or_an_attack_that_hurt_civilians_only_is_violence_against_civilians() -> None:
    from tests.extract.events.helpers import events, full_pipeline

    pipeline = full_pipeline()
    executed = events(pipeline, "وأعدم تنظيم داعش أربعة أشخاص رميا بالرصاص في ساحة عامة بمدينة الميادين اليوم.")
    assert executed and executed[0].event_type == "Violence against civilians"
    attacked = events(pipeline, "قتلت طفلة في هجوم لمسلحين مجهولين على منزل عائلتها في مدينة العريش اليوم.")
    assert attacked and attacked[0].event_type == "Violence against civilians"
    clash = events(pipeline, "قتل ثلاثة مدنيين في اشتباكات بين الجيش والمسلحين في مدينة الرمادي اليوم.")
    assert clash and clash[0].event_type == "Battles"
    fighters = events(pipeline, "أعدم تنظيم داعش خمسة من عناصر الجيش العراقي أسرهم قرب مدينة بيجي اليوم.")
    assert fighters and fighters[0].event_type == "Battles"


def test_a_bomb_defused_is_disrupted_weapons_use_not_an_explosion() -> None:
    from tests.extract.events.helpers import events, full_pipeline

    defused = events(full_pipeline(), "وتمكن خبراء المتفجرات من تفكيك عبوة ناسفة زرعت قرب جسر في مدينة الفلوجة أمس.")
    assert defused and {e.sub_event_type for e in defused} == {"Disrupted weapons use"}


def test_an_aircraft_shot_down_is_a_fight_not_an_air_strike() -> None:
    from tests.extract.events.helpers import actor_id, events, full_pipeline

    pipeline = full_pipeline()
    downed = events(pipeline, "وأسقطت فصائل المعارضة طائرة حربية تابعة لقوات النظام فوق بلدة التمانعة في ريف إدلب أمس.")
    assert downed and downed[0].event_type == "Battles"
    assert {actor_id(downed[0].fields["actor1"]), actor_id(downed[0].fields["actor2"])} == {"opposition_factions", "saa"}
    strike = events(pipeline, "وشنت طائرة حربية تابعة لقوات النظام غارة على بلدة التمانعة في ريف إدلب أمس.")
    assert strike and strike[0].sub_event_type == "Air/drone strike"


def test_a_capture_is_the_governments_only_with_the_states_own_forces_among_the_takers() -> None:
    from tests.extract.events.helpers import events, full_pipeline

    pipeline = full_pipeline()
    militia = events(pipeline, "وسيطرت المقاومة الشعبية أمس على جبل العروس المطل على مدينة تعز.")
    assert militia and militia[0].sub_event_type == "Non-state actor overtakes territory"
    joint = events(pipeline, "واستعادت القوات الموالية للرئيس هادي ومسلحو المقاومة الشعبية مساء أمس السيطرة على بلدة لودر.")
    assert joint and joint[0].sub_event_type == "Government regains territory"


def test_bombardment_by_aircraft_is_an_air_strike_by_guns_shelling() -> None:
    from tests.extract.events.helpers import events, full_pipeline

    pipeline = full_pipeline()
    by_air = events(pipeline, "وقصفت الطائرات المقاتلة مواقع للمسلحين في بلدة الصقلاوية شمال الفلوجة أمس.")
    assert by_air and by_air[0].sub_event_type == "Air/drone strike"
    by_guns = events(pipeline, "وقصفت المدفعية مواقع للمسلحين في بلدة الصقلاوية شمال الفلوجة أمس.")
    assert by_guns and by_guns[0].sub_event_type == "Shelling/artillery/missile attack"
