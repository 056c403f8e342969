"""Event stage on short reports written for these tests (not the seeds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasid.document import Document, Mention
from rasid.extract.events import EventLexiconError, EventStage, load_event_lexicon
from tests.extract.events.helpers import analysed, with_names

PUBLISHED = dt.date(2024, 3, 9)  # a Saturday

AIRSTRIKE = (
    "قصف جوي على ريف إدلب\n"
    "والأربعاء، قضى 12 مدنيا بينهم 3 أطفال وامرأتان، فيما أصيب 6 مدنيين بينهم طفلان، "
    "بغارة نفذتها الطائرات الحربية على سوق شعبي ببلدة كفرعويد، بحسب الدفاع المدني.\n"
)


def run(text: str, published: dt.date | None = PUBLISHED, mentions: tuple[Mention, ...] = ()) -> Document:
    """The event stage on `text` with the given names only (none: actors come from the words)."""
    return EventStage()(with_names(analysed(text, published), mentions))


def killed_events(doc: Document) -> list[dict]:
    return [dict(e.fields) for e in doc.events if e.fields.get("killed")]


def test_airstrike_counts_categories_date_and_source() -> None:
    doc = run(AIRSTRIKE)
    strikes = [e for e in doc.events if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1
    f = strikes[0].fields
    assert f["plover_type"] == "ASSAULT"
    assert f["killed"]["total"] == 12 and f["killed"]["civilians"] == 12
    assert f["killed"]["children"] == 3 and f["killed"]["women"] == 2
    assert f["injured"]["total"] == 6 and f["injured"]["children"] == 2
    assert f["date"] == "2024-03-06" and f["date_from"] in ("text", "context")
    assert any("الدفاع المدني" in a["text"] for a in f["attributed_to"])
    assert f["hedged"] is False
    ev = f["evidence"]
    assert doc.text[ev["start"] : ev["end"]] == ev["text"]


def test_combatants_with_sides_from_actor_mentions() -> None:
    text = "ووثق المرصد السوري مقتل 40 عنصرا من هيئة تحرير الشام و25 عنصرا من قوات النظام في ريف حماة.\n"
    hts = text.index("هيئة تحرير الشام")
    regime = text.index("قوات النظام")
    mentions = (
        Mention(hts, hts + len("هيئة تحرير الشام"), "هيئة تحرير الشام", "actor", "hts", attrs={"side": "jihadist", "inter": 2}),
        Mention(regime, regime + len("قوات النظام"), "قوات النظام", "actor", "saa", attrs={"side": "government", "inter": 1}),
    )
    doc = run(text, mentions=mentions)
    [event] = doc.events
    killed = event.fields["killed"]
    assert killed["total"] == 65
    sides = {(c["count"], c["side"]) for c in killed["combatants"]}
    assert sides == {(40, "jihadist"), (25, "government")}
    assert event.event_type == "Battles"
    assert {event.fields["actor1"]["id"], event.fields["actor2"]["id"]} == {"hts", "saa"}


@pytest.mark.parametrize(
    "text",
    [
        "سيطرت الفصائل على قرى في ريف حلب بمساحة تبلغ 200 كم مربع بعد اشتباكات عنيفة.\n",
        "وتتوقع الحكومة وصول التعزيزات خلال 72 ساعة بعد قصف مدفعي استهدف المنطقة.\n",
        "وكان هذا الهجوم الأعنف على المدينة منذ عام 2016 حين اندلعت اشتباكات عنيفة في الأحياء الشرقية.\n",
        "اندلعت اشتباكات عنيفة بين الطرفين في محيط البلدة صباح اليوم.\n",
    ],
)
def test_numbers_that_are_not_casualties_invent_nothing(text: str) -> None:
    doc = run(text)
    assert doc.events, "the sentence still reports an event"
    for e in doc.events:
        assert e.fields["killed"] is None and e.fields["injured"] is None


def test_contradictory_counts_are_not_summed() -> None:
    text = "قتل 10 مدنيين في قصف على البلدة بحسب ناشطين، في حين قالت مصادر أخرى إن 20 مدنيا قتلوا في القصف نفسه.\n"
    doc = run(text)
    totals = [e.fields["killed"]["total"] for e in doc.events if e.fields["killed"]]
    assert 30 not in totals
    for e in doc.events:
        k = e.fields["killed"]
        if k and k.get("conflicting"):
            assert k["total"] is None and k["conflicting"] == [10, 20]


def test_contradiction_within_one_clause_reports_conflict() -> None:
    text = "أسفر القصف عن مقتل 7 مدنيين أو 9 مدنيين في البلدة.\n"
    [event] = run(text).events
    assert event.fields["killed"]["total"] is None
    assert event.fields["killed"]["conflicting"] == [7, 9]


def test_uncounted_casualties_are_reported_without_a_number() -> None:
    doc = run("اندلعت اشتباكات بين الطرفين في الحي وأوقعت قتلى وجرحى.\n")
    [event] = doc.events
    assert event.fields["killed"]["total"] is None and event.fields["killed"]["reported"] is True
    assert event.fields["injured"]["total"] is None


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("سقطت قذائف صاروخية على حي الفرقان، وسط أنباء عن جرحى بين المدنيين.\n", "وسط أنباء عن"),
        ("وأكد القيادي أن الفصائل تتبنى استهداف المقرات، نافيا قصفها المناطق السكنية.\n", "نافيا"),
    ],
)
def test_hedged_reports(text: str, cue: str) -> None:
    doc = run(text)
    hedged = [e for e in doc.events if e.fields["hedged"]]
    assert hedged and hedged[0].fields["hedge_cue"] == cue


def test_plain_report_is_not_hedged() -> None:
    doc = run("قتل 4 مدنيين بقصف مدفعي على بلدة سرمين، بحسب الدفاع المدني.\n")
    assert doc.events and not any(e.fields["hedged"] for e in doc.events)


def test_repeated_facts_collapse_and_different_incidents_stay_apart() -> None:
    text = (
        "قتل 8 مدنيين في قصف مدفعي على بلدة النيرب يوم الثلاثاء.\n"
        "وقالت مصادر محلية إن القصف المدفعي على النيرب أسفر عن مقتل 8 مدنيين.\n"
        "وفي حادثة أخرى يوم الخميس، قتل 3 مدنيين في قصف مدفعي على بلدة أخرى.\n"
    )
    doc = run(text)
    shelling = [e for e in doc.events if e.event_type == "Explosions/Remote violence"]
    counts = sorted(e.fields["killed"]["total"] for e in shelling)
    assert counts == [3, 8]
    merged = next(e for e in shelling if e.fields["killed"]["total"] == 8)
    assert len(merged.spans["evidence"]) == 2


def test_irrealis_trigger_is_not_an_event() -> None:
    assert run("وقال الجيش إنه سيرد في حال تعرضت مواقعه لهجوم.\n").events == ()


def test_protest_and_withdrawal_types() -> None:
    doc = run("خرجت مظاهرة في مدينة السويداء للمطالبة بالإفراج عن المعتقلين يوم الجمعة.\n")
    assert [(e.event_type, e.fields["plover_type"]) for e in doc.events] == [("Protests", "PROTEST")]
    doc = run("أعلنت القوات الروسية انسحابها من نقطة المراقبة في ريف حماة الشمالي أمس.\n")
    assert [(e.event_type, e.fields["plover_type"]) for e in doc.events] == [("Strategic developments", "RETREAT")]


def test_publication_date_fallback_is_flagged() -> None:
    [event] = run("قتل 4 مدنيين بقصف مدفعي على بلدة سرمين.\n").events
    assert event.fields["date"] == PUBLISHED.isoformat() and event.fields["date_from"] == "publication"
    [event] = run("قتل 4 مدنيين بقصف مدفعي على بلدة سرمين.\n", published=None).events
    assert event.fields["date"] is None


def test_bad_lexicon_file_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "lex.yaml"
    bad.write_text("triggers:\n  - {name: x, event_type: Battles, sub_event_type: Nope, plover: ASSAULT,"
                   " plover_mode: m, priority: 1, weight: 0.5, forms: [a]}\n", encoding="utf-8")
    with pytest.raises(EventLexiconError, match=r"lex\.yaml"):
        load_event_lexicon(str(bad))


def test_pipeline_with_entities_stage() -> None:
    from rasid.stages import available_stages, build_pipeline

    if "entities" not in available_stages() or "events" not in available_stages():
        pytest.skip("entities/events stages not registered yet")
    try:
        pipe = build_pipeline(["text", "entities", "events"])
        doc = pipe(Document(id="p", text=AIRSTRIKE, published=PUBLISHED))
    except FileNotFoundError as exc:
        pytest.skip(f"entity model missing: {exc}")
    strikes = [e for e in doc.events if e.sub_event_type == "Air/drone strike"]
    assert strikes and strikes[0].fields["killed"]["total"] == 12
