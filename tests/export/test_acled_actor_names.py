"""ACLED rows name every actor by its knowledge-base id, the event's date and the event's country."""

from __future__ import annotations

from typing import Any

from rasid.export.acled import acled_row


def _actor(actor_id: str | None, text: str, name: str | None = None) -> dict[str, Any]:
    return {"id": actor_id, "text": text, "side": None, "inter": None, "name": name}


def _record(
    event_type: str, date: str, country: str | None, a1: Any, a2: Any = None, assoc: Any = ()
) -> dict[str, Any]:
    location = {"place_id": None, "name": "x", "name_en": "X", "country": country} if country else None
    return {
        "event_type": event_type,
        "sub_event_type": "",
        "date": date,
        "actor1": a1,
        "actor2": a2,
        "assoc_actors": list(assoc),
        "location": location,
        "attributed_to": [],
        "evidence": {"text": "", "start": 0, "end": 0},
    }


def test_a_state_is_named_by_the_government_of_the_event_day() -> None:
    # The record's own `name` (the knowledge base's current name) is not what the row says.
    us = _actor("us_forces", "الطيران الأمريكي", "Military Forces of the United States (2021-2025)")
    israel = _actor("israeli_air_force", "الطيران الإسرائيلي", "Military Forces of Israel (2022-)")
    row = acled_row(_record("Explosions/Remote violence", "2015-07-30", "Syria", us, israel))
    assert row["actor1"] == "Military Forces of the United States (2009-2017)"
    assert row["actor2"] == "Military Forces of Israel (2009-2021)"
    row = acled_row(_record("Explosions/Remote violence", "2023-03-01", "Syria", us))
    assert row["actor1"] == "Military Forces of the United States (2021-2025)"


def test_groups_are_named_for_the_event_country_and_day() -> None:
    isis = _actor("isis", "داعش", "Islamic State (Syria)")
    army = _actor("iraq_army", "الجيش العراقي")
    row = acled_row(_record("Battles", "2015-07-26", "Iraq", army, isis))
    assert (row["actor1"], row["actor2"]) == ("Military Forces of Iraq (2014-2018)", "Islamic State (Iraq)")
    nusra = _actor("hts", "جبهة النصرة", "HTS: Hayat Tahrir al Sham")
    assert acled_row(_record("Battles", "2015-07-26", "Syria", nusra))["actor1"] == "Jabhat al Nusra"
    coalition = _actor("us_led_coalition", "طيران التحالف")
    assert acled_row(_record("Explosions/Remote violence", "2015-07-26", "Yemen", coalition))["actor1"] == (
        "Military Forces of Saudi Arabia (2015-)"
    )
    # "الجيش" in a Yemeni event is Yemen's army, not Syria's
    army_word = _actor("saa", "الجيش", "Military Forces of Syria (2000-2024)")
    assert acled_row(_record("Battles", "2015-07-26", "Yemen", army_word))["actor1"] == (
        "Military Forces of Yemen (2012-) Hadi-aligned"
    )


def test_words_of_the_text_are_never_an_acled_actor() -> None:
    words = _actor(None, "الطريق الرئيسي")
    row = acled_row(_record("Explosions/Remote violence", "2015-07-26", "Egypt", words, _actor(None, "كلا")))
    assert row["actor1"] == "Unidentified Armed Group (Egypt)"  # a violent event's unknown perpetrator
    assert row["actor2"] == ""
    assert (
        acled_row(_record("Battles", "2015-07-26", "Iraq", None))["actor1"]
        == "Unidentified Armed Group (Iraq)"
    )
    # not a violent event: nothing is written
    assert acled_row(_record("Strategic developments", "2015-07-26", "Iraq", words))["actor1"] == ""
    assert acled_row(_record("Protests", "2015-07-26", "Iraq", _actor(None, "يكون")))["actor1"] == ""
    assoc = [{**_actor(None, "ممثلين"), "with": 1}, {**_actor("pmf", "الحشد الشعبي"), "with": 1}]
    row = acled_row(
        _record("Battles", "2015-07-26", "Iraq", _actor("iraq_army", "الجيش العراقي"), None, assoc)
    )
    assert row["assoc_actor_1"] == "Popular Mobilization Forces"


def test_a_role_actor_recorded_by_name_takes_the_event_country() -> None:
    # Civilians coded by role carry no id, only the knowledge base's name.
    victims = _actor(None, "مدنيين", "Civilians (Syria)")
    row = acled_row(
        _record("Violence against civilians", "2015-07-26", "Yemen", _actor("houthis", "الحوثيين"), victims)
    )
    assert (row["actor1"], row["actor2"]) == ("Houthis (Ansar Allah)", "Civilians (Yemen)")
    # without a country anywhere, the actor's own
    assert acled_row(_record("Battles", "2015-07-26", None, None, victims))["actor2"] == "Civilians (Syria)"


def test_an_outlet_or_a_monitor_is_never_a_party_to_the_event() -> None:
    outlet = _actor("al_mayadeen", "قناة الميادين", "Al Mayadeen")
    monitor = _actor("sohr", "المرصد السوري", "SOHR: Syrian Observatory for Human Rights")
    row = acled_row(_record("Battles", "2016-07-26", "Syria", outlet, monitor))
    assert (row["actor1"], row["actor2"]) == ("Unidentified Armed Group (Syria)", "")
    row = acled_row(_record("Strategic developments", "2016-07-26", "Syria", outlet))
    assert row["actor1"] == ""
