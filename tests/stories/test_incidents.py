"""Incidents within a story and who contradicts whom (issue 14 item 9); fixtures written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from rasid.document import Document, Mention
from rasid.knowledge.places import load_places
from rasid.stories.align import Claim, _status, holder_positions
from rasid.stories.incidents import DayCalendar, EventKey, Incident, best_incident, distance_km, same_place
from rasid.text.timex.api import find_times


def _loc(place_id: str, container: str | None = None, geo_precision: int | None = None) -> dict[str, Any]:
    place = load_places().get(place_id)
    assert place is not None, place_id
    return {
        "place_id": place_id,
        "container_id": container,
        "name": place.name_ar,
        "lat": place.lat,
        "lon": place.lon,
        "geo_precision": geo_precision if geo_precision is not None else place.geo_precision,
    }


ALEPPO = "gn-170063"
ATARIB = "gn-174030"


def test_nested_places_are_one_place_and_siblings_are_two() -> None:
    city = _loc(ALEPPO)
    khalidiya = _loc("sy-aleppo-khalidiyah", ALEPPO)
    nile_street = _loc("sy-aleppo-nile-street", ALEPPO)
    assert same_place(city, khalidiya) and same_place(khalidiya, city)
    # Two parts of one city are two places, although their stand-in coordinates are close.
    assert not same_place(khalidiya, nile_street)
    # A town of the governorate is not the city of the same name; it is inside the governorate.
    assert not same_place(_loc(ATARIB), city)
    assert same_place(_loc(ATARIB), _loc("gov-aleppo"))
    assert same_place(None, city) and same_place({"name": "قرية"}, city)


def test_points_with_their_own_coordinates_close_together_are_one_place() -> None:
    town = _loc(ATARIB)
    near = {
        "place_id": "x-near",
        "name": "مزرعة",
        "lat": town["lat"] + 0.005,
        "lon": town["lon"],
        "geo_precision": 1,
    }
    far = {
        "place_id": "x-far",
        "name": "قرية",
        "lat": town["lat"] + 0.2,
        "lon": town["lon"],
        "geo_precision": 1,
    }
    assert distance_km((town["lat"], town["lon"]), (near["lat"], near["lon"])) < 1
    assert same_place(town, near)
    assert not same_place(town, far)
    # Coordinates that are not the place's own (geo-precision 2) say nothing about distance.
    assert not same_place(town, near | {"geo_precision": 2})


def _doc(text: str) -> Document:
    mentions = tuple(Mention(m.start, m.end, m.text, "time") for m in find_times(text, None))
    return Document(id="d", text=text, mentions=mentions)


def test_an_undated_article_still_tells_its_days_apart() -> None:
    text = "أصيب مدنيان فجر اليوم الأربعاء بغارة.\nوالثلاثاء قتل ثمانية مدنيين بغارة.\nوأمس قتل آخر."
    doc = _doc(text)
    first, second, third = ((text.index(s), text.index(s) + len(s)) for s in text.split("\n"))
    cal = DayCalendar(doc)
    # "اليوم الأربعاء" fixes today, so the Tuesday and "yesterday" are the same day, before it.
    assert cal.tag([first]) == ("day", 0)
    assert cal.tag([second]) == cal.tag([third]) == ("day", -1)
    # The first span naming exactly one day decides.
    assert cal.tag([(0, 3), second]) == ("day", -1)


def test_without_a_named_today_only_like_expressions_compare() -> None:
    text = "قصف اليوم على البلدة.\nاشتباكات قبل يومين.\nغارة يوم الخميس."
    cal = DayCalendar(_doc(text))
    today, two_days, thursday = ((text.index(s), text.index(s) + len(s)) for s in text.split("\n"))
    assert cal.tag([today]) == ("rel", 0)
    assert cal.tag([two_days]) == ("rel", -2)
    assert cal.tag([thursday]) == ("wd", 3)
    # A dated article's events carry their own dates: no calendar needed.
    import datetime as dt

    assert DayCalendar(_doc(text).evolve(published=dt.date(2020, 2, 12))).tag([today]) is None


def test_incidents_split_on_day_and_place() -> None:
    atarib = _loc(ATARIB, "gov-aleppo")
    raid = Incident(1, "violence")
    raid.add(atarib, "2020-02-11")
    assert raid.fit("violence", atarib, "2020-02-12") is None  # the next day's raid
    assert raid.fit("violence", atarib, "2020-02-11") is not None
    assert raid.fit("territory", atarib, "2020-02-11") is None
    assert raid.fit("violence", _loc(ALEPPO), "2020-02-11") is None  # another town, same day
    # Undated articles: days told in one article differ, the events are two incidents.
    undated = Incident(2, "violence")
    undated.add(atarib, None, day=("day", -1), article=7)
    assert undated.fit("violence", atarib, None, day=("day", 0), article=7) is None
    assert undated.fit("violence", atarib, None, day=("day", -1), article=7) is not None
    # A weekday and "today" cannot be compared without knowing today's weekday; another article's
    # stand-in days are not comparable at all.
    assert undated.fit("violence", atarib, None, day=("wd", 3), article=7) is not None
    assert undated.fit("violence", atarib, None, day=("day", 0), article=8) is not None


def test_an_incident_keeps_its_most_specific_places() -> None:
    clash = Incident(1, "violence")
    clash.add(_loc(ALEPPO), None)
    clash.add(_loc("sy-aleppo-khalidiyah", ALEPPO), None)
    # The city-wide report fits; another neighbourhood does not.
    assert clash.accepts("violence", _loc(ALEPPO), None)
    assert not clash.accepts("violence", _loc("sy-aleppo-nile-street", ALEPPO), None)


def test_a_vague_event_joins_the_incident_it_fits_best() -> None:
    saturday = Incident(1, "violence")
    saturday.add(_loc("sy-aleppo-nile-street", ALEPPO), None, day=("day", 0), article=1)
    thursday = Incident(2, "violence")
    thursday.add(_loc(ALEPPO), None, day=("day", -2), article=1)
    chosen = best_incident(
        [saturday, thursday], EventKey("violence", _loc(ALEPPO), day=("day", -2), article=1)
    )
    assert chosen is thursday
    assert best_incident([saturday, thursday], EventKey("territory")) is None


def test_two_kinds_of_violence_in_one_city_need_a_day_or_a_place_in_common() -> None:
    clash = Incident(1, "violence")
    clash.take(EventKey("violence", _loc(ALEPPO), "2020-02-10", cause="clash"))
    # A shelling "in Aleppo" on no stated day is not that clash ...
    assert clash.score(EventKey("violence", _loc(ALEPPO), None, "2020-02-12", cause="shelling")) is None
    # ... on the same day it may be (the genuine disagreement about what happened) ...
    assert clash.score(EventKey("violence", _loc(ALEPPO), "2020-02-10", cause="shelling")) is not None
    # ... and so it may at the same neighbourhood, whatever the day.
    hood = Incident(2, "violence")
    hood.take(EventKey("violence", _loc("sy-aleppo-khalidiyah", ALEPPO), cause="clash"))
    assert (
        hood.score(EventKey("violence", _loc("sy-aleppo-khalidiyah", ALEPPO), cause="shelling")) is not None
    )
    # Another report of a clash in the city on no stated day joins it.
    assert clash.score(EventKey("violence", _loc(ALEPPO), None, "2020-02-12", cause="clash")) is not None


def _claim(
    value: Any,
    article: int,
    outlet: str = "عنب بلدي",
    source: str | None = None,
    fact: str = "killed.civilians",
) -> Claim:
    return Claim(fact, 1, value, article, outlet, source)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        # One outlet's toll rising from one report to the next is an update.
        ([_claim(4, 1), _claim(7, 2)], "updated"),
        # Two outlets disagreeing about one incident is the contradiction to report.
        ([_claim(6, 1), _claim(8, 2, outlet="المرصد السوري لحقوق الإنسان")], "contradicted"),
        # Two named sources quoted by one outlet are two holders.
        ([_claim(13, 1, source="مصادر محلية"), _claim(11, 1, source="شبكة حي الزهراء")], "contradicted"),
        # One holder restating figures in one report does not contradict itself.
        (
            [_claim(2, 1, source="الدفاع المدني السوري"), _claim(5, 1, source="الدفاع المدني السوري")],
            "single-source",
        ),
        # An outlet that updated to the other's figure agrees with it.
        ([_claim(6, 1), _claim(8, 2, outlet="سانا"), _claim(8, 3)], "agreed"),
        ([_claim(8, 1), _claim(8, 2, outlet="سانا")], "agreed"),
        ([_claim(8, 1)], "single-source"),
        # A retracted figure is no position.
        (
            [
                _claim(6, 1, outlet="سانا"),
                Claim("killed.civilians", 1, 9, 2, "عنب بلدي", retracted=True),
                _claim(6, 2),
            ],
            "agreed",
        ),
    ],
)
def test_status_needs_two_holders(claims: list[Claim], status: str) -> None:
    assert _status(claims) == status


def test_clash_sides_named_in_part_are_no_contradiction() -> None:
    both = _claim("Military Forces of Russia (2000-) ↔ Pro-Government Militia (Syria)", 1, fact="perpetrator")
    one = _claim("Pro-Government Militia (Syria)", 2, outlet="أورينت نت", fact="perpetrator")
    other = _claim(
        "Military Forces of Turkey ↔ Pro-Government Militia (Syria)", 3, outlet="سانا", fact="perpetrator"
    )
    assert _status([both, one]) == "agreed"
    assert _status([both, other]) == "contradicted"


def test_a_finer_framing_is_no_contradiction() -> None:
    plain = _claim("withdrawal", 1, fact="withdrawal")
    complete = _claim("withdrawal (complete)", 2, outlet="سانا", fact="withdrawal")
    partial = _claim("withdrawal (partial)", 3, outlet="أورينت نت", fact="withdrawal")
    assert _status([plain, complete]) == "agreed"
    assert _status([complete, partial]) == "contradicted"
    assert _status([plain, _claim("denied", 4, outlet="سانا", fact="withdrawal")]) == "contradicted"


def test_an_unknown_perpetrator_disagrees_with_no_one() -> None:
    unknown = _claim("Unidentified Armed Group (Syria)", 1, fact="perpetrator")
    named = _claim("Opposition Rebels (Syria)", 2, outlet="سانا", fact="perpetrator")
    assert _status([unknown, named]) == "agreed"


def test_words_that_name_no_known_actor_contradict_no_one() -> None:
    fragment = _claim("مسجدا لقوات الطوارئ", 1, fact="perpetrator")
    fragment.comparable = False
    named = _claim("Islamic State (Syria)", 2, outlet="سانا", fact="perpetrator")
    assert _status([fragment, named]) == "single-source"
    assert holder_positions([fragment, named])[0] == {"سانا": {'"Islamic State (Syria)"'}}


def test_allies_and_sides_count_as_named_actors() -> None:
    from rasid.stories.align import _actor_facts, _casualty_facts

    record = {
        "event_type": "Battles",
        "sub_event_type": "Non-state actor overtakes territory",
        "actor1": {"id": "hts", "name": "HTS: Hayat Tahrir al Sham"},
        "assoc_actors": [{"id": "opposition_factions", "name": "Opposition Rebels (Syria)", "with": 1}],
        "location": {"name": "حلب"},
        "killed": {
            "total": 234,
            "combatants": [{"count": 155, "side": "jihadist"}, {"count": 79, "side": "government"}],
        },
    }
    facts = {f[0]: f[1] for f in _casualty_facts(record) + _actor_facts(record)}
    assert facts == {
        "killed.combatants (jihadist)": 155,
        "killed.combatants (government)": 79,
        "control:حلب": "HTS: Hayat Tahrir al Sham + Opposition Rebels (Syria)",
    }
    with_allies = _claim(facts["control:حلب"], 1, fact="control:حلب")
    rebels = _claim("Opposition Rebels (Syria)", 2, outlet="سانا", fact="control:حلب")
    assert _status([with_allies, rebels]) == "agreed"


def test_positions_and_updates_are_reported() -> None:
    positions, updated = holder_positions([_claim(4, 1), _claim(7, 2), _claim(6, 2, outlet="سانا")])
    assert positions == {"عنب بلدي": {"7"}, "سانا": {"6"}}
    assert updated == ["عنب بلدي"]
