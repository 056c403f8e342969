"""Stories that do not contradict themselves, end to end (issue 14 item 9).

The reports are short texts written for these tests in the shape of the failures found on the seeds:
one source telling two raids on consecutive days, two neighbourhoods hit on one day, an outlet telling
today's shelling and an earlier clash. The seed checks read the seeds from ../shared when present.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid
from rasid.stories.align import align_story

# One source, two raids on one town: after midnight on Wednesday and on Tuesday.
RAIDS = """غارات جديدة على بلدة سرمين في ريف إدلب

وأفاد الدفاع المدني السوري بإصابة ثلاثة مدنيين بينهم طفل في بلدة سرمين، إثر غارات جوية روسية بعد منتصف ليلة اليوم الأربعاء.

ويوم الثلاثاء، قتل ثمانية مدنيين بينهم طفلان، فيما أصيب 12 مدنيا، جراء غارات للطائرات الروسية على سوق شعبي في بلدة سرمين، وفق الدفاع المدني.
"""

# Two neighbourhoods of one city shelled on one day, each told by its own source.
TWO_PLACES = """قتلى مدنيون في يوم من القصف المتبادل

قتل ثلاثة مدنيين، اليوم الخميس، جراء قصف صاروخي على حي الحمدانية في حلب، بحسب الدفاع المدني السوري.

وفي حي الخالدية بحلب، قتل خمسة مدنيين اليوم بقذائف هاون، وفق ما ذكرته وكالة سانا.
"""

# One outlet: today's shelling of a neighbourhood, and a clash in the city two days before ...
SHELLING_AND_CLASH = """قذائف مجهولة المصدر على حي الفرقان في حلب

سقطت قذائف صاروخية مجهولة المصدر، ظهر اليوم السبت، على حي الفرقان في مدينة حلب، ما أدى إلى إصابة خمسة مدنيين بجروح.

وقال قيادي في فصائل المعارضة إنه قبل يومين اندلعت اشتباكات عنيفة بين القوات الروسية وعناصر ميليشيا إيرانية في مدينة حلب، وقتل فيها أربعة عناصر من الميليشيا.
"""

# ... and another outlet on that clash.
CLASH = """اشتباكات بين القوات الروسية وميليشيا إيرانية في حلب

اندلعت اشتباكات عنيفة، يوم الخميس، بين القوات الروسية وعناصر ميليشيا إيرانية في مدينة حلب، ما أدى إلى مقتل أربعة عناصر من الميليشيا، بحسب مصادر محلية.
"""

# One outlet's toll of one shelling, rising from one day's report to the next.
TOLL_DAY_ONE = """مقتل مدنيين بقصف على كفرنبل

قتل أربعة مدنيين، اليوم الاثنين، بقصف مدفعي لقوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي.
"""

TOLL_DAY_TWO = """حصيلة جديدة لقصف كفرنبل

قتل سبعة مدنيين، أمس الاثنين، بقصف مدفعي لقوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي، في حصيلة جديدة.
"""

# A headline that words the body's shelling as "clashes": one incident, told by the body.
HEADLINE_AND_BODY = """اشتباكات عنيفة في حلب

قتل أربعة مدنيين، اليوم الثلاثاء، بقصف مدفعي على حي الحمدانية في مدينة حلب، بحسب مصادر محلية.
"""

# One outlet quoting two named sources with two tolls of one clash: a genuine contradiction.
TWO_SOURCES = """اقتتال بين ميليشيات في حي الحمدانية بحلب

اندلعت اشتباكات بين ميليشيات موالية للنظام في حي الحمدانية بحلب، أمس الأحد.

