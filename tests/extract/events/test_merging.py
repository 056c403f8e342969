"""One incident told several times in an article is one event; different incidents stay apart.

Fixtures are short reports written for these tests, run through the text and entity stages.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rasid.document import Document, Mention
from rasid.extract.events import PhraseMatcher, PhraseSet, event_lexicon
from rasid.pipeline import Pipeline
from rasid.stages import build_pipeline
from rasid.text.normalize import normalize
from tests.extract.events.helpers import named, unnamed

PUBLISHED = dt.date(2024, 3, 9)  # a Saturday


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return build_pipeline(["text", "entities", "events"])


def events(pipeline: Pipeline, text: str, published: dt.date | None = PUBLISHED) -> list:
    return list(pipeline(Document(id="t", text=text, published=published)).events)


def bare(text: str, published: dt.date | None = PUBLISHED) -> list:
    """Events without name mentions (actors read from the words only)."""
    return unnamed(text, published)


RESTATED = (
    "غارة جوية تقتل 7 مدنيين في بلدة معرة مصرين\n"
    "قتل 7 مدنيين بينهم طفلان، اليوم السبت، جراء غارة جوية استهدفت سوقا شعبيا في بلدة معرة مصرين بريف إدلب.\n"
    "وقال الدفاع المدني إن الغارة دمرت عددا من المحال التجارية في البلدة، مشيرا إلى أن فرقه انتشلت الضحايا.\n"
    "وأضاف أن حصيلة الغارة قد ترتفع بسبب وجود جرحى في حالة خطرة.\n"
)


def test_headline_lead_and_body_of_one_strike_are_one_event(pipeline: Pipeline) -> None:
    evs = events(pipeline, RESTATED)
    assert len(evs) == 1
    f = evs[0].fields
    assert evs[0].sub_event_type == "Air/drone strike"
    assert f["killed"]["total"] == 7 and f["date"] == "2024-03-09"
    assert "معرة مصرين" in f["location"]["name"]
    # every telling is kept as evidence
    assert len(f["more_evidence"]) == 3


def test_two_strikes_on_two_towns_stay_two_events(pipeline: Pipeline) -> None:
    text = (
        "قتل 3 مدنيين، اليوم السبت، جراء غارة جوية استهدفت بلدة كفرنبل جنوبي إدلب.\n"
        "وفي سياق منفصل، قتل 5 مدنيين جراء غارة جوية أخرى استهدفت مدينة الأتارب غربي حلب.\n"
    )
    evs = events(pipeline, text)
    assert len(evs) == 2
    assert sorted(e.fields["killed"]["total"] for e in evs) == [3, 5]
    assert {("كفرنبل" in e.fields["location"]["text"], "الأتارب" in e.fields["location"]["name"]) for e in evs} == {
        (True, False), (False, True)
    }


def test_the_same_town_on_two_days_is_two_incidents(pipeline: Pipeline) -> None:
    text = (
        "قصفت قوات النظام بلدة كفرنبل اليوم السبت، ما أدى إلى دمار في منازل المدنيين.\n"
        "وقتل ثلاثة مدنيين بقصف مدفعي على بلدة كفرنبل يوم الثلاثاء الماضي.\n"
    )
    assert sorted(e.fields["date"] for e in events(pipeline, text)) == ["2024-03-05", "2024-03-09"]


def test_a_sentence_dated_years_before_the_report_is_background(pipeline: Pipeline) -> None:
    text = "قصفت قوات النظام بلدة كفرنبل اليوم السبت.\nوفي عام 2019، قتل 20 مدنيا في قصف مماثل على البلدة.\n"
    evs = events(pipeline, text)
    # the earlier incident is kept with its own date, flagged, and not merged into today's
    assert sorted((e.fields["background"], str(e.fields["date"])[:4]) for e in evs) == [(False, "2024"), (True, "2019")]
    old = next(e for e in evs if e.fields["background"])
    assert old.fields["killed"]["total"] == 20
    # without a publication date nothing says the second report is old
    assert [e.fields["background"] for e in events(pipeline, text, published=None)] == [False, False]


def test_context_opener_is_background_unless_it_tells_what_goes_on_meanwhile() -> None:
    after = "شنت الطائرات الحربية غارات على بلدة كفرنبل اليوم السبت.\nويأتي ذلك بعد أيام من اشتباكات عنيفة في محيط البلدة.\n"
    assert [e.event_type for e in bare(after)] == ["Explosions/Remote violence"]
    meanwhile = (
        "اندلعت اشتباكات بين الفصائل وقوات النظام في محيط بلدة كفرنبل اليوم السبت.\n"
        "ويأتي ذلك في وقت تواصل فيه الطائرات الحربية قصف بلدات ريف حلب الغربي.\n"
    )
    assert sorted(e.event_type for e in bare(meanwhile)) == ["Battles", "Explosions/Remote violence"]


def test_recalled_earlier_capture_is_not_a_new_event() -> None:
    text = "سيطرت الفصائل على بلدة الزربة اليوم السبت.\nوكانت الفصائل قد سيطرت يوم الخميس الماضي على بلدة خان العسل.\n"
    evs = bare(text)
    news = [e for e in evs if not e.fields["background"]]
    assert len(news) == 1 and news[0].fields["date"] == "2024-03-09"
    # the recalled capture is an incident of its own day, flagged as background
    assert [e.fields["date"] for e in evs if e.fields["background"]] == ["2024-03-07"]


def test_event_named_to_date_another_does_not_set_its_type() -> None:
    text = (
        "تظاهر مئات الأشخاص في ساحة المدينة اليوم السبت.\n"
        "وقال ناشطون إن عناصر الأمن اعتقلوا خمسة ناشطين عقب انتهاء المظاهرة.\n"
    )
    assert sorted(e.sub_event_type for e in bare(text)) == ["Arrests", "Peaceful protest"]


def test_counts_of_the_two_sides_of_one_fight_add_up() -> None:
    text = "وقتلت الفصائل 9 عناصر من قوات النظام في الاشتباكات، في حين قتل 4 عناصر من الفصائل.\n"
    factions = [m.start() for m in re.finditer("الفصائل", text)]
    regime = text.index("قوات النظام")
    opposition = [
        Mention(s, s + len("الفصائل"), "الفصائل", "actor", "opposition", attrs={"side": "opposition", "inter": 2})
        for s in factions
    ]
    saa = Mention(regime, regime + len("قوات النظام"), "قوات النظام", "actor", "saa", attrs={"side": "government", "inter": 1})
    evs = [e for e in named(text, (*opposition, saa)) if e.event_type == "Battles"]
    assert len(evs) == 1
    assert evs[0].fields["killed"]["total"] == 13


def test_a_month_name_inside_a_place_name_is_not_a_date() -> None:
    text = "سقطت قذائف على حي باب النيرب في مدينة حلب.\n"
    place = text.index("باب النيرب")
    mentions = (
        Mention(place, place + len("باب النيرب"), "باب النيرب", "place", "sy-bab-al-nayrab",
                attrs={"admin1": "Aleppo", "admin2": "Jebel Saman", "geo_precision": 1}),
        # what a date reader sees in "باب" (ب + the month آب)
        Mention(place, place + 3, "باب", "time", None,
                attrs={"value": "2023-08-01", "precision": "month", "kind": "date"}),
    )
    [event] = named(text, mentions)
    assert event.fields["date"] == "2024-03-09" and event.fields["date_from"] == "publication"


# --------------------------------------------------------------------------- who did it to whom


@pytest.mark.parametrize(
    ("text", "actor1", "actor2"),
    [
        # verb-subject-object
        ("قتلت القوات الأمريكية 11 مسلحا في عملية بمدينة الكوت.\n", "القوات الأمريكية", "مسلحا"),
        # a plural verb follows its subject
        ("وأوضحت المصادر أن مسلحين مجهولين اغتالوا العميد جبار مساعد في البصرة.\n", "مسلحين مجهولين", "العميد جبار مساعد"),
        # a count after the verb: the victims; the agent after "شنه"
        ("وقتل 4 جنود في هجوم شنه مسلحون مجهولون على ثكنة عسكرية.\n", "مسلحون مجهولون", "جنود"),
        # passive with nobody named as acting
        ("قتل 18 شخصا في انفجار سيارة مفخخة في بغداد أمس.\n", None, "شخصا"),
        # the protesters' noun is the acting side
        ("خرج مئات المتظاهرين في مدينة السويداء مطالبين برحيل المحافظ.\n", "المتظاهرين", None),
        ("اعتصم عشرات المواطنين أمام مبنى المحافظة مطالبين بالإفراج عن المعتقلين.\n", "المواطنين", None),
        # the two sides of a clash
        ("اندلعت اشتباكات بين الفصائل وقوات النظام في محيط البلدة اليوم.\n", "الفصائل", "قوات النظام"),
    ],
)
def test_actor_roles_follow_arabic_word_order(text: str, actor1: str | None, actor2: str | None) -> None:
    [event] = bare(text)
    got1 = (event.fields["actor1"] or {}).get("text")
    got2 = (event.fields["actor2"] or {}).get("text")
    assert got1 == actor1
    assert got2 == actor2


def test_protesters_are_coded_as_protesters() -> None:
    [event] = bare("خرج مئات المتظاهرين في مدينة السويداء مطالبين برحيل المحافظ.\n")
    assert event.fields["actor1"]["name"] == "Protesters (Syria)" and event.fields["actor1"]["inter"] == 6


# --------------------------------------------------------------------------- matching


def test_word_level_matcher_finds_what_each_regex_finds() -> None:
    lex = event_lexicon()
    sets = list(lex.phrase_sets())
    extra = PhraseSet(["غارة", "غارة جوية", "قصف*", "قصف مدفعي", "وقع* اتفاق*", "في صفوف", "ال*"])
    matcher = PhraseMatcher([*sets, extra])
    text = normalize(
        "وبالغارات الجوية والقصف المدفعي قتل 5 في صفوف المدنيين، فيما وقعت الأطراف اتفاقا.\n"
        "ولم يتسن التأكد من الأنباء؛ وكانت الفصائل قد سيطرت على القرية بحسب ناشطين، وللقصفِ آثار."
    ).text
    found = matcher.find_all(text)
    assert any(found), "the text holds phrases of the lexicon"
    for index, hits in zip(matcher.sets, found, strict=True):
        assert [tuple(h) for h in hits] == [tuple(h) for h in index.ps.find(text)]


def test_a_question_asserts_no_event() -> None:
    assert bare("حلب.. انسحاب أم إعادة انتشار؟\n") == []
    assert len(bare("انسحبت القوات الروسية من مواقعها في حلب اليوم السبت.\n")) == 1


def test_a_crosshead_joins_the_paragraph_it_introduces() -> None:
    text = (
        "انسحبت القوات الروسية من مواقعها في المدينة الصناعية اليوم السبت.\n\n"
        "اجتماع الجميلية\n\n"
        "وقالت المصادر إن الاجتماع الذي عقد الخميس الماضي في حي الجميلية حضره ضابطان روسيان.\n"
    )
    meetings = [e for e in bare(text) if e.fields["plover_type"] == "CONSULT"]
    assert len(meetings) == 1
    assert meetings[0].fields["date"] == "2024-03-07"
