"""ACLED's unit of record in the export: one event per article, type, day and place (a city with its quarters)."""

from __future__ import annotations

import io
from typing import Any

from rasid.export.acled import write_acled
from rasid.export.rollup import one_per_place_day


def _record(place_id: str, text: str, killed: int | None, *, day: str = "2015-07-21", actor: str | None = None,
            article: int = 1, special: list[str] | None = None, event_type: str = "Explosions/Remote violence") -> dict[str, Any]:
    return {
        "event_type": event_type,
        "sub_event_type": "Remote explosive/landmine/IED",
        "date": day,
        "date_precision": "day",
        "location": {"place_id": place_id, "name": text, "text": text},
        "actor1": {"id": actor, "name": actor} if actor else None,
        "killed": {"total": killed, "low": killed, "best": killed, "high": killed} if killed is not None else None,
        "evidence": {"text": f"انفجار في {text}"},
        "article": {"id": article},
        "special": special or [],
    }


def test_bombs_in_two_quarters_of_a_city_on_one_day_are_one_city_event() -> None:
    rows = one_per_place_day([_record("iq-zafaraniya", "الزعفرانية", 4), _record("iq-bayaa", "البياع", 18)])
    assert len(rows) == 1
    assert rows[0]["location"]["name_en"] == "Baghdad" and rows[0]["killed"]["best"] == 22
    assert "الزعفرانية" in rows[0]["location"]["text"] and "البياع" in rows[0]["location"]["text"]
    assert rows[0]["rolled_up"] == 2


def test_other_days_articles_attackers_and_non_incidents_stay_apart() -> None:
    assert len(one_per_place_day([_record("iq-bayaa", "البياع", 4), _record("iq-bayaa", "البياع", 5, day="2015-07-22")])) == 2
    assert len(one_per_place_day([_record("iq-bayaa", "البياع", 4), _record("iq-bayaa", "البياع", 5, article=2)])) == 2
    named = [_record("iq-bayaa", "البياع", 4, actor="Islamic State (Iraq)"), _record("iq-bayaa", "البياع", 5, actor="PMF")]
    assert len(one_per_place_day(named)) == 2
    recalled = [_record("iq-bayaa", "البياع", 4), _record("iq-bayaa", "البياع", 5, special=["background"])]
    assert len(one_per_place_day(recalled)) == 2


def test_a_quarter_alone_keeps_its_own_place_and_the_record_is_not_changed() -> None:
    alone = _record("iq-bayaa", "البياع", 4)
    assert one_per_place_day([alone]) == [alone]
    pair = [_record("iq-zafaraniya", "الزعفرانية", 4), _record("iq-bayaa", "البياع", None)]
    rolled = one_per_place_day(pair)
    assert rolled[0]["killed"]["best"] == 4 and pair[0]["location"]["place_id"] == "iq-zafaraniya"


def test_the_acled_csv_rolls_up_and_can_keep_every_record() -> None:
    records = [_record("iq-zafaraniya", "الزعفرانية", 4), _record("iq-bayaa", "البياع", 18)]
    buf = io.StringIO()
    assert write_acled(records, buf) == 1
    assert write_acled(records, io.StringIO(), roll_up=False) == 2