وبحسب مصادر محلية، فإن 9 مدنيين قتلوا برصاص المقتتلين في حي الحمدانية أمس الأحد، في حين قالت "شبكة أخبار الحمدانية" إن 6 مدنيين قتلوا في الحي أمس الأحد.
"""


def _analyze(root: Path, reports: list[tuple[str, str, str, dt.date | None]]) -> Path:
    """(file name, text, outlet, publication day) analysed one by one into a new database."""
    db = root / "s.db"
    with Rasid(db) as rasid:
        for name, text, outlet, published in reports:
            path = root / name
            path.write_text(text, encoding="utf-8")
            rasid.analyze([path], published=published, source=outlet)
    return db


def _stories(db: Path) -> list[dict[str, Any]]:
    with Rasid(db) as rasid:
        ids = [int(r[0]) for r in rasid.store.query("SELECT id FROM stories ORDER BY id")]
        return [align_story(rasid.store, i) for i in ids]


def _facts(stories: list[dict[str, Any]], fact: str) -> list[dict[str, Any]]:
    return [f for s in stories for f in s["facts"] if f["fact"] == fact]


def _incident_of(facts: list[dict[str, Any]], value: Any) -> int:
    found = {f["incident"] for f in facts for v in f["values"] if v["value"] == value}
    assert len(found) == 1, (value, facts)
    return found.pop()


@pytest.mark.parametrize("published", [None, dt.date(2020, 2, 12)])
def test_one_source_two_raids_on_consecutive_days(tmp_path: Path, published: dt.date | None) -> None:
    stories = _stories(_analyze(tmp_path, [("raids.txt", RAIDS, "عنب بلدي", published)]))
    injured = _facts(stories, "injured.civilians")
    # Wednesday's three and Tuesday's twelve are two incidents, not one incident "contradicted".
    assert _incident_of(injured, 3) != _incident_of(injured, 12)
    assert all(f["status"] != "contradicted" for f in injured)
    assert all("الدفاع المدني السوري" in h for f in injured for v in f["values"] for h in v["holders"])


@pytest.mark.parametrize("published", [None, dt.date(2020, 2, 13)])
def test_two_neighbourhoods_on_one_day_are_two_incidents(tmp_path: Path, published: dt.date | None) -> None:
    stories = _stories(_analyze(tmp_path, [("places.txt", TWO_PLACES, "عنب بلدي", published)]))
    killed = _facts(stories, "killed.civilians")
    assert _incident_of(killed, 3) != _incident_of(killed, 5)
    assert sum(s["contradictions"] for s in stories) == 0


@pytest.mark.parametrize("published", [None, dt.date(2020, 2, 15)])
def test_an_outlet_telling_two_incidents_does_not_contradict_itself(
    tmp_path: Path, published: dt.date | None
) -> None:
    reports = [
        ("step.txt", SHELLING_AND_CLASH, "وكالة ستيب الإخبارية", published),
        ("orient.txt", CLASH, "أورينت نت", published),
    ]
    stories = _stories(_analyze(tmp_path, reports))
    assert sum(s["contradictions"] for s in stories) == 0
    causes = _facts(stories, "cause")
    # The shelling and the clash are two incidents; both outlets tell the clash alike.
    assert _incident_of(causes, "shelling") != _incident_of(causes, "clash")
    clash = next(f for f in causes if f["values"][0]["value"] == "clash")
    assert clash["status"] == "agreed"
    assert {c["outlet"] for c in clash["claims"]} == {"وكالة ستيب الإخبارية", "أورينت نت"}


def test_a_rising_toll_from_one_outlet_is_an_update(tmp_path: Path) -> None:
    reports = [
        ("d1.txt", TOLL_DAY_ONE, "عنب بلدي", dt.date(2020, 2, 10)),
        ("d2.txt", TOLL_DAY_TWO, "عنب بلدي", dt.date(2020, 2, 11)),
    ]
    stories = _stories(_analyze(tmp_path, reports))
    killed = _facts(stories, "killed.civilians")
    assert len(killed) == 1, killed
    assert killed[0]["status"] == "updated"
    assert killed[0]["updated_by"] == ["عنب بلدي"]
    assert {v["value"] for v in killed[0]["values"]} == {4, 7}


@pytest.mark.parametrize("published", [None, dt.date(2020, 2, 11)])
def test_a_headline_and_its_body_stay_one_incident(tmp_path: Path, published: dt.date | None) -> None:
    stories = _stories(_analyze(tmp_path, [("head.txt", HEADLINE_AND_BODY, "عنب بلدي", published)]))
    assert [len(s["incidents"]) for s in stories] == [1]
    assert stories[0]["contradictions"] == 0
    # The body's wording stands for the headline's.
    cause = _facts(stories, "cause")
    assert cause[0]["status"] == "single-source"
    assert any(c["headline"] for c in cause[0]["claims"]) and any(not c["headline"] for c in cause[0]["claims"])


@pytest.mark.parametrize("published", [None, dt.date(2020, 2, 10)])
def test_two_named_sources_disagreeing_is_still_a_contradiction(tmp_path: Path, published: dt.date | None) -> None:
    stories = _stories(_analyze(tmp_path, [("two.txt", TWO_SOURCES, "أورينت نت", published)]))
    killed = _facts(stories, "killed.civilians")
    contradicted = [f for f in killed if f["status"] == "contradicted"]
    assert len(contradicted) == 1, killed
    values = {v["value"]: v["holders"] for v in contradicted[0]["values"]}
    assert set(values) == {9, 6}
    assert values[9] != values[6]


# ---------------------------------------------------------------------------- the seeds

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def seed_stories(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("the seeds are not in ../shared/seeds")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Rasid(db) as rasid:
        rasid.analyze(sorted(SEEDS.glob("*.txt")))
    return _stories(db)


def _outlet_stories(stories: list[dict[str, Any]], outlet: str) -> list[dict[str, Any]]:
    return [s for s in stories if outlet in s["outlets"]]


def test_seed_atarib_raids_are_two_incidents_of_the_civil_defence(seed_stories: list[dict[str, Any]]) -> None:
    stories = _outlet_stories(seed_stories, "سكاي نيوز عربية")
    killed = _facts(stories, "killed.civilians")
    injured = _facts(stories, "injured.civilians")
    thursday = _incident_of(killed, 15)
    assert {(f["fact"], v["value"]) for f in _facts(stories, "killed.children") + _facts(stories, "killed.women")
            for v in f["values"] if f["incident"] == thursday} == {("killed.children", 4), ("killed.women", 2)}  # fmt: skip
    assert _incident_of(injured, 5) == thursday
    assert _incident_of(injured, 2) != thursday  # Friday's raid
    for f in killed + injured:
        assert f["status"] != "contradicted", f
        assert all("الدفاع المدني" in h for v in f["values"] for h in v["holders"])


def test_seed_step_shelling_and_clash_are_not_one_incident(seed_stories: list[dict[str, Any]]) -> None:
    stories = _outlet_stories(seed_stories, "وكالة ستيب الإخبارية")
    causes = [
        f for f in _facts(stories, "cause") if any(c["outlet"] == "وكالة ستيب الإخبارية" for c in f["claims"])
    ]
    step_causes = {
        (f["incident"], c["value"]) for f in causes for c in f["claims"] if c["outlet"] == "وكالة ستيب الإخبارية"
    }
    assert {v for _i, v in step_causes} >= {"shelling", "clash"}
    assert len({i for i, _v in step_causes}) >= 2
    for s in stories:
        for f in s["facts"]:
            if f["status"] == "contradicted":
                # whatever remains contradicted is held by two outlets, never by Step alone
                assert len({c["outlet"] for c in f["claims"]}) > 1, f


def test_seed_khalidiya_13_against_11_is_reported(seed_stories: list[dict[str, Any]]) -> None:
    killed = _facts(_outlet_stories(seed_stories, "أورينت نت"), "killed.civilians")
    disputed = [f for f in killed if {v["value"] for v in f["values"]} >= {13, 11}]
    assert disputed and disputed[0]["status"] == "contradicted", killed


def test_seed_sohr_fighters_155_and_79(seed_stories: list[dict[str, Any]]) -> None:
    stories = _outlet_stories(seed_stories, "صحيفة العرب")
    fighters = {
        c["value"]: c["source"]
        for s in stories
        for f in s["facts"]
        if f["fact"].startswith("killed.combatants")
        for c in f["claims"]
        if c["outlet"] == "صحيفة العرب"
    }
    # Each side's dead is its own figure (HTS 155, the army 79), both the Observatory's.
    assert fighters.get(155) == fighters.get(79) == "المرصد السوري لحقوق الإنسان", fighters
